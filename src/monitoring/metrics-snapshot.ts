/** The figures one snapshot holds (stored as JSON; GET /api/v1/metrics/history?metric=<name> reads one of them). */
export interface MetricSnapshotData {
  cpu_percent: number;
  system_cpu_percent: number;
  load_1m: number;
  memory_rss_bytes: number;
  memory_heap_used_bytes: number;
  system_memory_used_percent: number;
  disk_used_bytes: number;
  disk_free_bytes: number;
  disk_used_percent: number;
  storage_bytes: number;
  objects: number;
  buckets: number;
  tenants: number;
  /** S3 requests and errors (status >= 400) since the previous snapshot of this process. */
  s3_requests: number;
  s3_errors: number;
  /** Over the last minute. */
  s3_requests_per_second: number;
  s3_error_rate: number;
  s3_latency_p50_ms: number;
  s3_latency_p99_ms: number;
  /** Per S3 operation: count and errors since the previous snapshot, recent latency percentiles. */
  operations: Record<string, { count: number; errors: number; p50_ms: number; p90_ms: number; p99_ms: number }>;
}

/** The numeric series a history query may ask for (`metric=`). */
export const HISTORY_METRICS = [
  'cpu_percent',
  'system_cpu_percent',
  'load_1m',
  'memory_rss_bytes',
  'memory_heap_used_bytes',
  'system_memory_used_percent',
  'disk_used_bytes',
  'disk_free_bytes',
  'disk_used_percent',
  'storage_bytes',
  'objects',
  'buckets',
  'tenants',
  's3_requests',
  's3_errors',
  's3_requests_per_second',
  's3_error_rate',
  's3_latency_p50_ms',
  's3_latency_p99_ms',
] as const satisfies ReadonlyArray<keyof MetricSnapshotData>;
export type HistoryMetric = (typeof HISTORY_METRICS)[number];

/** The figures of a snapshot that /performance/history shows. */
export const PERFORMANCE_FIELDS = [
  's3_requests',
  's3_errors',
  's3_requests_per_second',
  's3_error_rate',
  's3_latency_p50_ms',
  's3_latency_p99_ms',
  'operations',
] as const;
