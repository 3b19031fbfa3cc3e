import { DomainError } from '../common/domain-error';

/**
 * A bucket's event notification configuration: rules that name a target, the events and an
 * optional key filter. The S3 API (NotificationConfiguration XML: Queue/Topic/CloudFunction ARNs)
 * and the console (webhook, Redis, RabbitMQ, MQTT, NATS targets) store the same rules.
 * Events are delivered by src/events (transactional outbox and dispatcher).
 */

export const NOTIFICATION_TARGET_TYPES = ['webhook', 'redis', 'rabbitmq', 'mqtt', 'nats', 'queue', 'topic', 'lambda'] as const;
export type NotificationTargetType = (typeof NOTIFICATION_TARGET_TYPES)[number];

/** Targets named by an ARN (what the S3 API speaks); the others are console targets with a URL. */
export const ARN_TARGET_TYPES: readonly NotificationTargetType[] = ['queue', 'topic', 'lambda'];

/** The event types S3 defines for notifications. */
export const NOTIFICATION_EVENTS = [
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:ReducedRedundancyLostObject',
  's3:Replication:*',
  's3:Replication:OperationFailedReplication',
  's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold',
  's3:Replication:OperationNotTracked',
  's3:LifecycleExpiration:*',
  's3:LifecycleExpiration:Delete',
  's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
  's3:ObjectAcl:Put',
] as const;

export const MAX_NOTIFICATION_RULES = 100;
const MAX_ID_LENGTH = 255;
const MAX_FILTER_LENGTH = 1024;
const MAX_FIELD_LENGTH = 2048;
const MAX_WEBHOOK_HEADERS = 20;

/** URL schemes each console target accepts. */
const SCHEMES: Partial<Record<NotificationTargetType, readonly string[]>> = {
  webhook: ['http:', 'https:'],
  redis: ['redis:', 'rediss:'],
  rabbitmq: ['amqp:', 'amqps:'],
  mqtt: ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'tls:', 'ws:', 'wss:'],
  nats: ['nats:', 'tls:'],
};

export interface NotificationTarget {
  type: NotificationTargetType;
  /** webhook: the endpoint; redis, rabbitmq, mqtt, nats: the broker URL. */
  url?: string;
  /** queue, topic, lambda: the ARN of the S3 API. */
  arn?: string;
  /** webhook: extra request headers (e.g. Authorization). */
  headers?: Record<string, string>;
  /** redis: a channel to PUBLISH to … */
  channel?: string;
  /** … or a list to RPUSH to. */
  key?: string;
  /** rabbitmq */
  exchange?: string;
  routingKey?: string;
  /** mqtt */
  topic?: string;
  qos?: 0 | 1 | 2;
  /** nats */
  subject?: string;
  /** nats: publish through JetStream (the stream must exist; the publish waits for its ack). */
  jetstream?: boolean;
  /** webhook: HMAC-SHA256 key; each POST carries `X-Signature-256: sha256=<hex of the body's HMAC>`. */
  secret?: string;
}

export interface NotificationFilter {
  prefix?: string;
  suffix?: string;
}

export interface NotificationRule {
  id: string;
  target: NotificationTarget;
  events: string[];
  filter?: NotificationFilter;
}

/** A rule as a request gives it: the id may be missing (one is generated, as S3 does). */
export type NotificationRuleInput = Omit<NotificationRule, 'id'> & { id?: string };

const invalid = (message: string) => new DomainError('InvalidArgument', message);

function checkText(value: string | undefined, name: string, required: boolean): void {
  if (value === undefined) {
    if (required) throw invalid(`${name} is required`);
    return;
  }
  if (typeof value !== 'string' || (required && value.length === 0) || value.length > MAX_FIELD_LENGTH) {
    throw invalid(`${name} must be a string of ${required ? 1 : 0} to ${MAX_FIELD_LENGTH} characters`);
  }
}

function checkUrl(target: NotificationTarget, ruleId: string): void {
  const schemes = SCHEMES[target.type]!;
  checkText(target.url, `url of rule ${ruleId}`, true);
  let url: URL;
  try {
    url = new URL(target.url!);
  } catch {
    throw invalid(`url of rule ${ruleId} is not a URL: ${target.url}`);
  }
  if (!schemes.includes(url.protocol)) {
    throw invalid(`url of a ${target.type} target must start with ${schemes.map((s) => `${s}//`).join(' or ')}`);
  }
  if (!url.hostname) throw invalid(`url of rule ${ruleId} names no host`);
}

/** The checks of one target (also those of the server-wide EVENT_TARGETS). */
export function checkTarget(target: NotificationTarget, ruleId: string): void {
  if (!target || !(NOTIFICATION_TARGET_TYPES as readonly string[]).includes(target.type)) {
    throw invalid(`target type of rule ${ruleId} must be one of ${NOTIFICATION_TARGET_TYPES.join(', ')}`);
  }
  if (ARN_TARGET_TYPES.includes(target.type)) {
    checkText(target.arn, `arn of rule ${ruleId}`, true);
    if (!/^arn:[^:\s]+:[^:\s]+:[^:\s]*:[^:\s]*:\S+$/.test(target.arn!)) throw invalid(`arn of rule ${ruleId} is not an ARN: ${target.arn}`);
    return;
  }
  checkUrl(target, ruleId);
  switch (target.type) {
    case 'webhook': {
      const headers = Object.entries(target.headers ?? {});
      if (headers.length > MAX_WEBHOOK_HEADERS) throw invalid(`a webhook target has at most ${MAX_WEBHOOK_HEADERS} headers`);
      for (const [name, value] of headers) {
        if (
          !/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/.test(name) ||
          typeof value !== 'string' ||
          /[\r\n]/.test(value) ||
          value.length > MAX_FIELD_LENGTH
        ) {
          throw invalid(`header ${name} of rule ${ruleId} is not a valid HTTP header`);
        }
      }
      checkText(target.secret, `secret of rule ${ruleId}`, false);
      return;
    }
    case 'redis':
      checkText(target.channel, `channel of rule ${ruleId}`, false);
      checkText(target.key, `key of rule ${ruleId}`, false);
      if ((target.channel === undefined) === (target.key === undefined))
        throw invalid(`a redis target names a channel or a key (one of them)`);
      return;
    case 'rabbitmq':
      checkText(target.exchange, `exchange of rule ${ruleId}`, false);
      checkText(target.routingKey, `routing_key of rule ${ruleId}`, true);
      return;
    case 'mqtt':
      checkText(target.topic, `topic of rule ${ruleId}`, true);
      if (target.qos !== undefined && ![0, 1, 2].includes(target.qos)) throw invalid(`qos of rule ${ruleId} must be 0, 1 or 2`);
      return;
    case 'nats':
      checkText(target.subject, `subject of rule ${ruleId}`, true);
      if (target.jetstream !== undefined && typeof target.jetstream !== 'boolean')
        throw invalid(`jetstream of rule ${ruleId} must be true or false`);
      return;
  }
}

/** S3's and the console's checks of a notification configuration; an empty list removes it. */
export function validateNotificationRules(rules: readonly NotificationRuleInput[]): void {
  if (rules.length > MAX_NOTIFICATION_RULES) throw invalid(`A notification configuration holds at most ${MAX_NOTIFICATION_RULES} rules.`);
  const ids = new Set<string>();
  rules.forEach((rule, i) => {
    const name = rule.id ?? `#${i + 1}`;
    if (rule.id !== undefined) {
      if (rule.id.length === 0 || rule.id.length > MAX_ID_LENGTH) throw invalid(`A rule id has 1 to ${MAX_ID_LENGTH} characters`);
      if (ids.has(rule.id)) throw invalid(`Configurations have the same id: ${rule.id}`);
      ids.add(rule.id);
    }
    checkTarget(rule.target, name);
    if (!Array.isArray(rule.events) || rule.events.length === 0) throw invalid(`rule ${name} names no event`);
    for (const event of rule.events) {
      if (!(NOTIFICATION_EVENTS as readonly string[]).includes(event))
        throw invalid(`The event is not supported for notifications: ${event}`);
    }
    const f = rule.filter;
    if (f) {
      for (const [field, value] of [
        ['prefix', f.prefix],
        ['suffix', f.suffix],
      ] as const) {
        if (value !== undefined && (typeof value !== 'string' || value.length > MAX_FILTER_LENGTH)) {
          throw invalid(`filter ${field} of rule ${name} must be a string of at most ${MAX_FILTER_LENGTH} characters`);
        }
      }
    }
  });
}

/**
 * Two rules whose events and filters overlap must not send to the same target (S3: "Configurations
 * overlap"). Checked after ids are assigned.
 */
export function assertNoOverlap(rules: readonly NotificationRule[]): void {
  const keyOf = (t: NotificationTarget) =>
    JSON.stringify([t.type, t.arn ?? t.url, t.channel, t.key, t.exchange, t.routingKey, t.topic, t.subject]);
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      const a = rules[i];
      const b = rules[j];
      if (keyOf(a.target) !== keyOf(b.target)) continue;
      if (!eventsOverlap(a.events, b.events)) continue;
      if (!filtersOverlap(a.filter, b.filter)) continue;
      throw invalid(`Configurations overlap. Configurations on the same bucket cannot share a common event type: ${a.id} and ${b.id}`);
    }
  }
}

function eventsOverlap(a: readonly string[], b: readonly string[]): boolean {
  const family = (e: string) => e.split(':').slice(0, 2).join(':');
  return a.some((x) =>
    b.some((y) => x === y || (x.endsWith(':*') && family(x) === family(y)) || (y.endsWith(':*') && family(x) === family(y))),
  );
}

function filtersOverlap(a: NotificationFilter | undefined, b: NotificationFilter | undefined): boolean {
  const pa = a?.prefix ?? '';
  const pb = b?.prefix ?? '';
  const sa = a?.suffix ?? '';
  const sb = b?.suffix ?? '';
  return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}
