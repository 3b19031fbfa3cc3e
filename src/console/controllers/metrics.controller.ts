import { Get, Inject, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { Clock } from '../../common/clock';
import { MetricsService } from '../../metrics/metrics.service';
import { HistoryFilter, MetricsHistoryService } from '../../monitoring/metrics-history.service';
import { StorageStatsService } from '../../monitoring/storage-stats.service';
import { SystemMetricsService } from '../../monitoring/system-metrics.service';
import { ConsoleAccess } from '../console-access';
import { Audit, ConsoleController, CurrentPrincipal, NoAudit, Roles } from '../decorators';
import { parseQueryDate } from '../dto/audit-log.dto';
import {
  HistoryQueryDto,
  StorageQueryDto,
  toBucketStorageDto,
  toDashboardDto,
  toOperationDto,
  toPointDto,
  toRequestRatesDto,
  toSnapshotDto,
  toSystemMetricsDto,
  toTenantUsageDto,
} from '../dto/metrics.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { ok, pageInfo, paged } from '../http/responses';
import { OPS_AUDIT_ACTION as A, OPS_AUDIT_RESOURCE as R } from '../ops.constants';

const DAY_MS = 86_400_000;

/**
 * The dashboard and monitoring figures. The dashboard is for everyone (a tenant's members see
 * their tenant); storage per bucket for admins (tenant admins: their tenant); system, S3
 * performance and the history for global admins. Reads polled by dashboards are not audited.
 */
@ConsoleController('metrics', 'metrics')
export class MetricsController {
  constructor(
    private readonly access: ConsoleAccess,
    private readonly storage: StorageStatsService,
    private readonly system: SystemMetricsService,
    private readonly metrics: MetricsService,
    private readonly history: MetricsHistoryService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get()
  @NoAudit()
  @ApiOperation({ summary: 'Dashboard: buckets, objects and bytes (per tenant for global admins), S3 request and error rates' })
  async dashboard(@CurrentPrincipal() p: ConsolePrincipal) {
    const tenantId = await this.access.tenantScope(p);
    const dto = toDashboardDto(await this.storage.overview(tenantId), tenantId, this.clock.now());
    if (p.role === 'admin') {
      const overall = this.metrics.overallStats();
      dto.requests = {
        total: overall.count,
        errors: overall.errors,
        error_rate: overall.errorRate,
        since: this.metrics.performanceSince().toISOString(),
        last_minute: toRequestRatesDto(this.metrics.requestRates(60)),
        last_5_minutes: toRequestRatesDto(this.metrics.requestRates(300)),
      };
    }
    return ok(dto);
  }

  @Get('system')
  @Roles('admin')
  @NoAudit()
  @ApiOperation({ summary: 'System: CPU (load average, process and machine usage), memory (process and machine), disk of DATA_DIR' })
  async systemMetrics() {
    return ok(toSystemMetricsDto(await this.system.read()));
  }

  @Get('storage')
  @Roles('admin', 'tenant-admin')
  @NoAudit()
  @ApiOperation({ summary: 'Storage per tenant (from the usage counters) and per bucket (a page of buckets by name)' })
  async storageMetrics(@CurrentPrincipal() p: ConsolePrincipal, @Query() q: StorageQueryDto) {
    const tenantId = await this.access.tenantScope(p, q.tenant_id);
    const [usage, buckets] = await Promise.all([this.storage.usage(tenantId), this.storage.buckets(tenantId, q.page, q.page_size)]);
    const items = buckets.items.map(toBucketStorageDto);
    return paged(items, pageInfo(buckets.total, q.page, q.page_size), {
      totals: { buckets: usage.totals.buckets, objects: usage.totals.objects, size_bytes: usage.totals.bytes },
      tenants: usage.tenants.map(toTenantUsageDto),
      buckets: items,
    });
  }

  @Get('performance')
  @Roles('admin')
  @NoAudit()
  @ApiOperation({ summary: 'S3 performance: per-operation counts, errors and latency percentiles, request rates' })
  performance() {
    return ok({
      since: this.metrics.performanceSince().toISOString(),
      overall: toOperationDto(this.metrics.overallStats()),
      rates: toRequestRatesDto(this.metrics.requestRates(60)),
      operations: this.metrics.operationStats().map(toOperationDto),
    });
  }

  @Get('history')
  @Roles('admin')
  @NoAudit()
  @ApiOperation({ summary: 'Stored metric snapshots in a time range (start, end; default the last 24 hours), or one series (metric=)' })
  async historyMetrics(@Query() q: HistoryQueryDto) {
    const filter = historyFilter(q, this.clock.now());
    if (q.metric) {
      const { items, total } = await this.history.series(q.metric, filter, q.page, q.page_size);
      const points = items.map(toPointDto);
      return paged(points, pageInfo(total, q.page, q.page_size), { metric: q.metric, points });
    }
    const { items, total } = await this.history.snapshots(filter, q.page, q.page_size);
    return paged(items.map(toSnapshotDto), pageInfo(total, q.page, q.page_size), { sample_interval_seconds: this.history.scheduleSeconds });
  }

  @Post('history/sample')
  @Roles('admin')
  @Audit(R.metrics, A.sample)
  @ApiOperation({ summary: 'Take and store a metrics snapshot now (the sampler does it every metrics_sample_interval seconds)' })
  async sample() {
    return ok(toSnapshotDto(await this.history.sampleOnce()));
  }
}

/** The time range of a history query: start/end (inclusive), by default the last 24 hours. */
export function historyFilter(q: { start?: string; end?: string; node?: string }, now: Date): HistoryFilter {
  const date = (field: string, v: string) => {
    const d = parseQueryDate(v);
    if (!d) throw new ConsoleValidationError({ [field]: [`${field} is not a valid date`] });
    return d;
  };
  const to = q.end !== undefined ? date('end', q.end) : now;
  const from = q.start !== undefined ? date('start', q.start) : new Date(to.getTime() - DAY_MS);
  if (from > to) throw new ConsoleValidationError({ end: ['end must not be before start'] });
  return { from, to, node: q.node };
}
