import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { BucketConfigService } from '../buckets/bucket-config.service';
import { ARN_TARGET_TYPES, checkTarget, NotificationRule, NotificationTarget } from '../buckets/notification-configuration';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { replicationMatches, ReplicationRule } from '../buckets/replication-configuration';
import { EventOutboxEntity, ReplicationTarget, ReplicationTask } from './entities/event-outbox.entity';
import { buildRecord, EventBucket, EventOrigin, matchingRules, ObjectChange, S3_SERVICE_PRINCIPAL, Sequencer } from './event-record';

/** The outbox queue of a replication rule. */
export const replicationQueue = (bucketName: string, ruleId: string): string => `replication:${bucketName}/${ruleId}`;

/** The origin of changes no request made (lifecycle expirations), as S3 writes it. */
export const SERVICE_ORIGIN: EventOrigin = Object.freeze({
  principalId: S3_SERVICE_PRINCIPAL,
  sourceIp: S3_SERVICE_PRINCIPAL,
  requestId: '',
  hostId: '',
});

export interface ResolvedTarget {
  /** The delivery queue (see EventOutboxEntity.targetId). */
  targetId: string;
  target: NotificationTarget;
}

export interface DeadLetter {
  seq: number;
  targetId: string;
  ruleId: string;
  key: string;
  eventName: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

/**
 * Another writer of rows that must commit with an object change, or not at all (the cluster
 * replication queue): runs inside the change's transaction, before the notification rows.
 */
export type ChangeRecorder = (m: EntityManager, bucket: EventBucket & { id: string }, changes: readonly ObjectChange[]) => Promise<void>;

/** Wakes the dispatcher (set by it): rows were written and will be visible after their commit. */
export type OutboxListener = () => void;

/**
 * The write side of bucket notifications: record() runs inside the transaction that commits an
 * object change and inserts one outbox row per matching rule, so the event exists if and only if
 * the change does. A bucket without a notification configuration costs one cached lookup.
 */
@Injectable()
export class EventsService {
  private readonly logger = new Logger(EventsService.name);
  private readonly sequencer = new Sequencer();
  private readonly serverTargets = new Map<string, NotificationTarget>();
  private readonly warnedArns = new Set<string>();
  private listener: OutboxListener = () => undefined;
  private readonly recorders: ChangeRecorder[] = [];

  constructor(
    private readonly db: DatabaseService,
    private readonly configs: BucketConfigService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    for (const [name, target] of Object.entries(config.eventTargets)) {
      const t = target as unknown as NotificationTarget;
      try {
        if (ARN_TARGET_TYPES.includes(t.type))
          throw new DomainError('InvalidArgument', 'a server target is a webhook, redis, rabbitmq, mqtt or nats target');
        checkTarget(t, name);
      } catch (err) {
        throw new Error(`EVENT_TARGETS: target ${name} is invalid: ${(err as Error).message}`);
      }
      this.serverTargets.set(name, t);
    }
  }

  addRecorder(recorder: ChangeRecorder): void {
    this.recorders.push(recorder);
  }

  /** True when another writer (cluster replication) records object changes: it may need their released blobs. */
  hasRecorders(): boolean {
    return this.recorders.length > 0;
  }

  onRecorded(listener: OutboxListener): void {
    this.listener = listener;
  }

  /**
   * The server target an ARN names: its last segment (`arn:aws:sqs:us-east-1:000000000000:orders`),
   * else its account segment (MinIO's `arn:minio:sqs::orders:webhook`).
   */
  resolve(bucketName: string, rule: NotificationRule): ResolvedTarget | null {
    if (!ARN_TARGET_TYPES.includes(rule.target.type)) return { targetId: `${bucketName}/${rule.id}`, target: rule.target };
    const parts = (rule.target.arn ?? '').split(':');
    for (const name of [parts[parts.length - 1], parts[4]]) {
      const target = name ? this.serverTargets.get(name) : undefined;
      if (target) return { targetId: `arn:${name}`, target };
    }
    return null;
  }

  /**
   * Inside the transaction of `changes`: the outbox rows of every notification rule they fire, and
   * the replication tasks of every replication rule that covers them. Returns true when a created
   * object was queued for replication (its x-amz-replication-status is then PENDING).
   */
  async record(
    m: EntityManager,
    bucket: EventBucket & { id: string },
    changes: readonly ObjectChange[],
    origin?: EventOrigin,
  ): Promise<boolean> {
    for (const recorder of this.recorders) await recorder(m, bucket, changes);
    const rules = await this.configs.notificationRulesOf(bucket.id, m);
    const replication = await this.configs.replicationRulesOf(bucket.id, m);
    if (!rules?.length && !replication?.length) return false;
    const now = this.clock.now();
    const rows: EventOutboxEntity[] = [];
    const queued = replication?.length ? this.replicationRows(bucket.name, replication, changes, now.getTime()) : [];
    rows.push(...queued);
    for (const change of rules?.length ? changes : []) {
      const sequencer = this.sequencer.next(now.getTime());
      for (const rule of matchingRules(rules!, change)) {
        const resolved = this.resolve(bucket.name, rule);
        if (!resolved) {
          this.warnUnresolved(rule.target.arn ?? '');
          continue;
        }
        const record = buildRecord({
          region: this.config.region,
          time: now,
          bucket,
          change,
          origin: origin ?? SERVICE_ORIGIN,
          configurationId: rule.id,
          sequencer,
        });
        rows.push(
          Object.assign(new EventOutboxEntity(), {
            targetId: resolved.targetId,
            bucketName: bucket.name,
            ruleId: rule.id,
            objectKey: change.key,
            eventName: change.eventName,
            target: resolved.target,
            payload: JSON.stringify({ Records: [record] }),
            state: 'pending' as const,
            attempts: 0,
            nextAttemptAt: now.getTime(),
            lastError: null,
            createdAt: now.getTime(),
          }),
        );
      }
    }
    if (rows.length === 0) return false;
    await this.db.insert(m, EventOutboxEntity, rows);
    this.listener();
    return queued.some((r) => (JSON.parse(r.payload) as ReplicationTask).op === 'put');
  }

  /** Replication tasks of changes: the first matching rule per destination (S3's priority); puts and, if the rule says so, deletes. */
  private replicationRows(
    bucketName: string,
    rules: readonly ReplicationRule[],
    changes: readonly ObjectChange[],
    now: number,
  ): EventOutboxEntity[] {
    const ordered = [...rules].sort((a, b) => a.priority - b.priority);
    const rows: EventOutboxEntity[] = [];
    for (const change of changes) {
      const created = change.eventName.startsWith('ObjectCreated:');
      // A delete marker, or a delete in an unversioned bucket, is replicated; removing a version is
      // not, nor is a lifecycle expiration (as S3: the destination has its own lifecycle).
      const deletion =
        change.eventName.startsWith('ObjectRemoved:') &&
        (change.eventName.endsWith('DeleteMarkerCreated') || change.versionId === undefined);
      if ((!created && !deletion) || change.replica) continue;
      const seen = new Set<string>();
      for (const rule of ordered) {
        const dest = `${rule.destination.endpoint}/${rule.destination.bucket}`;
        if (seen.has(dest) || !replicationMatches(rule, change.key, created ? change.tags : null)) continue;
        if (!created && (!rule.replicateDeletes || Object.keys(rule.tags).length > 0)) continue;
        seen.add(dest);
        const task: ReplicationTask = created
          ? { op: 'put', bucket: bucketName, key: change.key, versionId: change.storedVersionId ?? change.versionId ?? 'null' }
          : { op: 'delete', bucket: bucketName, key: change.key };
        rows.push(this.replicationRow(bucketName, rule.id, task, change.eventName, now));
      }
    }
    return rows;
  }

  /** The outbox row of a replication task (also used by a manual sync). */
  replicationRow(bucketName: string, ruleId: string, task: ReplicationTask, eventName: string, now: number): EventOutboxEntity {
    return Object.assign(new EventOutboxEntity(), {
      targetId: replicationQueue(bucketName, ruleId),
      bucketName,
      ruleId,
      objectKey: task.key,
      eventName,
      target: { type: 'replication', ruleId } satisfies ReplicationTarget,
      payload: JSON.stringify(task),
      state: 'pending' as const,
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      createdAt: now,
    });
  }

  /** Inserts rows in a transaction of their own (a manual sync), and wakes the dispatcher. */
  async enqueue(rows: EventOutboxEntity[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.tx((m) => this.db.insert(m, EventOutboxEntity, rows));
    this.listener();
  }

  /** Pending and dead-lettered events per delivery queue. */
  async counts(targetIds?: string[]): Promise<Map<string, { pending: number; dead: number }>> {
    const qb = this.db
      .repo(EventOutboxEntity)
      .createQueryBuilder('e')
      .select('e.target_id', 'target_id')
      .addSelect('e.state', 'state')
      .addSelect('COUNT(*)', 'n')
      .groupBy('e.target_id')
      .addGroupBy('e.state');
    if (targetIds) {
      if (targetIds.length === 0) return new Map();
      qb.where('e.target_id IN (:...ids)', { ids: targetIds });
    }
    const out = new Map<string, { pending: number; dead: number }>();
    for (const r of await qb.getRawMany<{ target_id: string; state: string; n: string | number }>()) {
      const c = out.get(r.target_id) ?? { pending: 0, dead: 0 };
      if (r.state === 'dead') c.dead = Number(r.n);
      else c.pending = Number(r.n);
      out.set(r.target_id, c);
    }
    return out;
  }

  /** The last error of the oldest pending event of each queue (why it is stuck), if any. */
  async lastErrors(targetIds: string[]): Promise<Map<string, string>> {
    if (targetIds.length === 0) return new Map();
    const rows = await this.db.repo(EventOutboxEntity).find({
      select: { targetId: true, lastError: true, seq: true },
      where: { targetId: In(targetIds), state: 'pending' },
      order: { seq: 'ASC' },
      take: 1000,
    });
    const out = new Map<string, string>();
    for (const r of rows) if (r.lastError && !out.has(r.targetId)) out.set(r.targetId, r.lastError);
    return out;
  }

  async deadLetters(bucketName: string, limit: number): Promise<DeadLetter[]> {
    const rows = await this.db.repo(EventOutboxEntity).find({ where: { bucketName, state: 'dead' }, order: { seq: 'ASC' }, take: limit });
    return rows.map((r) => ({
      seq: r.seq,
      targetId: r.targetId,
      ruleId: r.ruleId,
      key: r.objectKey,
      eventName: r.eventName,
      attempts: r.attempts,
      lastError: r.lastError,
      createdAt: new Date(r.createdAt),
    }));
  }

  /** Puts a bucket's dead-lettered events back in their queues (in their original order); returns how many. */
  async retryDead(bucketName: string): Promise<number> {
    const now = this.clock.now().getTime();
    const n = await this.db.tx(async (m) => {
      const res = await m.update(EventOutboxEntity, { bucketName, state: 'dead' }, { state: 'pending', attempts: 0, nextAttemptAt: now });
      return res.affected ?? 0;
    });
    if (n > 0) this.listener();
    return n;
  }

  private warnUnresolved(arn: string): void {
    if (this.warnedArns.has(arn)) return;
    this.warnedArns.add(arn);
    this.logger.warn(`no server target (EVENT_TARGETS) is named by ${arn}: its events are not recorded`);
  }
}
