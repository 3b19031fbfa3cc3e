import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge, register } from 'prom-client';
import { EntityManager, In } from 'typeorm';
import { Clock } from '../common/clock';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { EventOutboxEntity } from './entities/event-outbox.entity';
import type { NotificationRule, NotificationTarget } from '../buckets/notification-configuration';
import { errorText, TargetCheck, TargetSenders } from './event-targets';
import { EventsService } from './events.service';

/** Rows read per queue and pass. */
const BATCH = 200;
/** Queues delivered at once. */
const CONCURRENCY = 8;
/** Idle: how often the outbox is polled (other nodes' commits, due retries). */
const IDLE_POLL_MS = 1_000;
/** After a local write: polled this often until a pass finds nothing (the write commits after record()). */
const BUSY_POLL_MS = 20;

export const EVENT_METRIC = {
  pending: 'maxiofs_events_pending',
  dead: 'maxiofs_events_dead_letter',
  delivered: 'maxiofs_events_delivered_total',
  failed: 'maxiofs_events_failed_total',
} as const;

/** Works the rows of one target type (see registerHandler). */
export interface OutboxHandler {
  /** Resolves once the row's work is done (it is then deleted); throws to retry it with backoff. */
  deliver(row: EventOutboxEntity): Promise<void>;
  /** The row was dead-lettered (best effort, after the fact). */
  dead?(row: EventOutboxEntity): Promise<void>;
}

export interface RuleStatus {
  ruleId: string;
  /** The delivery queue; null when an ARN names no server target. */
  targetId: string | null;
  targetType: string;
  health: TargetCheck;
  pending: number;
  dead: number;
  lastError: string | null;
}

/** Delay before attempt `attempts + 1`: base · 2^(attempts-1), capped. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
}

/**
 * Delivers the outbox: each queue (target) in commit order, at least once. A message is deleted
 * only after its target acknowledged it; a failure retries the queue's head with exponential
 * backoff (the messages behind it wait, so a key's events stay in order) and dead-letters it after
 * EVENT_MAX_ATTEMPTS. Nothing here runs in the request path.
 *
 * PostgreSQL (several nodes): a queue is worked by one node at a time (a transaction-scoped
 * advisory lock on it), its rows taken with FOR UPDATE SKIP LOCKED and settled in that transaction.
 * SQLite: this process is the only worker; rows are read, sent, then settled in one transaction.
 */
@Injectable()
export class EventDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventDispatcher.name);
  private readonly senders = new TargetSenders();
  /** Queues whose head waits for a retry (this node's view), until the time given. */
  private readonly blockedUntil = new Map<string, number>();
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busyUntil = 0;
  private metricNames: string[] = [];
  private readonly handlers = new Map<string, OutboxHandler>();
  private delivered!: Counter<'target'>;
  private failed!: Counter<'target'>;

  constructor(
    private readonly db: DatabaseService,
    private readonly events: EventsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.registerMetrics();
    if (!this.config.backgroundJobs) return;
    this.events.onRecorded(() => this.kick());
    this.stopped = false;
    // After every module's bootstrap: the handlers of other modules (replication) are registered by then.
    setImmediate(() => {
      if (!this.stopped) this.loop = this.run();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.senders.closeAll();
    for (const name of this.metricNames) register.removeSingleMetric(name);
    this.metricNames = [];
  }

  /** Lets another module work rows of a target type of its own (replication tasks). */
  registerHandler(type: string, handler: OutboxHandler): void {
    this.handlers.set(type, handler);
  }

  /** A write recorded events: poll quickly until they are delivered. */
  kick(): void {
    this.busyUntil = Date.now() + 2_000;
    this.wake?.();
  }

  /**
   * Per rule of a bucket's configuration: where its events go, a live connection check of the
   * target, and its queue (pending, dead-lettered, why the oldest pending one is stuck).
   */
  async bucketStatus(bucketName: string, rules: readonly NotificationRule[]): Promise<RuleStatus[]> {
    const resolved = rules.map((r) => ({ rule: r, to: this.events.resolve(bucketName, r) }));
    const ids = resolved.flatMap((r) => (r.to ? [r.to.targetId] : []));
    const [counts, errors, checks] = await Promise.all([
      this.events.counts(ids),
      this.events.lastErrors(ids),
      Promise.all(resolved.map((r) => (r.to ? this.senders.check(r.to.target) : null))),
    ]);
    return resolved.map(({ rule, to }, i) => {
      const c = to ? counts.get(to.targetId) : undefined;
      return {
        ruleId: rule.id,
        targetId: to?.targetId ?? null,
        targetType: to?.target.type ?? rule.target.type,
        health: checks[i] ?? { ok: false, latency_ms: 0, error: `no server target (EVENT_TARGETS) is named by ${rule.target.arn}` },
        pending: c?.pending ?? 0,
        dead: c?.dead ?? 0,
        lastError: to ? (errors.get(to.targetId) ?? null) : null,
      };
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let worked = false;
      try {
        worked = await this.pass();
      } catch (err) {
        this.logger.error(`event dispatch pass failed: ${errorText(err)}`);
      }
      if (this.stopped) break;
      if (worked) continue;
      await this.sleep(Date.now() < this.busyUntil ? BUSY_POLL_MS : IDLE_POLL_MS);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        this.wake = null;
        resolve();
      };
      this.timer = setTimeout(() => this.wake?.(), ms);
    });
  }

  /** One round over the queues with due messages; true when something was delivered or settled. */
  private async pass(): Promise<boolean> {
    const now = this.clock.now().getTime();
    // In a transaction of its own: on SQLite that orders it between the group commits, so that a
    // row of a transaction still running (which may yet roll back) is never seen.
    const rows = await this.db.tx((m) =>
      m
        .createQueryBuilder(EventOutboxEntity, 'e')
        .select('DISTINCT e.target_id', 'target_id')
        .where('e.state = :state', { state: 'pending' })
        .andWhere('e.next_attempt_at <= :now', { now })
        .getRawMany<{ target_id: string }>(),
    );
    const due = rows.map((r) => r.target_id).filter((id) => (this.blockedUntil.get(id) ?? 0) <= now);
    let worked = false;
    let next = 0;
    const worker = async () => {
      while (next < due.length && !this.stopped) {
        const targetId = due[next++];
        try {
          if (await this.drainQueue(targetId)) worked = true;
        } catch (err) {
          this.logger.warn(`delivering the events of ${targetId} failed: ${errorText(err)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
    return worked;
  }

  private drainQueue(targetId: string): Promise<boolean> {
    if (!this.db.isPostgres) return this.deliverBatch(null, targetId);
    return this.db.dataSource.transaction(async (m) => {
      const [{ locked }] = await m.query('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 7)) AS locked', [`events/${targetId}`]);
      if (!locked) return false; // another node works this queue
      return this.deliverBatch(m, targetId);
    });
  }

  /**
   * Sends the queue's next messages in order; stops at the first failure or not-yet-due head.
   * `m`: the PostgreSQL transaction holding the queue (rows locked, settled in it); null on SQLite
   * (rows read and settled in transactions of their own).
   */
  private async deliverBatch(m: EntityManager | null, targetId: string): Promise<boolean> {
    const where = { targetId, state: 'pending' as const };
    const batch = m
      ? await m.find(EventOutboxEntity, {
          where,
          order: { seq: 'ASC' },
          take: BATCH,
          lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
        })
      : await this.db.tx((tx) => tx.find(EventOutboxEntity, { where, order: { seq: 'ASC' }, take: BATCH }));
    const done: number[] = [];
    let failure: { row: EventOutboxEntity; error: string } | null = null;
    for (const row of batch) {
      if (this.stopped) break;
      if (row.nextAttemptAt > this.clock.now().getTime()) {
        this.blockedUntil.set(targetId, row.nextAttemptAt);
        break;
      }
      try {
        const handler = this.handlers.get(row.target.type);
        if (handler) await handler.deliver(row);
        else await this.senders.send(row.target as NotificationTarget, row.payload);
        done.push(row.seq);
      } catch (err) {
        failure = { row, error: errorText(err) };
        break;
      }
    }
    const settle = async (tx: EntityManager) => {
      for (let i = 0; i < done.length; i += 500) await tx.delete(EventOutboxEntity, { seq: In(done.slice(i, i + 500)) });
      if (failure) await this.recordFailure(tx, failure.row, failure.error);
    };
    if (done.length || failure) {
      if (m) await settle(m);
      else await this.db.tx(settle);
    }
    if (done.length) {
      this.delivered.inc({ target: targetId }, done.length);
      this.blockedUntil.delete(targetId);
    }
    return done.length > 0 || (failure !== null && failure.row.attempts + 1 >= this.config.eventMaxAttempts);
  }

  private async recordFailure(m: EntityManager, row: EventOutboxEntity, error: string): Promise<void> {
    const attempts = row.attempts + 1;
    this.failed.inc({ target: row.targetId });
    if (attempts >= this.config.eventMaxAttempts) {
      await m.update(EventOutboxEntity, { seq: row.seq }, { state: 'dead', attempts, lastError: error });
      const onDead = this.handlers.get(row.target.type)?.dead;
      if (onDead) setImmediate(() => void onDead(row).catch(() => undefined));
      this.logger.warn(
        `event ${row.eventName} of ${row.bucketName}/${row.objectKey} to ${row.targetId} dead-lettered after ${attempts} attempts: ${error}`,
      );
      return;
    }
    const at = this.clock.now().getTime() + backoffMs(attempts, this.config.eventRetryBaseMs, this.config.eventRetryMaxMs);
    await m.update(EventOutboxEntity, { seq: row.seq }, { attempts, nextAttemptAt: at, lastError: error });
    this.blockedUntil.set(row.targetId, at);
    if (attempts === 1) this.logger.warn(`delivering to ${row.targetId} failed, retrying with backoff: ${error}`);
  }

  private registerMetrics(): void {
    const fresh = <T>(name: string, make: () => T): T => {
      // Another app instance in this process (tests) registered it: the newest one wins.
      if (register.getSingleMetric(name)) register.removeSingleMetric(name);
      this.metricNames.push(name);
      return make();
    };
    this.delivered = fresh(
      EVENT_METRIC.delivered,
      () => new Counter({ name: EVENT_METRIC.delivered, help: 'Bucket notification events delivered, per target', labelNames: ['target'] }),
    );
    this.failed = fresh(
      EVENT_METRIC.failed,
      () =>
        new Counter({
          name: EVENT_METRIC.failed,
          help: 'Failed deliveries of bucket notification events (each attempt), per target',
          labelNames: ['target'],
        }),
    );
    const events = this.events;
    const logger = this.logger;
    const gauge = (name: string, help: string, pick: (c: { pending: number; dead: number }) => number) =>
      fresh(
        name,
        () =>
          new Gauge({
            name,
            help,
            labelNames: ['target'],
            async collect() {
              this.reset();
              try {
                for (const [target, c] of await events.counts()) this.set({ target }, pick(c));
              } catch (err) {
                logger.warn(`reading the event outbox for the metrics failed: ${errorText(err)}`);
              }
            },
          }),
      );
    gauge(EVENT_METRIC.pending, 'Bucket notification events waiting for delivery, per target', (c) => c.pending);
    gauge(EVENT_METRIC.dead, 'Bucket notification events dead-lettered (EVENT_MAX_ATTEMPTS reached), per target', (c) => c.dead);
  }
}
