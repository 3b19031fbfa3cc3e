/** Shapes and formats of the metrics API (GET /api/v1/metrics/*, /api/v1/performance/*). */

/** A stored sample (GET /api/v1/metrics/history). */
export interface Snapshot {
  timestamp: string;
  cpu_percent?: number;
  system_cpu_percent?: number;
  load_1m?: number;
  memory_rss_bytes?: number;
  memory_heap_used_bytes?: number;
  system_memory_used_percent?: number;
  disk_used_bytes?: number;
  disk_used_percent?: number;
  storage_bytes: number;
  objects: number;
  s3_requests_per_second: number;
  s3_error_rate: number;
  s3_latency_p50_ms: number;
  s3_latency_p99_ms: number;
}

/** GET /api/v1/metrics/system. */
export interface SystemMetrics {
  hostname: string;
  platform: string;
  node_version: string;
  pid: number;
  uptime_seconds: number;
  system_uptime_seconds: number;
  cpu: { cores: number; process_percent: number; system_percent: number; load_average: number[] };
  memory: {
    process: { rss_bytes: number; heap_total_bytes: number; heap_used_bytes: number };
    system: { total_bytes: number; used_bytes: number; used_percent: number };
  };
  disk: { path: string; total_bytes: number; used_bytes: number; available_bytes: number; used_percent: number };
}

/** One S3 operation's figures (GET /api/v1/performance/operations, overview). */
export interface OperationStats {
  operation: string;
  count: number;
  errors: number;
  server_errors: number;
  error_rate: number;
  avg_ms: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
}
export interface Rates {
  window_seconds: number;
  requests: number;
  errors: number;
  requests_per_second: number;
  error_rate: number;
}
export interface PerformanceOverview {
  since: string;
  overall: OperationStats;
  last_minute: Rates;
  last_5_minutes: Rates;
  operations: number;
  slowest: OperationStats[];
  busiest: OperationStats[];
}

export const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
/** A figure the API already gives in percent (0–100). */
export const pct100 = (v: number) => `${v.toFixed(1)}%`;
export const ms = (v: number) => `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;
export const rps = (v: number) => `${v.toFixed(v > 0 && v < 1 ? 2 : 1)}/s`;

/** The history query for the last `hours` hours, as many samples as one page holds. */
export function historySince(hours: number, now = Date.now()): { start: string; page_size: number } {
  return { start: new Date(now - hours * 3600_000).toISOString(), page_size: 1000 };
}

/** "3 d 4 h", "2 h 5 min", "42 s". */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${m} min`;
  if (m) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${s} s`;
}
