import { Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { Clock } from '../../common/clock';
import { MetricsService } from '../../metrics/metrics.service';
import { MetricsHistoryService } from '../../monitoring/metrics-history.service';
import { Audit, ConsoleController, NoAudit, Roles } from '../decorators';
import { HistoryQueryDto, toOperationDto, toPerformanceSnapshotDto, toPointDto, toRequestRatesDto } from '../dto/metrics.dto';
import { PageQueryDto } from '../dto/pagination.dto';
import { ok, pageInfo, paged, paginate } from '../http/responses';
import { OPS_AUDIT_ACTION as A, OPS_AUDIT_RESOURCE as R } from '../ops.constants';
import { historyFilter } from './metrics.controller';

/** S3 performance for global admins: latency percentiles per operation, rates, history, reset. */
@ConsoleController('performance', 'performance')
@Roles('admin')
export class PerformanceController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly history: MetricsHistoryService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get('overview')
  @NoAudit()
  @ApiOperation({ summary: 'All S3 operations together: count, errors, latency percentiles; request rates; the slowest operations' })
  overview() {
    const ops = this.metrics.operationStats();
    return ok({
      since: this.metrics.performanceSince().toISOString(),
      overall: toOperationDto(this.metrics.overallStats()),
      last_minute: toRequestRatesDto(this.metrics.requestRates(60)),
      last_5_minutes: toRequestRatesDto(this.metrics.requestRates(300)),
      operations: ops.length,
      slowest: [...ops]
        .sort((a, b) => b.p99Ms - a.p99Ms)
        .slice(0, 5)
        .map(toOperationDto),
      busiest: ops.slice(0, 5).map(toOperationDto),
    });
  }

  @Get('operations')
  @NoAudit()
  @ApiOperation({ summary: 'Per S3 operation: count, errors, latency p50/p90/p99/max (over the last 1024 requests of each)' })
  operations(@Query() q: PageQueryDto) {
    const { items, pagination } = paginate(this.metrics.operationStats().map(toOperationDto), q.page, q.page_size);
    return paged(items, pagination, { since: this.metrics.performanceSince().toISOString() });
  }

  @Get('history')
  @NoAudit()
  @ApiOperation({ summary: 'The S3 figures of the stored metric snapshots (start, end, metric as /metrics/history)' })
  async performanceHistory(@Query() q: HistoryQueryDto) {
    const filter = historyFilter(q, this.clock.now());
    if (q.metric) {
      const { items, total } = await this.history.series(q.metric, filter, q.page, q.page_size);
      const points = items.map(toPointDto);
      return paged(points, pageInfo(total, q.page, q.page_size), { metric: q.metric, points });
    }
    const { items, total } = await this.history.snapshots(filter, q.page, q.page_size);
    return paged(items.map(toPerformanceSnapshotDto), pageInfo(total, q.page, q.page_size));
  }

  @Post('reset')
  @HttpCode(200)
  @Audit(R.performance, A.reset)
  @ApiOperation({ summary: 'Start the performance figures afresh (Prometheus counters keep counting)' })
  reset() {
    this.metrics.resetPerformance();
    return ok({ reset: true, since: this.metrics.performanceSince().toISOString() });
  }
}
