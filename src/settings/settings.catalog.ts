import type { AppConfig } from '../config/app-config';

/**
 * The runtime settings of the server (GET/PUT /api/v1/settings): each one typed, validated and
 * defaulted from AppConfig. Pure data and functions, no Nest: SettingsService stores the values.
 */
export const SETTING_CATEGORIES = ['security', 'system', 'audit', 'metrics', 'logging'] as const;
export type SettingCategory = (typeof SETTING_CATEGORIES)[number];

export type SettingType = 'boolean' | 'integer' | 'string' | 'enum';
export type SettingValue = boolean | number | string;

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export const SYSLOG_PROTOCOLS = ['udp', 'tcp'] as const;

export interface SettingDefinition {
  /** Unique, flat: `PUT /api/v1/settings/maintenance_mode`. `<category>.<name>` is accepted too. */
  key: string;
  category: SettingCategory;
  /** The name within its category (`audit.retention_days`). */
  name: string;
  type: SettingType;
  description: string;
  /** The value when none is stored: from the configuration where one exists. */
  defaultValue: (config: AppConfig) => SettingValue;
  /** integer: inclusive bounds. */
  min?: number;
  max?: number;
  /** enum: the allowed values. */
  options?: readonly string[];
  /** string: longest value. */
  maxLength?: number;
  unit?: string;
  /** The environment variable whose value this setting replaces at runtime, if any. */
  overrides?: string;
  /** Extra rule on an already typed value: the reason it is refused, or undefined. */
  check?: (value: SettingValue) => string | undefined;
}

/** A file name or relative path under DATA_DIR/logs: no absolute path, no `..`. */
export function logFilePathProblem(path: string): string | undefined {
  if (path === '') return undefined;
  if (path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z]:/.test(path)) return 'must be relative to DATA_DIR/logs';
  if (path.split(/[\\/]/).some((part) => part === '..')) return 'must not leave DATA_DIR/logs (no ..)';
  if (/[\0\r\n]/.test(path)) return 'must not contain control characters';
  return undefined;
}

const httpUrlProblem = (v: SettingValue): string | undefined => {
  const s = String(v);
  if (s === '') return undefined;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'must be an http(s) URL';
  } catch {
    return 'must be an http(s) URL';
  }
};

const hostProblem = (v: SettingValue): string | undefined =>
  /^[A-Za-z0-9.:_-]*$/.test(String(v)) ? undefined : 'must be a host name or an IP address';

export const SETTINGS: readonly SettingDefinition[] = [
  {
    key: 'password_min_length',
    category: 'security',
    name: 'password_min_length',
    type: 'integer',
    min: 4,
    max: 128,
    description: 'Shortest console password accepted',
    defaultValue: (c) => c.passwordMinLength,
    overrides: 'PASSWORD_MIN_LENGTH',
  },
  {
    key: 'login_max_failures',
    category: 'security',
    name: 'login_max_failures',
    type: 'integer',
    min: 0,
    max: 100,
    description: 'Failed console logins in a row that lock an account (0 = never lock)',
    defaultValue: (c) => c.loginMaxFailures,
    overrides: 'LOGIN_MAX_FAILURES',
  },
  {
    key: 'lockout_minutes',
    category: 'security',
    name: 'lockout_minutes',
    type: 'integer',
    min: 1,
    max: 10_080,
    unit: 'minutes',
    description: 'How long a locked account stays locked',
    defaultValue: (c) => Math.max(1, Math.ceil(c.loginLockoutMs / 60_000)),
    overrides: 'LOGIN_LOCKOUT_SECONDS',
  },
  {
    key: 'session_ttl',
    category: 'security',
    name: 'session_ttl',
    type: 'integer',
    min: 60,
    max: 604_800,
    unit: 'seconds',
    description: 'Lifetime of a console token',
    defaultValue: (c) => c.jwtTtlSeconds,
    overrides: 'JWT_TTL_SECONDS',
  },
  {
    key: 'maintenance_mode',
    category: 'system',
    name: 'maintenance_mode',
    type: 'boolean',
    description: 'Maintenance mode: S3 writes answer 503 ServiceUnavailable, reads keep working',
    defaultValue: () => false,
  },
  {
    key: 'maintenance_message',
    category: 'system',
    name: 'maintenance_message',
    type: 'string',
    maxLength: 256,
    description: 'The message shown to console users (and in S3 errors) while maintenance mode is on',
    defaultValue: () => 'The server is in maintenance mode: writes are refused, reads keep working.',
  },
  {
    key: 'audit_retention_days',
    category: 'audit',
    name: 'retention_days',
    type: 'integer',
    min: 0,
    max: 3650,
    unit: 'days',
    description: 'Audit records older than this are purged (0 = keep forever)',
    defaultValue: (c) => c.auditRetentionDays,
    overrides: 'AUDIT_RETENTION_DAYS',
  },
  {
    key: 'metrics_sample_interval',
    category: 'metrics',
    name: 'sample_interval',
    type: 'integer',
    min: 0,
    max: 86_400,
    unit: 'seconds',
    description: 'How often a metrics snapshot is stored for the history (0 = never; otherwise at least 5)',
    defaultValue: (c) => Math.round(c.metricsSampleIntervalMs / 1000),
    overrides: 'METRICS_SAMPLE_INTERVAL_SECONDS',
    check: (v) => (v !== 0 && (v as number) < 5 ? 'must be 0 (off) or at least 5 seconds' : undefined),
  },
  {
    key: 'metrics_retention_days',
    category: 'metrics',
    name: 'retention_days',
    type: 'integer',
    min: 1,
    max: 365,
    unit: 'days',
    description: 'Metric snapshots older than this are purged',
    defaultValue: (c) => c.metricsRetentionDays,
    overrides: 'METRICS_RETENTION_DAYS',
  },
  {
    key: 'log_level',
    category: 'logging',
    name: 'level',
    type: 'enum',
    options: LOG_LEVELS,
    description: 'Most detailed level written to the log',
    defaultValue: (c) => c.logLevel,
    overrides: 'LOG_LEVEL',
  },
  {
    key: 'syslog_enabled',
    category: 'logging',
    name: 'syslog_enabled',
    type: 'boolean',
    description: 'Send log lines to a syslog server (RFC 5424)',
    defaultValue: () => false,
  },
  {
    key: 'syslog_host',
    category: 'logging',
    name: 'syslog_host',
    type: 'string',
    maxLength: 255,
    description: 'Syslog server host',
    defaultValue: () => '',
    check: hostProblem,
  },
  {
    key: 'syslog_port',
    category: 'logging',
    name: 'syslog_port',
    type: 'integer',
    min: 1,
    max: 65_535,
    description: 'Syslog server port',
    defaultValue: () => 514,
  },
  {
    key: 'syslog_protocol',
    category: 'logging',
    name: 'syslog_protocol',
    type: 'enum',
    options: SYSLOG_PROTOCOLS,
    description: 'Syslog transport',
    defaultValue: () => 'udp',
  },
  {
    key: 'http_log_enabled',
    category: 'logging',
    name: 'http_enabled',
    type: 'boolean',
    description: 'POST log lines as JSON to an HTTP endpoint',
    defaultValue: () => false,
  },
  {
    key: 'http_log_url',
    category: 'logging',
    name: 'http_url',
    type: 'string',
    maxLength: 2048,
    description: 'The HTTP endpoint receiving JSON log lines',
    defaultValue: () => '',
    check: httpUrlProblem,
  },
  {
    key: 'file_log_enabled',
    category: 'logging',
    name: 'file_enabled',
    type: 'boolean',
    description: 'Append log lines to a file under DATA_DIR/logs',
    defaultValue: () => false,
  },
  {
    key: 'file_log_path',
    category: 'logging',
    name: 'file_path',
    type: 'string',
    maxLength: 255,
    description: 'The log file, relative to DATA_DIR/logs',
    defaultValue: () => 'server.log',
    check: (v) => logFilePathProblem(String(v)),
  },
];

const BY_KEY = new Map<string, SettingDefinition>();
for (const def of SETTINGS) {
  BY_KEY.set(def.key, def);
  BY_KEY.set(`${def.category}.${def.name}`, def);
}

/** The definition of a key (`maintenance_mode` or `system.maintenance_mode`), or undefined. */
export function settingDefinition(key: string): SettingDefinition | undefined {
  return BY_KEY.get(key);
}

export function isSettingCategory(v: string): v is SettingCategory {
  return (SETTING_CATEGORIES as readonly string[]).includes(v);
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Turns a value sent by a client (JSON value; strings accepted for numbers and booleans, as the
 * MaxIOFS console sends them) into the setting's type, or says why it cannot.
 */
export function parseSettingValue(def: SettingDefinition, raw: unknown): { value: SettingValue } | { error: string } {
  const fail = (why: string) => ({ error: `${def.key} ${why}` });
  let value: SettingValue;
  switch (def.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') value = raw;
      else if (typeof raw === 'string' && TRUE.has(raw.trim().toLowerCase())) value = true;
      else if (typeof raw === 'string' && FALSE.has(raw.trim().toLowerCase())) value = false;
      else return fail(`must be true or false, got ${show(raw)}`);
      break;
    }
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) return fail(`must be a whole number, got ${show(raw)}`);
      if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) {
        return fail(`must be between ${def.min} and ${def.max}${def.unit ? ` ${def.unit}` : ''}, got ${n}`);
      }
      value = n;
      break;
    }
    case 'enum': {
      if (typeof raw !== 'string' || !def.options?.includes(raw))
        return fail(`must be one of ${def.options?.join(', ')}, got ${show(raw)}`);
      value = raw;
      break;
    }
    case 'string': {
      if (typeof raw !== 'string') return fail(`must be a string, got ${show(raw)}`);
      if (def.maxLength !== undefined && raw.length > def.maxLength) return fail(`must be at most ${def.maxLength} characters`);
      value = raw;
      break;
    }
  }
  const problem = def.check?.(value);
  return problem ? fail(problem) : { value };
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
