import { Inject, Injectable, Logger, BeforeApplicationShutdown, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { SettingsService } from '../settings/settings.service';
import { Brackets, LessThan } from 'typeorm';
import { Clock } from '../common/clock';
import { IdGenerator } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import type { Principal } from '../iam/principal';
import { AuditLogEntity, AuditStatus } from './entities/audit-log.entity';

export type { AuditStatus } from './entities/audit-log.entity';

/** One thing that happened, as the caller knows it. Only eventType, action and status are required. */
export interface AuditEvent {
  /** Defaults to now (the injectable Clock). */
  time?: Date;
  tenantId?: string | null;
  userId?: string | null;
  username?: string | null;
  sourceIp?: string | null;
  userAgent?: string | null;
  /** `<resource_type>.<action>` for console actions (`user.create`), `s3.<Operation>` for S3 calls. */
  eventType: string;
  resourceType?: string | null;
  resourceName?: string | null;
  action: string;
  status: AuditStatus;
  requestId?: string | null;
  /** Small, JSON-serializable facts. Never secrets, passwords or request bodies. */
  details?: Record<string, unknown> | null;
}

/** What the S3 layer knows of a call it wants on the audit trail (mutations and denials). */
export interface S3AuditCall {
  /** The AWS operation name, e.g. PutObject. */
  operation: string;
  /** null for anonymous calls. */
  principal: Pick<Principal, 'userId' | 'username' | 'tenantId'> | null;
  bucket?: string;
  key?: string;
  status: AuditStatus;
  /** HTTP status of the answer. */
  httpStatus?: number;
  /** S3 error code of a failure (AccessDenied, NoSuchKey, …). */
  errorCode?: string;
  sourceIp?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  id: string;
  time: Date;
  tenantId: string | null;
  userId: string | null;
  username: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  eventType: string;
  resourceType: string | null;
  resourceName: string | null;
  action: string;
  status: AuditStatus;
  requestId: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditFilter {
  /** undefined = every tenant; null = global (no tenant) records only. */
  tenantId?: string | null;
  userId?: string;
  eventType?: string;
  resourceType?: string;
  action?: string;
  status?: AuditStatus;
  from?: Date;
  to?: Date;
}

/** Records are written in batches of this many, or every FLUSH_INTERVAL_MS, whichever comes first. */
export const AUDIT_BATCH_SIZE = 100;
const FLUSH_INTERVAL_MS = 1_000;
/** Records held while the database refuses writes; beyond, the oldest are dropped (and counted in the log). */
const MAX_BUFFERED = 50_000;
const PURGE_INTERVAL_MS = 3_600_000;
const PURGE_BATCH = 1_000;
const DAY_MS = 86_400_000;

const cut = (v: string | null | undefined, max: number): string | null =>
  v === undefined || v === null ? null : v.length > max ? v.slice(0, max) : v;

const toRecord = (e: AuditLogEntity): AuditRecord => ({
  id: e.id,
  time: new Date(e.time),
  tenantId: e.tenantId,
  userId: e.userId,
  username: e.username,
  sourceIp: e.sourceIp,
  userAgent: e.userAgent,
  eventType: e.eventType,
  resourceType: e.resourceType,
  resourceName: e.resourceName,
  action: e.action,
  status: e.status,
  requestId: e.requestId,
  details: e.details,
});

/**
 * The audit trail. record() only appends to a buffer (the request never waits for the database);
 * the buffer is written in batches every second or every 100 records, and flushed on graceful
 * shutdown. Records older than AUDIT_RETENTION_DAYS are purged by a background job.
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);
  private buffer: AuditLogEntity[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private flushTimer?: NodeJS.Timeout;
  private purgeTimer?: NodeJS.Timeout;
  private closed = false;
  private dropped = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    /** Runtime settings override AUDIT_RETENTION_DAYS. */
    @Optional() private readonly settings?: SettingsService,
  ) {}

  onApplicationBootstrap(): void {
    this.flushTimer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
    if (this.config.backgroundJobs && this.config.auditRetentionDays > 0) {
      this.purgeTimer = setInterval(() => {
        this.purgeOnce().catch((err) => this.logger.warn(`audit retention purge failed: ${err}`));
      }, PURGE_INTERVAL_MS);
      this.purgeTimer.unref();
    }
  }

  onModuleDestroy(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
  }

  /** Graceful shutdown: everything recorded so far is written before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.closed = true;
    await this.flush();
  }

  /** Appends a record; it reaches the database within a second (sooner when the batch fills). */
  record(event: AuditEvent): void {
    this.buffer.push({
      id: this.ids.uuid(),
      time: (event.time ?? this.clock.now()).getTime(),
      tenantId: event.tenantId ?? null,
      userId: event.userId ?? null,
      username: cut(event.username, 128),
      sourceIp: cut(event.sourceIp, 64),
      userAgent: cut(event.userAgent, 512),
      eventType: cut(event.eventType, 64)!,
      resourceType: cut(event.resourceType, 32),
      resourceName: cut(event.resourceName, 1024),
      action: cut(event.action, 64)!,
      status: event.status,
      requestId: cut(event.requestId, 64),
      details: event.details ?? null,
    });
    if (this.buffer.length > MAX_BUFFERED) {
      const excess = this.buffer.length - MAX_BUFFERED;
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
    if (this.buffer.length >= AUDIT_BATCH_SIZE || this.closed) void this.flush();
  }

  /** For the S3 layer: one call per mutating or denied S3 operation. */
  recordS3(call: S3AuditCall): void {
    const details: Record<string, unknown> = { ...call.details };
    if (call.httpStatus !== undefined) details.status_code = call.httpStatus;
    if (call.errorCode !== undefined) details.error_code = call.errorCode;
    this.record({
      tenantId: call.principal?.tenantId ?? null,
      userId: call.principal?.userId ?? null,
      username: call.principal?.username ?? 'anonymous',
      sourceIp: call.sourceIp,
      userAgent: call.userAgent,
      eventType: `s3.${call.operation}`,
      resourceType: call.key !== undefined ? 'object' : call.bucket !== undefined ? 'bucket' : 's3',
      resourceName: call.bucket === undefined ? null : call.key === undefined ? call.bucket : `${call.bucket}/${call.key}`,
      action: call.operation,
      status: call.status,
      requestId: call.requestId,
      details: Object.keys(details).length > 0 ? details : null,
    });
  }

  /** Writes the buffered records now (one batch at a time; a failed batch is retried on the next flush). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBuffered());
    return this.flushing;
  }

  async list(filter: AuditFilter, page: number, pageSize: number): Promise<{ items: AuditRecord[]; total: number }> {
    await this.flush(); // what was just done is visible at once
    const qb = this.db.repo(AuditLogEntity).createQueryBuilder('a');
    if (filter.tenantId === null) qb.andWhere('a.tenant_id IS NULL');
    else if (filter.tenantId !== undefined) qb.andWhere('a.tenant_id = :tenantId', { tenantId: filter.tenantId });
    if (filter.userId !== undefined) {
      qb.andWhere(
        new Brackets((w) => w.where('a.user_id = :user', { user: filter.userId }).orWhere('a.username = :user', { user: filter.userId })),
      );
    }
    if (filter.eventType !== undefined) qb.andWhere('a.event_type = :eventType', { eventType: filter.eventType });
    if (filter.resourceType !== undefined) qb.andWhere('a.resource_type = :resourceType', { resourceType: filter.resourceType });
    if (filter.action !== undefined) qb.andWhere('a.action = :action', { action: filter.action });
    if (filter.status !== undefined) qb.andWhere('a.status = :status', { status: filter.status });
    if (filter.from !== undefined) qb.andWhere('a.time >= :from', { from: filter.from.getTime() });
    if (filter.to !== undefined) qb.andWhere('a.time <= :to', { to: filter.to.getTime() });
    const [rows, total] = await qb
      .orderBy('a.time', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: rows.map(toRecord), total };
  }

  /** One record, or null. */
  async get(id: string): Promise<AuditRecord | null> {
    await this.flush();
    const row = await this.db.repo(AuditLogEntity).findOneBy({ id });
    return row ? toRecord(row) : null;
  }

  /** Deletes records older than the retention, in batches; returns how many. */
  async purgeOnce(): Promise<number> {
    const days = this.settings?.getNumber('audit_retention_days') ?? this.config.auditRetentionDays;
    if (days <= 0) return 0;
    const cutoff = this.clock.now().getTime() - days * DAY_MS;
    let total = 0;
    for (;;) {
      const ids = await this.db.repo(AuditLogEntity).find({ select: { id: true }, where: { time: LessThan(cutoff) }, take: PURGE_BATCH });
      if (ids.length === 0) break;
      await this.db.tx((m) =>
        m.delete(
          AuditLogEntity,
          ids.map((r) => r.id),
        ),
      );
      total += ids.length;
      if (ids.length < PURGE_BATCH) break;
    }
    if (total > 0) this.logger.log(`purged ${total} audit records older than ${days} days`);
    return total;
  }

  private async writeBuffered(): Promise<void> {
    while (this.buffer.length > 0) {
      if (!this.db.dataSource.isInitialized) return;
      const batch = this.buffer.slice(0, AUDIT_BATCH_SIZE);
      try {
        // One prepared multi-row INSERT (TypeORM's insert rebuilt its SQL for every batch).
        await this.db.tx((m) => this.db.insertMany(m, AuditLogEntity, batch));
      } catch (err) {
        this.logger.error(`writing ${batch.length} audit records failed (kept for the next attempt): ${err}`);
        return;
      }
      this.buffer.splice(0, batch.length);
    }
    if (this.dropped > 0) {
      this.logger.error(`${this.dropped} audit records were dropped while the database refused writes`);
      this.dropped = 0;
    }
  }
}
