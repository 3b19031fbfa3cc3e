import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { bucketNotFound } from '../buckets/bucket.errors';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { DomainError } from '../common/domain-error';
import { DatabaseService } from '../database/database.service';
import type { EventBucket, ObjectChange } from '../events/event-record';
import { EventsService } from '../events/events.service';
import { ClusterNodesService, ClusterNodeView } from './cluster-nodes.service';
import { ClusterReplicationRuleEntity } from './entities/cluster-replication-rule.entity';
import { ClusterReplicationTaskEntity } from './entities/cluster-replication-task.entity';
import { ObjectTransferService, TransferError } from './object-transfer.service';

/** Tasks one claim takes; each is worked on with at most WORKERS at once. */
const BATCH = 32;
const WORKERS = 4;
/** A claimed task is not taken again by anyone before this (a worker killed mid-task leaves it to be retried then). */
const LEASE_MS = 120_000;
const POLL_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** Failover choices are reused this long (an owner-down burst of reads costs one lookup). */
const FAILOVER_TTL_MS = 1_000;
/** How often a node drops the rules and queued copies of buckets deleted since. */
const CLEANUP_MS = 30_000;
/** Advisory lock space (two-int form, apart from the bigint locks of objects and migrations) of a bucket's rules. */
const RULES_LOCK_SPACE = 5_205;

/**
 * A bucket's rules change under an exclusive transaction lock, and every object change takes it
 * shared before reading them: a write that commits after a rule's initial sync has read the rule,
 * and one that did not read it committed before that sync's scan (which then includes it).
 */
async function lockRules(m: EntityManager, bucket: string, mode: 'shared' | 'exclusive'): Promise<void> {
  const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  await m.query(`SELECT ${fn}($1, hashtext($2))`, [RULES_LOCK_SPACE, bucket]);
}

export interface ReplicationRuleView {
  id: string;
  bucket: string;
  targetNodeIds: string[];
  prefix: string;
  enabled: boolean;
  replicateDeletes: boolean;
  syncIntervalSeconds: number;
  lastSyncAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Copies still to make, per target node. */
  pending: Record<string, number>;
}

export interface ReplicationRuleInput {
  bucket: string;
  targetNodeIds: string[];
  prefix?: string;
  enabled?: boolean;
  replicateDeletes?: boolean;
  syncIntervalSeconds?: number;
}

export type ReplicationRuleChanges = Partial<Omit<ReplicationRuleInput, 'bucket'>>;

export interface BulkInput {
  /** Only buckets held by this node (default: every bucket with an owner). */
  sourceNodeId?: string;
  targetNodeIds: string[];
  prefix?: string;
  replicateDeletes?: boolean;
}

export interface BulkOutcome {
  created: ReplicationRuleView[];
  /** Buckets that already had a rule naming these targets, or whose only target would be their owner. */
  skipped: Array<{ bucket: string; reason: string }>;
  queued: number;
}

export interface PendingFigures {
  total: number;
  byTarget: Record<string, number>;
  /** Tasks that failed at least once and wait for their next attempt. */
  retrying: number;
  oldestAt: Date | null;
}

/**
 * Cluster replication: a rule copies every object version of a bucket to one or more other nodes,
 * so that reads can fail over to them when the bucket's owner is down.
 *
 * - Every object change on a replicated bucket writes its queue rows (cluster_replication_queue)
 *   in the transaction that commits the change (an EventsService recorder): an acknowledged write
 *   has its copy queued, also across kill -9.
 * - The owner node's worker takes due rows with FOR UPDATE SKIP LOCKED (a lease), streams the
 *   version's bytes to the target (ObjectTransferService), and deletes the row once the target
 *   holds them; failures are retried with exponential backoff (capped), without bound.
 * - Metadata needs no copy: every node reads the same catalog in PostgreSQL.
 * - Creating a rule (or the bulk route) queues the bucket's existing versions (initial sync).
 */
@Injectable()
export class ClusterReplicationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ClusterReplicationService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly failover = new Map<string, { at: number; node: Promise<ClusterNodeView | null> }>();
  private copied = 0;
  private failures = 0;
  private lastCleanup = 0;

  constructor(
    private readonly nodes: ClusterNodesService,
    private readonly db: DatabaseService,
    private readonly transfer: ObjectTransferService,
    events: EventsService,
  ) {
    if (nodes.enabled) events.addRecorder((m, bucket, changes) => this.record(m, bucket, changes));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.nodes.enabled) return;
    // Only a bucket's owner works its copies: leases it held when it stopped (killed mid-copy) are void now.
    await this.db.dataSource.query(
      `UPDATE cluster_replication_queue q SET next_attempt_at = $2
        WHERE q.next_attempt_at > $2 AND EXISTS (SELECT 1 FROM buckets b WHERE b.name = q.bucket_name AND b.node_id = $1)`,
      [this.nodes.nodeId, Date.now()],
    );
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  stats(): { copied: number; failures: number } {
    return { copied: this.copied, failures: this.failures };
  }

  // --- rules ---

  async list(bucket?: string): Promise<ReplicationRuleView[]> {
    const rules = await this.db.repo(ClusterReplicationRuleEntity).find({
      where: bucket ? { bucketName: bucket } : {},
      order: { createdAt: 'ASC' },
    });
    return this.views(rules);
  }

  async get(id: string): Promise<ReplicationRuleView> {
    return (await this.views([await this.rule(id)]))[0];
  }

  /** A rule, and its initial sync: every existing version of the bucket is queued for each target. */
  async create(input: ReplicationRuleInput): Promise<{ rule: ReplicationRuleView; queued: number }> {
    this.assertEnabled();
    const bucket = await this.bucket(input.bucket);
    const targets = await this.checkTargets(input.targetNodeIds, bucket);
    const now = Date.now();
    const rule = Object.assign(new ClusterReplicationRuleEntity(), {
      id: randomUUID(),
      bucketName: bucket.name,
      targetNodeIds: targets,
      prefix: input.prefix ?? '',
      enabled: input.enabled ?? true,
      replicateDeletes: input.replicateDeletes ?? true,
      syncIntervalSeconds: input.syncIntervalSeconds ?? 0,
      lastSyncAt: null,
      createdAt: now,
      updatedAt: now,
    });
    const queued = await this.db.tx(async (m) => {
      await lockRules(m, bucket.name, 'exclusive');
      const clash = (await m.find(ClusterReplicationRuleEntity, { where: { bucketName: bucket.name } })).find((r) =>
        r.targetNodeIds.some((t) => targets.includes(t)),
      );
      if (clash) {
        throw new DomainError(
          'ClusterConflict',
          `bucket ${bucket.name} is already replicated to ${clash.targetNodeIds.join(', ')} by rule ${clash.id}`,
        );
      }
      await m.insert(ClusterReplicationRuleEntity, rule);
      return rule.enabled ? this.queueExisting(m, rule, bucket.id, targets) : 0;
    });
    this.kick();
    return { rule: await this.get(rule.id), queued };
  }

  async update(id: string, changes: ReplicationRuleChanges): Promise<{ rule: ReplicationRuleView; queued: number }> {
    this.assertEnabled();
    const rule = await this.rule(id);
    const bucket = await this.bucket(rule.bucketName);
    const targets = changes.targetNodeIds ? await this.checkTargets(changes.targetNodeIds, bucket) : rule.targetNodeIds;
    const enabled = changes.enabled ?? rule.enabled;
    const prefix = changes.prefix ?? rule.prefix;
    const queued = await this.db.tx(async (m) => {
      await lockRules(m, bucket.name, 'exclusive');
      const dropped = rule.targetNodeIds.filter((t) => !targets.includes(t) || !enabled);
      if (dropped.length) await m.delete(ClusterReplicationTaskEntity, { ruleId: id, targetNodeId: In(dropped) });
      // Newly named targets (or all of them when the rule comes back on, or its prefix widens) get the existing versions.
      const resync = !enabled
        ? []
        : !rule.enabled || prefix !== rule.prefix
          ? targets
          : targets.filter((t) => !rule.targetNodeIds.includes(t));
      await m.update(
        ClusterReplicationRuleEntity,
        { id },
        {
          targetNodeIds: targets,
          enabled,
          prefix,
          replicateDeletes: changes.replicateDeletes ?? rule.replicateDeletes,
          syncIntervalSeconds: changes.syncIntervalSeconds ?? rule.syncIntervalSeconds,
          updatedAt: Date.now(),
        },
      );
      return resync.length ? this.queueExisting(m, { ...rule, prefix }, bucket.id, resync) : 0;
    });
    this.kick();
    return { rule: await this.get(id), queued };
  }

  /** Deletes the rule and its pending copies; the copies already made are dropped by the targets' orphan sweep once unreferenced. */
  async remove(id: string): Promise<void> {
    await this.rule(id);
    await this.db.tx(async (m) => {
      await m.delete(ClusterReplicationTaskEntity, { ruleId: id });
      await m.delete(ClusterReplicationRuleEntity, { id });
    });
    this.failover.clear();
  }

  /** A rule for every bucket (of one node) to the given targets, each with its initial sync. */
  async bulk(input: BulkInput): Promise<BulkOutcome> {
    this.assertEnabled();
    if (input.sourceNodeId !== undefined) await this.nodes.get(input.sourceNodeId);
    const buckets = await this.db.repo(BucketEntity).find({ select: { id: true, name: true, nodeId: true }, order: { name: 'ASC' } });
    const out: BulkOutcome = { created: [], skipped: [], queued: 0 };
    for (const b of buckets) {
      if (b.nodeId === null || (input.sourceNodeId !== undefined && b.nodeId !== input.sourceNodeId)) continue;
      const targets = input.targetNodeIds.filter((t) => t !== b.nodeId);
      if (targets.length === 0) {
        out.skipped.push({ bucket: b.name, reason: 'the only target is the node that holds it' });
        continue;
      }
      try {
        const { rule, queued } = await this.create({
          bucket: b.name,
          targetNodeIds: targets,
          prefix: input.prefix,
          replicateDeletes: input.replicateDeletes,
        });
        out.created.push(rule);
        out.queued += queued;
      } catch (err) {
        if (!(err instanceof DomainError) || err.code !== 'ClusterConflict') throw err;
        out.skipped.push({ bucket: b.name, reason: err.message });
      }
    }
    return out;
  }

  // --- figures ---

  /** The queue (shared by the cluster): copies still to make, per target node. */
  async pending(bucket?: string): Promise<PendingFigures> {
    if (!this.nodes.enabled) return { total: 0, byTarget: {}, retrying: 0, oldestAt: null };
    const rows: Array<{ target_node_id: string; n: string; retrying: string; oldest: string | null }> = await this.db.dataSource.query(
      `SELECT target_node_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE last_error IS NOT NULL) AS retrying, MIN(created_at) AS oldest
         FROM cluster_replication_queue ${bucket ? 'WHERE bucket_name = $1' : ''} GROUP BY target_node_id`,
      bucket ? [bucket] : [],
    );
    const byTarget: Record<string, number> = {};
    let total = 0;
    let retrying = 0;
    let oldest: number | null = null;
    for (const r of rows) {
      byTarget[r.target_node_id] = Number(r.n);
      total += Number(r.n);
      retrying += Number(r.retrying);
      if (r.oldest !== null && (oldest === null || Number(r.oldest) < oldest)) oldest = Number(r.oldest);
    }
    return { total, byTarget, retrying, oldestAt: oldest === null ? null : new Date(oldest) };
  }

  /**
   * The node a read of `bucket` fails over to when its owner is down: a healthy target of an
   * enabled rule, the one with the fewest copies still pending (0: caught up). null: none.
   */
  failoverNode(bucket: string): Promise<ClusterNodeView | null> {
    const now = Date.now();
    const hit = this.failover.get(bucket);
    if (hit && now - hit.at < FAILOVER_TTL_MS) return hit.node;
    const node = this.chooseReplica(bucket);
    node.catch(() => this.failover.delete(bucket));
    this.failover.set(bucket, { at: now, node });
    return node;
  }

  private async chooseReplica(bucket: string): Promise<ClusterNodeView | null> {
    const rules = await this.db.repo(ClusterReplicationRuleEntity).find({ where: { bucketName: bucket, enabled: true } });
    const targets = new Set(rules.flatMap((r) => r.targetNodeIds));
    if (targets.size === 0) return null;
    const healthy = (await this.nodes.list()).filter((n) => targets.has(n.id) && n.health === 'healthy');
    if (healthy.length === 0) return null;
    const { byTarget } = await this.pending(bucket);
    return healthy.sort((a, b) => (byTarget[a.id] ?? 0) - (byTarget[b.id] ?? 0) || Number(b.isLocal) - Number(a.isLocal))[0];
  }

  // --- the write side (inside the change's transaction) ---

  private async record(m: EntityManager, bucket: EventBucket & { id: string }, changes: readonly ObjectChange[]): Promise<void> {
    await lockRules(m, bucket.name, 'shared');
    const rules = await m.find(ClusterReplicationRuleEntity, { where: { bucketName: bucket.name, enabled: true } });
    if (rules.length === 0) return;
    const now = Date.now();
    const rows: ClusterReplicationTaskEntity[] = [];
    for (const change of changes) {
      const created = change.eventName.startsWith('ObjectCreated:');
      const released = change.releasedBlobs ?? [];
      for (const rule of rules) {
        if (!change.key.startsWith(rule.prefix)) continue;
        if (!created && (released.length === 0 || !rule.replicateDeletes)) continue;
        for (const target of rule.targetNodeIds) {
          rows.push(
            task(
              rule.id,
              bucket.name,
              change.key,
              created ? (change.storedVersionId ?? 'null') : (change.versionId ?? 'null'),
              target,
              now,
              {
                op: created ? 'put' : 'delete',
                blobIds: released,
              },
            ),
          );
        }
      }
    }
    if (rows.length) await m.insert(ClusterReplicationTaskEntity, rows);
    // Visible once the change commits: the worker looks a moment later (and polls anyway).
    setTimeout(() => this.kick(), 20).unref();
  }

  /** Queues every existing version of the bucket (under the rule's prefix) for `targets`; returns how many rows. */
  private async queueExisting(m: EntityManager, rule: ClusterReplicationRuleEntity, bucketId: string, targets: string[]): Promise<number> {
    const now = Date.now();
    const rows: Array<{ id: number }> = await m.query(
      `INSERT INTO cluster_replication_queue
         (rule_id, bucket_name, object_key, version_id, op, blob_ids, target_node_id, attempts, next_attempt_at, last_error, created_at)
       SELECT $1, $2, o."key", o.version_id, 'put', '[]', t.id, 0, $3, NULL, $3
         FROM objects o CROSS JOIN unnest($4::varchar[]) AS t(id)
        WHERE o.bucket_id = $5 AND o.is_delete_marker = false AND left(o."key", length($6)) = $6
       RETURNING id`,
      [rule.id, rule.bucketName, now, targets, bucketId, rule.prefix],
    );
    await m.update(ClusterReplicationRuleEntity, { id: rule.id }, { lastSyncAt: now });
    return rows.length;
  }

  // --- the worker (on the node holding the bucket) ---

  /** Works the queue now (coalesced: one pass at a time, another right after if asked meanwhile). */
  kick(): void {
    if (!this.nodes.enabled || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err) => this.logger.warn(`cluster replication pass failed: ${err}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    if (Date.now() - this.lastCleanup > CLEANUP_MS) {
      this.lastCleanup = Date.now();
      await this.dropDeletedBuckets();
    }
    for (;;) {
      if (this.stopped) return;
      const tasks = await this.claim();
      if (tasks.length === 0) return;
      const nodes = new Map((await this.nodes.list()).map((n) => [n.id, n]));
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(WORKERS, tasks.length) }, async () => {
          while (next < tasks.length) await this.work(tasks[next++], nodes);
        }),
      );
      if (tasks.length < BATCH) return;
    }
  }

  /** A deleted bucket takes its rules and queued copies with it (its replicas' blobs are unreferenced: the sweep drops them). */
  private async dropDeletedBuckets(): Promise<void> {
    for (const table of ['cluster_replication_queue', 'cluster_replication_rules']) {
      await this.db.dataSource.query(
        `DELETE FROM ${table} t WHERE NOT EXISTS (SELECT 1 FROM buckets b WHERE b.name = t.bucket_name AND b.node_id IS NOT NULL)`,
      );
    }
  }

  /** Due tasks of buckets this node holds, leased to it. */
  private async claim(): Promise<ClusterReplicationTaskEntity[]> {
    const now = Date.now();
    return this.db.tx(async (m) => {
      const ids: Array<{ id: number }> = await m.query(
        `SELECT q.id FROM cluster_replication_queue q JOIN buckets b ON b.name = q.bucket_name
          WHERE b.node_id = $1 AND q.next_attempt_at <= $2
          ORDER BY q.id LIMIT ${BATCH} FOR UPDATE OF q SKIP LOCKED`,
        [this.nodes.nodeId, now],
      );
      if (ids.length === 0) return [];
      const list = ids.map((r) => r.id);
      await m.update(ClusterReplicationTaskEntity, { id: In(list) }, { nextAttemptAt: now + LEASE_MS });
      return m.find(ClusterReplicationTaskEntity, { where: { id: In(list) }, order: { id: 'ASC' } });
    });
  }

  private async work(t: ClusterReplicationTaskEntity, nodes: Map<string, ClusterNodeView>): Promise<void> {
    const target = nodes.get(t.targetNodeId);
    try {
      if (t.targetNodeId === this.nodes.nodeId) {
        // This node holds the bucket now (a migration made it the owner): it has the bytes.
      } else if (!target || target.status === 'left') {
        throw new TransferError(`target node ${t.targetNodeId} is ${target ? 'gone (left the cluster)' : 'not registered'}`, 0);
      } else if (target.health !== 'healthy') {
        throw new TransferError(`target node ${t.targetNodeId} is ${target.health}`, 0);
      } else {
        if (t.op === 'put') {
          const out = await this.transfer.pushVersion(target, { bucket: t.bucketName, key: t.objectKey, versionId: t.versionId });
          if (out.found) this.copied++;
        }
        if (t.blobIds.length) await this.transfer.releaseOn(target, t.blobIds);
      }
      await this.db.repo(ClusterReplicationTaskEntity).delete({ id: t.id });
    } catch (err) {
      this.failures++;
      const attempts = t.attempts + 1;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(attempts, 16));
      const message = (err as Error).message ?? String(err);
      if (attempts === 1 || attempts % 10 === 0) {
        this.logger.warn(
          `copy of ${t.bucketName}/${t.objectKey} (${t.versionId}) to ${t.targetNodeId} failed (attempt ${attempts}): ${message}`,
        );
      }
      await this.db
        .repo(ClusterReplicationTaskEntity)
        .update({ id: t.id }, { attempts, nextAttemptAt: Date.now() + delay, lastError: message.slice(0, 2000) })
        .catch((e) => this.logger.warn(`could not reschedule a replication task: ${e}`));
    }
  }

  // --- helpers ---

  private assertEnabled(): void {
    if (!this.nodes.enabled) {
      throw new DomainError(
        'ClusterConflict',
        'cluster replication needs cluster mode: start every node with CLUSTER_ENABLED=true on one PostgreSQL (DATABASE_URL) and CLUSTER_SECRET',
      );
    }
  }

  private async rule(id: string): Promise<ClusterReplicationRuleEntity> {
    const rule = await this.db.repo(ClusterReplicationRuleEntity).findOne({ where: { id } });
    if (!rule) throw new DomainError('ClusterReplicationRuleNotFound', `no cluster replication rule ${id}`);
    return rule;
  }

  private async bucket(name: string): Promise<BucketEntity> {
    const bucket = await this.db.repo(BucketEntity).findOne({ where: { name } });
    if (!bucket) throw bucketNotFound(name);
    if (bucket.nodeId === null) {
      throw new DomainError(
        'ClusterConflict',
        `bucket ${name} was created before cluster mode and has no owner node: it cannot be replicated`,
      );
    }
    return bucket;
  }

  private async checkTargets(ids: string[], bucket: BucketEntity): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) throw new DomainError('InvalidArgument', 'a rule names at least one target node');
    for (const id of unique) {
      const node = await this.nodes.get(id);
      if (node.id === bucket.nodeId)
        throw new DomainError('InvalidArgument', `node ${id} holds bucket ${bucket.name}: it cannot be its replica`);
      if (node.status === 'left') throw new DomainError('InvalidArgument', `node ${id} has left the cluster`);
    }
    return unique;
  }

  private async views(rules: ClusterReplicationRuleEntity[]): Promise<ReplicationRuleView[]> {
    if (rules.length === 0) return [];
    const counts = await this.db
      .repo(ClusterReplicationTaskEntity)
      .createQueryBuilder('q')
      .select('q.rule_id', 'rule_id')
      .addSelect('q.target_node_id', 'target')
      .addSelect('COUNT(*)', 'n')
      .where('q.rule_id IN (:...ids)', { ids: rules.map((r) => r.id) })
      .groupBy('q.rule_id')
      .addGroupBy('q.target_node_id')
      .getRawMany<{ rule_id: string; target: string; n: string }>();
    return rules.map((r) => {
      const pending: Record<string, number> = {};
      for (const t of r.targetNodeIds) pending[t] = 0;
      for (const c of counts) if (c.rule_id === r.id) pending[c.target] = Number(c.n);
      return {
        id: r.id,
        bucket: r.bucketName,
        targetNodeIds: r.targetNodeIds,
        prefix: r.prefix,
        enabled: r.enabled,
        replicateDeletes: r.replicateDeletes,
        syncIntervalSeconds: r.syncIntervalSeconds,
        lastSyncAt: r.lastSyncAt === null ? null : new Date(r.lastSyncAt),
        createdAt: new Date(r.createdAt),
        updatedAt: new Date(r.updatedAt),
        pending,
      };
    });
  }
}

function task(
  ruleId: string,
  bucketName: string,
  key: string,
  versionId: string,
  targetNodeId: string,
  now: number,
  what: Pick<ClusterReplicationTaskEntity, 'op' | 'blobIds'>,
): ClusterReplicationTaskEntity {
  return Object.assign(new ClusterReplicationTaskEntity(), {
    ruleId,
    bucketName,
    objectKey: key,
    versionId,
    targetNodeId,
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    createdAt: now,
    ...what,
  });
}
