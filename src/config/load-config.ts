import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { AppConfig, ClusterConfig } from './app-config';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
/**
 * Secrets that may also be read from a file: `NAME_FILE=/path` (Docker / Kubernetes secrets mounted
 * as files) instead of `NAME=value`. DATABASE_PASSWORD(_FILE) is the password put into DATABASE_URL.
 */
export const SECRET_FILE_VARS = [
  'ROOT_ACCESS_KEY',
  'ROOT_SECRET_KEY',
  'MASTER_KEY',
  'MASTER_KEY_PREVIOUS',
  'JWT_SECRET',
  'DATABASE_URL',
  'DATABASE_PASSWORD',
  'CLUSTER_SECRET',
] as const;

/** `env` with every `NAME_FILE` of SECRET_FILE_VARS replaced by `NAME` = the file's content (trailing newlines cut). */
function resolveSecretFiles(env: Env, problems: string[]): Env {
  const out: Env = { ...env };
  for (const name of SECRET_FILE_VARS) {
    const file = env[`${name}_FILE`]?.trim();
    if (!file) continue;
    if (env[name] !== undefined && env[name]!.trim() !== '') {
      problems.push(`set ${name} or ${name}_FILE, not both`);
      continue;
    }
    try {
      out[name] = readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
    } catch (err) {
      problems.push(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return out;
}

const GIB = 1024 ** 3;

/**
 * Reads and validates the configuration. Throws one ConfigError listing every bad variable.
 * `overrides` lets tests build a config without touching process.env.
 */
export function loadConfig(rawEnv: Env, overrides: Partial<AppConfig> = {}): AppConfig {
  const problems: string[] = [];
  const env = resolveSecretFiles(rawEnv, problems);
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const port = (name: string, dflt: number): number => {
    const v = str(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 0 || n > 65535) {
      problems.push(`${name} must be a port number 0-65535, got "${v}"`);
      return dflt;
    }
    return n;
  };
  const int = (name: string, dflt: number, min = 0): number => {
    const v = str(name);
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < min) {
      problems.push(`${name} must be an integer >= ${min}, got "${v}"`);
      return dflt;
    }
    return Number(v);
  };
  const bool = (name: string, dflt: boolean): boolean => {
    const v = str(name)?.toLowerCase();
    if (v === undefined) return dflt;
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    problems.push(`${name} must be true or false, got "${v}"`);
    return dflt;
  };

  /** A JSON object whose values are objects with a string `type` (EVENT_TARGETS); `{}` when unset. */
  const jsonObjects = (name: string): Record<string, Record<string, unknown>> => {
    const v = str(name);
    if (v === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      problems.push(`${name} must be JSON, got "${v}"`);
      return {};
    }
    const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
    if (!isObject(parsed) || !Object.values(parsed).every((t) => isObject(t) && typeof t.type === 'string')) {
      problems.push(`${name} must be a JSON object of targets, each with a "type", got "${v}"`);
      return {};
    }
    return parsed as Record<string, Record<string, unknown>>;
  };

  let databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite database)');
  }
  const databasePassword = env.DATABASE_PASSWORD;
  if (databasePassword !== undefined && databasePassword !== '') {
    if (databaseUrl === undefined) {
      problems.push('DATABASE_PASSWORD needs DATABASE_URL (postgres://user@host:5432/db): it is the password put into it');
    } else if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
      try {
        const url = new URL(databaseUrl);
        if (url.password !== '') problems.push('DATABASE_URL already holds a password: drop it there or drop DATABASE_PASSWORD');
        else {
          url.password = encodeURIComponent(databasePassword);
          databaseUrl = url.toString();
        }
      } catch {
        problems.push('DATABASE_URL is not a valid URL');
      }
    }
  }

  let masterKey: Buffer | undefined;
  const mk = str('MASTER_KEY');
  if (mk !== undefined) {
    masterKey = /^[0-9a-fA-F]{64}$/.test(mk) ? Buffer.from(mk, 'hex') : Buffer.from(mk, 'base64');
    if (masterKey.length !== 32) {
      problems.push('MASTER_KEY must be 32 bytes, as 64 hex characters or base64 (openssl rand -hex 32)');
    }
  } else if (databaseUrl !== undefined) {
    problems.push('MASTER_KEY is required with DATABASE_URL (PostgreSQL): generate one with `openssl rand -hex 32`');
  }
  const previousMasterKeys: Buffer[] = [];
  for (const item of (str('MASTER_KEY_PREVIOUS') ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const k = /^[0-9a-fA-F]{64}$/.test(item) ? Buffer.from(item, 'hex') : Buffer.from(item, 'base64');
    if (k.length !== 32) problems.push('MASTER_KEY_PREVIOUS must list 32-byte keys (64 hex characters or base64), comma-separated');
    else previousMasterKeys.push(k);
  }
  if (previousMasterKeys.length > 0 && masterKey === undefined) problems.push('MASTER_KEY_PREVIOUS needs MASTER_KEY (the new key)');

  const rootAccessKey = str('ROOT_ACCESS_KEY');
  const rootSecretKey = str('ROOT_SECRET_KEY');
  if ((rootAccessKey === undefined) !== (rootSecretKey === undefined)) {
    problems.push('ROOT_ACCESS_KEY and ROOT_SECRET_KEY must be set together');
  }
  if (rootAccessKey !== undefined && !/^[A-Za-z0-9._-]{3,128}$/.test(rootAccessKey)) {
    problems.push('ROOT_ACCESS_KEY must be 3-128 characters of A-Z a-z 0-9 . _ -');
  }
  if (rootSecretKey !== undefined && rootSecretKey.length < 8) {
    problems.push('ROOT_SECRET_KEY must be at least 8 characters');
  }

  const region = str('REGION') ?? 'us-east-1';
  if (!/^[a-z0-9-]{1,64}$/.test(region)) problems.push(`REGION must look like us-east-1, got "${region}"`);

  const publicUrl = str('S3_PUBLIC_URL');
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    problems.push(`S3_PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  }
  const domains = (str('S3_DOMAIN') ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  for (const d of domains) {
    if (!/^[a-z0-9.-]+(:\d+)?$/.test(d)) problems.push(`S3_DOMAIN entry "${d}" is not a host name`);
  }

  const consolePublicUrl = str('CONSOLE_PUBLIC_URL');
  if (consolePublicUrl !== undefined && !/^https?:\/\/[^/]+/.test(consolePublicUrl)) {
    problems.push(`CONSOLE_PUBLIC_URL must be an http(s) URL, got "${consolePublicUrl}"`);
  }

  const jwtSecret = str('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) problems.push('JWT_SECRET must be at least 32 characters (openssl rand -hex 32)');

  const logLevel = (str('LOG_LEVEL') ?? 'log') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = (str('LOG_FORMAT') ?? 'text') as AppConfig['logFormat'];
  if (logFormat !== 'json' && logFormat !== 'text') problems.push('LOG_FORMAT must be json or text');

  let cluster: ClusterConfig | undefined;
  if (bool('CLUSTER_ENABLED', false)) {
    if (databaseUrl === undefined) {
      problems.push(
        'CLUSTER_ENABLED=true requires PostgreSQL (DATABASE_URL): the nodes of a cluster coordinate through one shared PostgreSQL; SQLite is single-node only',
      );
    }
    const secret = str('CLUSTER_SECRET');
    if (secret === undefined || secret.length < 32) {
      problems.push(
        'CLUSTER_SECRET is required with CLUSTER_ENABLED and must be at least 32 characters (openssl rand -hex 32), the same on every node',
      );
    }
    const nodeName = str('NODE_NAME') ?? hostname();
    const nodeId = str('NODE_ID') ?? nodeName;
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(nodeId))
      problems.push(`NODE_ID (or NODE_NAME) must be 1-64 characters of A-Z a-z 0-9 . _ -, got "${nodeId}"`);
    const url = (name: string): string | undefined => {
      const v = str(name);
      if (v !== undefined && !/^https?:\/\/[^/]+$/.test(v.replace(/\/+$/, '')))
        problems.push(`${name} must be an http(s) URL without a path, got "${v}"`);
      return v?.replace(/\/+$/, '');
    };
    const heartbeatIntervalMs = int('CLUSTER_HEARTBEAT_SECONDS', 2, 1) * 1000;
    const nodeTimeoutMs = int('CLUSTER_NODE_TIMEOUT_SECONDS', 10, 1) * 1000;
    if (nodeTimeoutMs <= heartbeatIntervalMs) problems.push('CLUSTER_NODE_TIMEOUT_SECONDS must be longer than CLUSTER_HEARTBEAT_SECONDS');
    cluster = {
      nodeId,
      nodeName,
      endpoint: url('NODE_ENDPOINT'),
      internalEndpoint: url('NODE_INTERNAL_ENDPOINT'),
      zone: str('NODE_ZONE') ?? '',
      capacityBytes: int('NODE_CAPACITY_BYTES', 0),
      secret: secret ?? '',
      heartbeatIntervalMs,
      nodeTimeoutMs,
    };
  }

  const config: AppConfig = {
    host: str('HOST') ?? '0.0.0.0',
    s3Port: port('S3_PORT', 9000),
    consolePort: port('CONSOLE_PORT', 9001),
    dataDir: str('DATA_DIR') ?? './data',
    databaseUrl,
    masterKey,
    previousMasterKeys,
    rootAccessKey,
    rootSecretKey,
    region,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    domains,
    fsync: bool('FSYNC', true),
    sseCustomerKeyOverHttp: bool('SSE_C_ALLOW_HTTP', false),
    logLevel,
    logFormat,
    s3HeadersTimeoutMs: int('S3_HEADERS_TIMEOUT_SECONDS', 30, 1) * 1000,
    s3IdleBodyTimeoutMs: int('S3_IDLE_BODY_TIMEOUT_SECONDS', 60) * 1000,
    s3RequestTimeoutMs: int('S3_REQUEST_TIMEOUT_SECONDS', 0) * 1000,
    s3MaxUploadsPerClient: int('S3_MAX_UPLOADS_PER_CLIENT', 64),
    diskReserveBytes: int('DISK_RESERVE_BYTES', 64 * 1024 * 1024),
    maxObjectSize: int('MAX_OBJECT_SIZE', 5 * GIB, 1),
    sweepGraceMs: int('SWEEP_GRACE_SECONDS', 3600) * 1000,
    sweepIntervalMs: int('SWEEP_INTERVAL_SECONDS', 600, 1) * 1000,
    lifecycleIntervalMs: int('LIFECYCLE_INTERVAL_SECONDS', 3600) * 1000,
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_SECONDS', 30) * 1000,
    shutdownDelayMs: int('SHUTDOWN_DELAY_SECONDS', 0) * 1000,
    backgroundJobs: true,
    jwtSecret,
    idpSyncIntervalMs: int('IDP_SYNC_INTERVAL_SECONDS', 3600) * 1000,
    consolePublicUrl: consolePublicUrl?.replace(/\/+$/, ''),
    jwtTtlSeconds: int('JWT_TTL_SECONDS', 900, 1),
    passwordMinLength: int('PASSWORD_MIN_LENGTH', 8, 1),
    loginMaxFailures: int('LOGIN_MAX_FAILURES', 5),
    loginLockoutMs: int('LOGIN_LOCKOUT_SECONDS', 900, 1) * 1000,
    loginRateLimit: int('LOGIN_RATE_LIMIT', 20),
    loginRateWindowMs: int('LOGIN_RATE_WINDOW_SECONDS', 60, 1) * 1000,
    auditRetentionDays: int('AUDIT_RETENTION_DAYS', 90),
    consoleMaxBodyBytes: int('CONSOLE_MAX_BODY_BYTES', 1024 * 1024, 1),
    metricsSampleIntervalMs: int('METRICS_SAMPLE_INTERVAL_SECONDS', 60) * 1000,
    metricsRetentionDays: int('METRICS_RETENTION_DAYS', 7, 1),
    eventTargets: jsonObjects('EVENT_TARGETS'),
    eventRetryBaseMs: int('EVENT_RETRY_BASE_MS', 1000, 1),
    eventRetryMaxMs: int('EVENT_RETRY_MAX_MS', 300_000, 1),
    eventMaxAttempts: int('EVENT_MAX_ATTEMPTS', 50, 1),
    cluster,
    ...overrides,
  };
  if (config.s3RequestTimeoutMs > 0 && config.s3RequestTimeoutMs < config.s3HeadersTimeoutMs) {
    problems.push('S3_REQUEST_TIMEOUT_SECONDS must be 0 or at least S3_HEADERS_TIMEOUT_SECONDS');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
