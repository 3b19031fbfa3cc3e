/**
 * The structured editors of bucket settings (CORS, event notifications, inventory): each
 * configuration as form values (strings, one list item a line) and back to the API's JSON, with
 * the checks the server makes, worded per field. Problems are keyed `<rule index>.<field>`
 * (`field` alone for single-object configurations).
 */

export type Problems = Record<string, string>;

const lines = (s: string): string[] =>
  s
    .split(/[\n,]/)
    .map((x) => x.trim())
    .filter(Boolean);
const joinLines = (a: unknown): string => (Array.isArray(a) ? a.map(String).join('\n') : '');
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const isWholeNumber = (s: string) => /^\d+$/.test(s.trim());

// ---- CORS ----

export const CORS_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'] as const;

export interface CorsRuleForm {
  id: string;
  origins: string;
  methods: string[];
  allowedHeaders: string;
  exposeHeaders: string;
  maxAge: string;
}

export const newCorsRule = (): CorsRuleForm => ({
  id: '',
  origins: '',
  methods: ['GET'],
  allowedHeaders: '*',
  exposeHeaders: '',
  maxAge: '3000',
});

export function corsToForm(json: unknown): CorsRuleForm[] {
  const rules = obj(json).CORSRules;
  return (Array.isArray(rules) ? rules : []).map((r) => {
    const o = obj(r);
    return {
      id: str(o.ID),
      origins: joinLines(o.AllowedOrigins),
      methods: Array.isArray(o.AllowedMethods) ? o.AllowedMethods.map(String) : [],
      allowedHeaders: joinLines(o.AllowedHeaders),
      exposeHeaders: joinLines(o.ExposeHeaders),
      maxAge: str(o.MaxAgeSeconds),
    };
  });
}

export function corsFromForm(rules: CorsRuleForm[]): { CORSRules: Record<string, unknown>[] } {
  return {
    CORSRules: rules.map((f) => {
      const r: Record<string, unknown> = {};
      if (f.id.trim()) r.ID = f.id.trim();
      r.AllowedOrigins = lines(f.origins);
      r.AllowedMethods = CORS_METHODS.filter((m) => f.methods.includes(m));
      if (lines(f.allowedHeaders).length) r.AllowedHeaders = lines(f.allowedHeaders);
      if (lines(f.exposeHeaders).length) r.ExposeHeaders = lines(f.exposeHeaders);
      if (f.maxAge.trim() !== '' && isWholeNumber(f.maxAge)) r.MaxAgeSeconds = Number(f.maxAge);
      return r;
    }),
  };
}

export function corsProblems(rules: CorsRuleForm[]): Problems {
  const p: Problems = {};
  if (rules.length === 0) p.rules = 'Add at least one rule (or Remove the configuration)';
  if (rules.length > 100) p.rules = 'At most 100 rules';
  const stars = (s: string) => (s.match(/\*/g) ?? []).length;
  rules.forEach((f, i) => {
    if (f.id.length > 255) p[`${i}.id`] = 'At most 255 characters';
    const origins = lines(f.origins);
    if (origins.length === 0) p[`${i}.origins`] = 'Give at least one origin, e.g. https://app.example.com or *';
    else if (origins.some((o) => stars(o) > 1)) p[`${i}.origins`] = 'An origin may hold one * at most';
    if (f.methods.length === 0) p[`${i}.methods`] = 'Allow at least one method';
    if (lines(f.allowedHeaders).some((h) => stars(h) > 1)) p[`${i}.allowedHeaders`] = 'A header may hold one * at most';
    if (lines(f.exposeHeaders).some((h) => h.includes('*'))) p[`${i}.exposeHeaders`] = 'Exposed headers cannot use *';
    if (f.maxAge.trim() !== '' && !isWholeNumber(f.maxAge)) p[`${i}.maxAge`] = 'A whole number of seconds, 0 or more';
  });
  return p;
}

// ---- event notifications ----

export const TARGET_TYPES = ['webhook', 'redis', 'rabbitmq', 'mqtt', 'nats', 'queue', 'topic', 'lambda'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];
export const ARN_TARGETS: readonly TargetType[] = ['queue', 'topic', 'lambda'];
export const NOTIFICATION_EVENTS = [
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
] as const;
/** URL schemes each target accepts (as the server checks them). */
export const TARGET_SCHEMES: Partial<Record<TargetType, string[]>> = {
  webhook: ['http', 'https'],
  redis: ['redis', 'rediss'],
  rabbitmq: ['amqp', 'amqps'],
  mqtt: ['mqtt', 'mqtts', 'tcp', 'ssl', 'tls', 'ws', 'wss'],
  nats: ['nats', 'tls'],
};

export interface NotificationRuleForm {
  id: string;
  type: TargetType;
  url: string;
  arn: string;
  /** webhook: `Name: value`, one a line. */
  headers: string;
  /** webhook: a new HMAC key (the server never returns the current one). */
  secret: string;
  /** webhook: the server holds a secret (never shown): saving without typing it again drops it. */
  secretSet: boolean;
  /** redis: PUBLISH to a channel, or RPUSH to a list key. */
  redisMode: 'channel' | 'key';
  redisName: string;
  exchange: string;
  routingKey: string;
  topic: string;
  qos: '' | '0' | '1' | '2';
  subject: string;
  jetstream: boolean;
  events: string[];
  prefix: string;
  suffix: string;
}

export const newNotificationRule = (): NotificationRuleForm => ({
  id: '',
  type: 'webhook',
  url: '',
  arn: '',
  headers: '',
  secret: '',
  secretSet: false,
  redisMode: 'channel',
  redisName: '',
  exchange: '',
  routingKey: '',
  topic: '',
  qos: '',
  subject: '',
  jetstream: false,
  events: ['s3:ObjectCreated:*'],
  prefix: '',
  suffix: '',
});

export function notificationsToForm(json: unknown): NotificationRuleForm[] {
  const rules = obj(json).rules;
  return (Array.isArray(rules) ? rules : []).map((r) => {
    const o = obj(r);
    const t = obj(o.target);
    const f = obj(o.filter);
    const type = (TARGET_TYPES as readonly string[]).includes(str(t.type)) ? (str(t.type) as TargetType) : 'webhook';
    return {
      ...newNotificationRule(),
      id: str(o.id),
      type,
      url: str(t.url),
      arn: str(t.arn),
      headers: Object.entries(obj(t.headers))
        .map(([k, v]) => `${k}: ${str(v)}`)
        .join('\n'),
      secretSet: t.secret_set === true,
      redisMode: t.key !== undefined && t.channel === undefined ? 'key' : 'channel',
      redisName: str(t.key ?? t.channel),
      exchange: str(t.exchange),
      routingKey: str(t.routing_key ?? t.routingKey),
      topic: str(t.topic),
      qos: (['0', '1', '2'].includes(str(t.qos)) ? str(t.qos) : '') as NotificationRuleForm['qos'],
      subject: str(t.subject),
      jetstream: t.jetstream === true,
      events: Array.isArray(o.events) ? o.events.map(String) : [],
      prefix: str(f.prefix),
      suffix: str(f.suffix),
    };
  });
}

function parseHeaders(s: string): { headers: Record<string, string>; bad: string | null } {
  const headers: Record<string, string> = {};
  let bad: string | null = null;
  for (const line of s.split('\n')) {
    if (!line.trim()) continue;
    const i = line.indexOf(':');
    const name = i > 0 ? line.slice(0, i).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/.test(name)) bad ??= line.trim();
    else headers[name] = line.slice(i + 1).trim();
  }
  return { headers, bad };
}

export function notificationsFromForm(rules: NotificationRuleForm[]): { rules: Record<string, unknown>[] } {
  return {
    rules: rules.map((f) => {
      const target: Record<string, unknown> = { type: f.type };
      if (ARN_TARGETS.includes(f.type)) target.arn = f.arn.trim();
      else target.url = f.url.trim();
      switch (f.type) {
        case 'webhook': {
          const { headers } = parseHeaders(f.headers);
          if (Object.keys(headers).length) target.headers = headers;
          if (f.secret) target.secret = f.secret;
          break;
        }
        case 'redis':
          target[f.redisMode] = f.redisName.trim();
          break;
        case 'rabbitmq':
          target.exchange = f.exchange.trim();
          target.routing_key = f.routingKey.trim();
          break;
        case 'mqtt':
          target.topic = f.topic.trim();
          if (f.qos !== '') target.qos = Number(f.qos);
          break;
        case 'nats':
          target.subject = f.subject.trim();
          if (f.jetstream) target.jetstream = true;
          break;
        default:
          break;
      }
      const rule: Record<string, unknown> = {};
      if (f.id.trim()) rule.id = f.id.trim();
      rule.target = target;
      rule.events = f.events;
      if (f.prefix || f.suffix) rule.filter = { ...(f.prefix ? { prefix: f.prefix } : {}), ...(f.suffix ? { suffix: f.suffix } : {}) };
      return rule;
    }),
  };
}

export function notificationProblems(rules: NotificationRuleForm[]): Problems {
  const p: Problems = {};
  if (rules.length > 100) p.rules = 'At most 100 rules';
  const ids = new Set<string>();
  rules.forEach((f, i) => {
    const id = f.id.trim();
    if (id && ids.has(id)) p[`${i}.id`] = `Another rule is named ${id}`;
    ids.add(id);
    if (f.events.length === 0) p[`${i}.events`] = 'Pick at least one event';
    if (ARN_TARGETS.includes(f.type)) {
      if (!/^arn:[^:\s]+:[^:\s]+:[^:\s]*:[^:\s]*:\S+$/.test(f.arn.trim()))
        p[`${i}.arn`] = 'An ARN, e.g. arn:aws:sqs:us-east-1:123456789012:queue';
    } else {
      const schemes = TARGET_SCHEMES[f.type] ?? [];
      let scheme = '';
      try {
        scheme = new URL(f.url.trim()).protocol.replace(/:$/, '');
      } catch {
        // not a URL
      }
      if (!schemes.includes(scheme)) p[`${i}.url`] = `A ${schemes.map((s) => `${s}://`).join(' or ')} URL`;
    }
    switch (f.type) {
      case 'webhook': {
        const bad = parseHeaders(f.headers).bad;
        if (bad) p[`${i}.headers`] = `Not a header line (Name: value): ${bad}`;
        break;
      }
      case 'redis':
        if (!f.redisName.trim()) p[`${i}.redisName`] = `Name the ${f.redisMode === 'key' ? 'list key' : 'channel'}`;
        break;
      case 'rabbitmq':
        if (!f.routingKey.trim()) p[`${i}.routingKey`] = 'Give the routing key';
        break;
      case 'mqtt':
        if (!f.topic.trim()) p[`${i}.topic`] = 'Give the topic';
        break;
      case 'nats':
        if (!f.subject.trim()) p[`${i}.subject`] = 'Give the subject';
        break;
      default:
        break;
    }
  });
  return p;
}

// ---- inventory ----

export const INVENTORY_FIELDS = [
  'Size',
  'ETag',
  'LastModifiedDate',
  'StorageClass',
  'VersionId',
  'IsMultipartUploaded',
  'ContentType',
  'ObjectLockMode',
  'ObjectLockRetainUntilDate',
  'ObjectLockLegalHoldStatus',
] as const;

export interface InventoryForm {
  id: string;
  enabled: boolean;
  destination: string;
  prefix: string;
  schedule: 'Daily' | 'Weekly';
  includedVersions: 'Current' | 'All';
  fields: string[];
}

export function inventoryToForm(json: unknown): InventoryForm {
  const o = obj(json);
  return {
    id: str(o.id ?? 'default'),
    enabled: o.enabled !== false,
    destination: str(o.destination_bucket),
    prefix: str(o.prefix),
    schedule: o.schedule === 'Weekly' ? 'Weekly' : 'Daily',
    includedVersions: o.included_versions === 'All' ? 'All' : 'Current',
    fields: Array.isArray(o.fields) ? o.fields.map(String) : ['Size', 'ETag', 'LastModifiedDate', 'StorageClass', 'VersionId'],
  };
}

export function inventoryFromForm(f: InventoryForm): Record<string, unknown> {
  return {
    id: f.id.trim(),
    enabled: f.enabled,
    destination_bucket: f.destination.trim(),
    prefix: f.prefix.trim(),
    schedule: f.schedule,
    format: 'CSV',
    included_versions: f.includedVersions,
    fields: INVENTORY_FIELDS.filter((x) => f.fields.includes(x)),
  };
}

export function inventoryProblems(f: InventoryForm): Problems {
  const p: Problems = {};
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(f.id.trim())) p.id = '1 to 64 letters, digits, dots, dashes or underscores';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(f.destination.trim())) p.destination = 'The name of a bucket of your tenant';
  if (f.prefix.length > 512) p.prefix = 'At most 512 characters';
  return p;
}
