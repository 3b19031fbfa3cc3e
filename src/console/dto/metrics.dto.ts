import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { OperationSummary, RequestRates } from '../../metrics/performance-tracker';
import type { MetricPoint, MetricSnapshot } from '../../monitoring/metrics-history.service';
import { HISTORY_METRICS, HistoryMetric, PERFORMANCE_FIELDS } from '../../monitoring/metrics-snapshot';
import type { BucketStorage, StorageOverview } from '../../monitoring/storage-stats.service';
import type { TenantUsage } from '../../monitoring/storage-usage';
import type { SystemMetrics } from '../../monitoring/system-metrics.service';
import { PageQueryDto } from './pagination.dto';

/** ISO 8601 (2026-01-31, 2026-01-31T12:00:00Z) or a Unix time in seconds or milliseconds (as the audit-log filters). */
const DATE = /^(\d{1,13}|\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/;

export class StorageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Tenant id or name (global admins; a tenant admin always sees their own)' })
  @IsOptional()
  @IsString()
  tenant_id?: string;
}

export class HistoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'From (inclusive): ISO 8601 or Unix time (s or ms); default 24 hours ago' })
  @IsOptional()
  @Matches(DATE, { message: 'start must be an ISO 8601 date or a Unix time' })
  start?: string;

  @ApiPropertyOptional({ description: 'To (inclusive): ISO 8601 or Unix time (s or ms); default now' })
  @IsOptional()
  @Matches(DATE, { message: 'end must be an ISO 8601 date or a Unix time' })
  end?: string;

  @ApiPropertyOptional({ enum: HISTORY_METRICS, description: 'One series ({time, value} points) instead of whole snapshots' })
  @IsOptional()
  @IsIn(HISTORY_METRICS)
  metric?: HistoryMetric;

  @ApiPropertyOptional({ description: 'Only the snapshots of this node (host:pid)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  node?: string;
}

export interface TenantUsageDto {
  tenant_id: string | null;
  tenant_name: string | null;
  buckets: number;
  objects: number;
  size_bytes: number;
  max_storage_bytes: number | null;
  max_buckets: number | null;
  max_objects: number | null;
  storage_used_percent: number | null;
}

const percent = (used: number, max: number | null): number | null =>
  max === null ? null : max === 0 ? 100 : Math.round((used / max) * 10000) / 100;

export function toTenantUsageDto(u: TenantUsage): TenantUsageDto {
  return {
    tenant_id: u.tenantId,
    tenant_name: u.tenantName,
    buckets: u.buckets,
    objects: u.objects,
    size_bytes: u.bytes,
    max_storage_bytes: u.maxBytes,
    max_buckets: u.maxBuckets,
    max_objects: u.maxObjects,
    storage_used_percent: percent(u.bytes, u.maxBytes),
  };
}

export interface RequestRatesDto {
  window_seconds: number;
  requests: number;
  errors: number;
  requests_per_second: number;
  errors_per_second: number;
  error_rate: number;
}

export function toRequestRatesDto(r: RequestRates): RequestRatesDto {
  return {
    window_seconds: r.windowSeconds,
    requests: r.requests,
    errors: r.errors,
    requests_per_second: r.requestsPerSecond,
    errors_per_second: r.errorsPerSecond,
    error_rate: r.errorRate,
  };
}

export interface DashboardDto {
  scope: 'global' | 'tenant';
  tenant_id: string | null;
  total_buckets: number;
  total_objects: number;
  total_size_bytes: number;
  total_tenants: number;
  total_users: number;
  tenants: TenantUsageDto[];
  /** S3 requests of the whole server: global admins only. */
  requests?: {
    total: number;
    errors: number;
    error_rate: number;
    since: string;
    last_minute: RequestRatesDto;
    last_5_minutes: RequestRatesDto;
  };
  uptime_seconds: number;
  timestamp: string;
}

export function toDashboardDto(o: StorageOverview, tenantId: string | undefined, now: Date): DashboardDto {
  return {
    scope: tenantId === undefined ? 'global' : 'tenant',
    tenant_id: tenantId ?? null,
    total_buckets: o.totals.buckets,
    total_objects: o.totals.objects,
    total_size_bytes: o.totals.bytes,
    total_tenants: o.tenantCount,
    total_users: o.userCount,
    tenants: o.tenants.map(toTenantUsageDto),
    uptime_seconds: Math.floor(process.uptime()),
    timestamp: now.toISOString(),
  };
}

export function toSystemMetricsDto(s: SystemMetrics) {
  return {
    hostname: s.hostname,
    platform: s.platform,
    node_version: s.nodeVersion,
    pid: s.pid,
    uptime_seconds: s.uptimeSeconds,
    system_uptime_seconds: s.systemUptimeSeconds,
    cpu: {
      cores: s.cpu.cores,
      process_percent: s.cpu.processPercent,
      system_percent: s.cpu.systemPercent,
      load_average: s.cpu.loadAverage,
      interval_seconds: s.cpu.intervalSeconds,
    },
    memory: {
      process: {
        rss_bytes: s.memory.process.rss,
        heap_total_bytes: s.memory.process.heapTotal,
        heap_used_bytes: s.memory.process.heapUsed,
        external_bytes: s.memory.process.external,
        array_buffers_bytes: s.memory.process.arrayBuffers,
      },
      system: {
        total_bytes: s.memory.system.total,
        free_bytes: s.memory.system.free,
        used_bytes: s.memory.system.used,
        used_percent: s.memory.system.usedPercent,
      },
    },
    disk: {
      path: s.disk.path,
      total_bytes: s.disk.total,
      free_bytes: s.disk.free,
      available_bytes: s.disk.available,
      used_bytes: s.disk.used,
      used_percent: s.disk.usedPercent,
    },
  };
}

export function toBucketStorageDto(b: BucketStorage) {
  return {
    bucket: b.name,
    bucket_id: b.id,
    tenant_id: b.tenantId,
    tenant_name: b.tenantName,
    created_at: b.createdAt.toISOString(),
    objects: b.objects,
    size_bytes: b.bytes,
  };
}

export interface OperationDto {
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
  sampled: number;
}

export function toOperationDto(o: OperationSummary): OperationDto {
  return {
    operation: o.operation,
    count: o.count,
    errors: o.errors,
    server_errors: o.serverErrors,
    error_rate: o.errorRate,
    avg_ms: o.avgMs,
    p50_ms: o.p50Ms,
    p90_ms: o.p90Ms,
    p99_ms: o.p99Ms,
    max_ms: o.maxMs,
    sampled: o.sampled,
  };
}

export function toSnapshotDto(s: MetricSnapshot) {
  return { id: s.id, timestamp: s.time.toISOString(), node: s.node, ...s.data };
}

/** A snapshot with only its S3 performance figures (GET /api/v1/performance/history). */
export function toPerformanceSnapshotDto(s: MetricSnapshot) {
  const picked: Record<string, unknown> = {};
  for (const f of PERFORMANCE_FIELDS) picked[f] = s.data[f];
  return { id: s.id, timestamp: s.time.toISOString(), node: s.node, ...picked };
}

export function toPointDto(p: MetricPoint) {
  return { timestamp: p.time.toISOString(), node: p.node, value: p.value };
}
