import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { Clock } from '../common/clock';
import { IdGenerator } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { MetricsService } from '../metrics/metrics.service';
import { NotificationBus } from '../notifications/notification-bus';
import { NOTIFICATION } from '../notifications/notification.types';
import { SettingsService } from '../settings/settings.service';
import { MetricSnapshotEntity } from './entities/metric-snapshot.entity';
import { HistoryMetric, MetricSnapshotData } from './metrics-snapshot';
import { QuotaWatch, quotaWarnings } from './quota-watch';
import { StorageStatsService } from './storage-stats.service';
import { SystemMetricsService } from './system-metrics.service';

export interface MetricSnapshot {
  id: string;
  time: Date;
  node: string;
  data: MetricSnapshotData;
}

export interface MetricPoint {
  time: Date;
  node: string;
  value: number;
}

export interface HistoryFilter {
  from?: Date;
  to?: Date;
  node?: string;
}

const DAY_MS = 86_400_000;
const PURGE_BATCH = 1_000;

/**
 * The metrics sampler: every `metrics_sample_interval` seconds (setting; default
 * METRICS_SAMPLE_INTERVAL_SECONDS, 0 = off; not scheduled when background jobs are off) it stores
 * a snapshot of the system, storage and S3 figures, purges snapshots past `metrics_retention_days`,
 * and tells the notification stream about tenants that reached 90 % of a quota. sampleOnce()
 * samples on demand. Each node samples on its own (the snapshot names its node).
 */
@Injectable()
export class MetricsHistoryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MetricsHistoryService.name);
  readonly node = `${hostname()}:${process.pid}`;
  private timer?: NodeJS.Timeout;
  private intervalSeconds = 0;
  private unsubscribe?: () => void;
  private tail: Promise<unknown> = Promise.resolve();
  private previous = new Map<string, { count: number; errors: number }>();
  private previousTotal = { count: 0, errors: 0 };
  private readonly quotas = new QuotaWatch();
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly system: SystemMetricsService,
    private readonly storage: StorageStatsService,
    private readonly metrics: MetricsService,
    private readonly settings: SettingsService,
    @Optional() private readonly notifications?: NotificationBus,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.backgroundJobs) return;
    this.schedule(this.settings.getNumber('metrics_sample_interval'));
    this.unsubscribe = this.settings.onChange((changed) => {
      const v = changed.get('metrics_sample_interval');
      if (v !== undefined) this.schedule(Number(v));
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await this.tail.catch(() => undefined);
  }

  /** The current schedule in seconds (0 = not sampling on its own). */
  get scheduleSeconds(): number {
    return this.intervalSeconds;
  }

  /** Takes, stores and returns one snapshot now (samples are serialized within this process). */
  sampleOnce(): Promise<MetricSnapshot> {
    const next = this.tail.then(() => this.sample());
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Snapshots in a time range, oldest first, one page. */
  async snapshots(filter: HistoryFilter, page: number, pageSize: number): Promise<{ items: MetricSnapshot[]; total: number }> {
    const [rows, total] = await this.query(filter)
      .orderBy('s.time', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: rows.map((r) => ({ id: r.id, time: new Date(r.time), node: r.node, data: r.data })), total };
  }

  /** One series of the snapshots in a time range, oldest first, one page. */
  async series(
    metric: HistoryMetric,
    filter: HistoryFilter,
    page: number,
    pageSize: number,
  ): Promise<{ items: MetricPoint[]; total: number }> {
    const { items, total } = await this.snapshots(filter, page, pageSize);
    return { items: items.map((s) => ({ time: s.time, node: s.node, value: Number(s.data[metric] ?? 0) })), total };
  }

  /** Deletes snapshots older than the retention; returns how many. */
  async purgeOnce(): Promise<number> {
    const cutoff = this.clock.now().getTime() - this.settings.getNumber('metrics_retention_days') * DAY_MS;
    let total = 0;
    for (;;) {
      const ids = await this.db
        .repo(MetricSnapshotEntity)
        .find({ select: { id: true }, where: { time: LessThan(cutoff) }, take: PURGE_BATCH });
      if (ids.length === 0) break;
      await this.db.tx((m) =>
        m.delete(
          MetricSnapshotEntity,
          ids.map((r) => r.id),
        ),
      );
      total += ids.length;
      if (ids.length < PURGE_BATCH) break;
    }
    return total;
  }

  private schedule(seconds: number): void {
    if (this.stopped) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.intervalSeconds = seconds > 0 ? seconds : 0;
    if (this.intervalSeconds === 0) return;
    this.timer = setInterval(() => {
      this.sampleOnce().catch((err) => this.logger.warn(`metrics sample failed: ${err}`));
    }, this.intervalSeconds * 1000);
    this.timer.unref();
  }

  private query(filter: HistoryFilter) {
    const qb = this.db.repo(MetricSnapshotEntity).createQueryBuilder('s');
    if (filter.from) qb.andWhere('s.time >= :from', { from: filter.from.getTime() });
    if (filter.to) qb.andWhere('s.time <= :to', { to: filter.to.getTime() });
    if (filter.node) qb.andWhere('s.node = :node', { node: filter.node });
    return qb;
  }

  private async sample(): Promise<MetricSnapshot> {
    const [sys, usage] = await Promise.all([this.system.read(), this.storage.usage()]);
    const overall = this.metrics.overallStats();
    const rates = this.metrics.requestRates(60);
    const delta = (now: { count: number; errors: number }, before: { count: number; errors: number } | undefined) =>
      // A reset in between makes the counters smaller: everything counted since is new.
      !before || now.count < before.count
        ? { count: now.count, errors: now.errors }
        : { count: now.count - before.count, errors: now.errors - before.errors };
    const operations: MetricSnapshotData['operations'] = {};
    const next = new Map<string, { count: number; errors: number }>();
    for (const op of this.metrics.operationStats()) {
      const d = delta(op, this.previous.get(op.operation));
      next.set(op.operation, { count: op.count, errors: op.errors });
      operations[op.operation] = { count: d.count, errors: d.errors, p50_ms: op.p50Ms, p90_ms: op.p90Ms, p99_ms: op.p99Ms };
    }
    const total = delta(overall, this.previousTotal);
    this.previous = next;
    this.previousTotal = { count: overall.count, errors: overall.errors };

    const data: MetricSnapshotData = {
      cpu_percent: sys.cpu.processPercent,
      system_cpu_percent: sys.cpu.systemPercent,
      load_1m: sys.cpu.loadAverage[0],
      memory_rss_bytes: sys.memory.process.rss,
      memory_heap_used_bytes: sys.memory.process.heapUsed,
      system_memory_used_percent: sys.memory.system.usedPercent,
      disk_used_bytes: sys.disk.used,
      disk_free_bytes: sys.disk.available,
      disk_used_percent: sys.disk.usedPercent,
      storage_bytes: usage.totals.bytes,
      objects: usage.totals.objects,
      buckets: usage.totals.buckets,
      tenants: usage.tenants.filter((t) => t.tenantId !== null).length,
      s3_requests: total.count,
      s3_errors: total.errors,
      s3_requests_per_second: rates.requestsPerSecond,
      s3_error_rate: rates.errorRate,
      s3_latency_p50_ms: overall.p50Ms,
      s3_latency_p99_ms: overall.p99Ms,
      operations,
    };
    const row: MetricSnapshotEntity = { id: this.ids.uuid(), time: this.clock.now().getTime(), node: this.node, data };
    await this.db.tx((m) => m.insert(MetricSnapshotEntity, row));
    await this.purgeOnce().catch((err) => this.logger.warn(`purging old metric snapshots failed: ${err}`));
    this.announceQuotas(usage.tenants);
    return { id: row.id, time: new Date(row.time), node: row.node, data };
  }

  private announceQuotas(usage: Parameters<typeof quotaWarnings>[0]): void {
    for (const w of this.quotas.update(quotaWarnings(usage))) {
      this.notifications?.publish({
        type: NOTIFICATION.quotaNearLimit,
        tenantId: w.tenantId,
        audience: 'admins',
        data: { tenant_id: w.tenantId, tenant_name: w.tenantName, resource: w.resource, used: w.used, limit: w.limit, percent: w.percent },
      });
    }
  }
}
