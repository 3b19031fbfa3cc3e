/** The validated, typed configuration of the server. Built once by loadConfig(); nothing else reads process.env. */
export interface AppConfig {
  /** Address both servers bind to. */
  readonly host: string;
  readonly s3Port: number;
  readonly consolePort: number;
  readonly dataDir: string;
  /** postgres://… or undefined for the embedded SQLite file in dataDir. */
  readonly databaseUrl?: string;
  /** 32-byte key that encrypts secrets at rest; undefined = generated once into dataDir (SQLite only). */
  readonly masterKey?: Buffer;
  /** MASTER_KEY_PREVIOUS: keys that still decrypt during a master-key rotation (`npm run admin -- master-key rotate`); never encrypt. */
  readonly previousMasterKeys?: Buffer[];
  readonly rootAccessKey?: string;
  readonly rootSecretKey?: string;
  readonly region: string;
  /** Public URL of the S3 endpoint, printed at boot and used for presigned URLs. */
  readonly publicUrl?: string;
  /** Domains under which `bucket.<domain>` virtual-hosted-style requests are served. */
  readonly domains: readonly string[];
  /** Accept SSE-C keys over plain HTTP (S3 refuses them; for tests, or behind a TLS proxy that sets no X-Forwarded-Proto). */
  readonly sseCustomerKeyOverHttp: boolean;
  /** fsync data and directories before a write is acknowledged. */
  readonly fsync: boolean;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** Log format: `json` (one object per line) or `text`. */
  readonly logFormat: 'json' | 'text';
  /** S3 port: a request whose headers have not all arrived after this long is answered 408 and closed. */
  readonly s3HeadersTimeoutMs: number;
  /** S3 port: a request body that sends nothing for this long is answered RequestTimeout and closed; 0 = never. */
  readonly s3IdleBodyTimeoutMs: number;
  /** S3 port: longest a whole request may take (0 = no limit: large uploads are slow). */
  readonly s3RequestTimeoutMs: number;
  /** S3 port: uploads (requests with a body) in flight from one client IP; beyond, 503 SlowDown. 0 = no limit. */
  readonly s3MaxUploadsPerClient: number;
  /** Bytes kept in a ballast file in dataDir and released when the disk is full, so that deletes still work; 0 = none. */
  readonly diskReserveBytes: number;
  /** Largest object accepted by a single PUT (S3: 5 GiB). */
  readonly maxObjectSize: number;
  /** Temp files and unreferenced blobs older than this are removed by the sweeper. */
  readonly sweepGraceMs: number;
  readonly sweepIntervalMs: number;
  /** How often the lifecycle worker applies buckets' lifecycle rules; 0 = never on its own (runOnce() still works). */
  readonly lifecycleIntervalMs: number;
  /** Run the background jobs (sweeper, lifecycle…). False for tools such as the admin CLI that share the data with a running server. */
  readonly backgroundJobs: boolean;
  /** How long graceful shutdown waits for in-flight requests. */
  readonly shutdownTimeoutMs: number;
  /**
   * On SIGTERM, how long the server keeps serving with /ready answering 503 before it stops accepting
   * connections (so that load balancers and Kubernetes Endpoints stop sending traffic first).
   */
  readonly shutdownDelayMs: number;
  /** Console JWT signing secret; undefined = derived from the master key (HKDF), so every node agrees. */
  readonly jwtSecret?: string;
  /** How often LDAP group memberships (and OIDC users' roles) are synced with the identity providers; 0 = never on its own. */
  readonly idpSyncIntervalMs: number;
  /** Public URL of the console (e.g. https://console.example.com): OIDC callbacks go to <it>/api/v1/auth/oauth/callback. Unset = the request's host. */
  readonly consolePublicUrl?: string;
  /** Lifetime of a console token, in seconds (renew with POST /api/v1/auth/refresh). */
  readonly jwtTtlSeconds: number;
  /** Shortest console password accepted. */
  readonly passwordMinLength: number;
  /** Failed console logins in a row that lock an account; 0 = never lock. */
  readonly loginMaxFailures: number;
  /** How long a locked account stays locked. */
  readonly loginLockoutMs: number;
  /** Login attempts allowed per client IP per window (429 beyond); 0 = no limit. */
  readonly loginRateLimit: number;
  readonly loginRateWindowMs: number;
  /** Audit records older than this are purged; 0 = keep forever. */
  readonly auditRetentionDays: number;
  /** Largest JSON body the console API accepts. */
  readonly consoleMaxBodyBytes: number;
  /** How often the metrics sampler stores a snapshot (GET /api/v1/metrics/history); 0 = never on its own. The `metrics_sample_interval` setting overrides it. */
  readonly metricsSampleIntervalMs: number;
  /** Metric snapshots older than this are purged. The `metrics_retention_days` setting overrides it. */
  readonly metricsRetentionDays: number;
  /**
   * Server-wide notification targets, by name (EVENT_TARGETS, JSON: `{"orders": {"type": "webhook", "url": "…"}}`):
   * what the ARN of an S3 NotificationConfiguration names (its last segment, e.g. `arn:aws:sqs:us-east-1:000000000000:orders`).
   */
  readonly eventTargets: Readonly<Record<string, Record<string, unknown>>>;
  /** First retry delay of an undelivered event; doubles per attempt up to eventRetryMaxMs. */
  readonly eventRetryBaseMs: number;
  readonly eventRetryMaxMs: number;
  /** Attempts after which an event is dead-lettered (kept, visible in the console, retryable). */
  readonly eventMaxAttempts: number;
  /** Cluster mode (CLUSTER_ENABLED): several nodes sharing one PostgreSQL. Undefined = single node. */
  readonly cluster?: ClusterConfig;
}

/** This node's place in a cluster (src/cluster). Only with PostgreSQL. */
export interface ClusterConfig {
  /** Stable id of this node (NODE_ID; default NODE_NAME): its row in cluster_nodes across restarts. */
  readonly nodeId: string;
  /** NODE_NAME (default: the host name; the Helm chart passes the pod name). */
  readonly nodeName: string;
  /** S3 URL clients and other nodes use for this node (NODE_ENDPOINT); undefined = http://<HOST>:<S3 port> once listening. */
  readonly endpoint?: string;
  /** URL other nodes forward to (NODE_INTERNAL_ENDPOINT); undefined = the S3 endpoint. */
  readonly internalEndpoint?: string;
  readonly zone: string;
  /** Bytes this node offers (NODE_CAPACITY_BYTES); 0 = not declared. */
  readonly capacityBytes: number;
  /** Shared secret of node-to-node calls (CLUSTER_SECRET, HMAC-SHA256 keyed). */
  readonly secret: string;
  readonly heartbeatIntervalMs: number;
  /** A node whose last heartbeat is older than this is marked unhealthy by the others. */
  readonly nodeTimeoutMs: number;
}
