import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Histogram, register } from 'prom-client';
import { OperationSummary, PerformanceTracker, RequestRates } from './performance-tracker';

export const METRIC = {
  s3Operations: 'maxiofs_s3_operations_total',
  s3Duration: 'maxiofs_s3_operation_duration_seconds',
  apiRequests: 'maxiofs_api_requests_total',
  storageUsedBytes: 'maxiofs_storage_used_bytes',
  objectsTotal: 'maxiofs_objects_total',
  bucketsTotal: 'maxiofs_buckets_total',
  clusterNodesTotal: 'cluster_nodes_total',
  clusterNodesHealthy: 'cluster_nodes_healthy',
  clusterCacheHitRatio: 'cluster_cache_hit_ratio',
  clusterReplicationPending: 'cluster_replication_objects_pending',
} as const;

/** Operation names the S3 server records for its health endpoints and node-to-node calls: not S3 operations, left out of the performance figures. */
const HEALTH_OPERATIONS = new Set(['health', 'ready', 'metrics', 'ClusterInternal']);

/** Prometheus metrics, labelled by AWS operation name (never by raw path), and the in-memory performance figures. */
@Injectable()
export class MetricsService {
  private readonly perf = new PerformanceTracker();

  constructor(
    @InjectMetric(METRIC.s3Operations) private readonly operations: Counter<'operation' | 'status'>,
    @InjectMetric(METRIC.s3Duration) private readonly duration: Histogram<'operation'>,
    @InjectMetric(METRIC.apiRequests) private readonly apiRequests: Counter<'method' | 'endpoint'>,
  ) {}

  recordS3(operation: string, status: number, seconds: number): void {
    this.operations.inc({ operation, status: String(status) });
    this.duration.observe({ operation }, seconds);
    if (!HEALTH_OPERATIONS.has(operation)) this.perf.record(operation, status, seconds);
  }

  /** A console API request; `endpoint` is the route pattern (/api/v1/users/:id), never the raw path. */
  recordApiRequest(method: string, endpoint: string): void {
    this.apiRequests.inc({ method, endpoint });
  }

  /** Per-operation S3 counts, errors and latency percentiles since boot or the last reset. */
  operationStats(): OperationSummary[] {
    return this.perf.operations();
  }

  /** Every S3 operation together. */
  overallStats(): OperationSummary {
    return this.perf.overall();
  }

  /** S3 requests and errors per second over the last `windowSeconds` (≤ 300). */
  requestRates(windowSeconds = 60): RequestRates {
    return this.perf.rates(windowSeconds);
  }

  /** When the performance figures started counting. */
  performanceSince(): Date {
    return this.perf.since();
  }

  /** Starts the performance figures afresh (the Prometheus counters, being counters, keep counting). */
  resetPerformance(): void {
    this.perf.reset();
  }

  contentType(): string {
    return register.contentType;
  }

  text(): Promise<string> {
    return register.metrics();
  }
}
