import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { EntityManager, In, MoreThan } from 'typeorm';
import { bucketNotFound } from '../buckets/bucket.errors';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { CacheInvalidation } from '../common/cache-invalidation';
import { DomainError } from '../common/domain-error';
import { DatabaseService } from '../database/database.service';
import { ObjectEntity } from '../objects/entities/object.entity';
import { BlobEntity } from '../storage/blob.entity';
import { BlobStore } from '../storage/blob-store.service';
import { ClusterNodesService } from './cluster-nodes.service';
import { ACTIVE_MIGRATION, ClusterMigrationEntity, MigrationStatus } from './entities/cluster-migration.entity';
import { ObjectTransferService, TransferTarget } from './object-transfer.service';

/** How often a node looks for migrations to run (it is their source) or source copies to delete. */
const TICK_MS = 1_000;
/** Object rows read per page of a copy pass. */
const PAGE = 500;
/** A copy pass that sent at most this many blobs is followed by the owner switch (the rest is copied while writes are fenced). */
const CATCH_UP_THRESHOLD = 8;
const MAX_PASSES = 20;
/** Longest a fence holds writes back; a switch not done by then is retried (writes may have slipped in). */
const FENCE_MS = 15_000;
const DEFAULT_CLEANUP_DELAY_S = 30;
/** A run that fails (the target unreachable, say) is tried again this many times, backing off, before the migration is failed. */
const MAX_ATTEMPTS = 5;
const RETRY_BASE_MS = 2_000;

export interface StartMigrationInput {
  bucket: string;
  targetNode: string;
  deleteSource?: boolean;
  /** How long after the switch the source node deletes its copy (reads that started before it still finish). */
  cleanupDelaySeconds?: number;
  requestedBy?: string;
}

export interface MigrationListFilter {
  bucket?: string;
  status?: MigrationStatus;
}

/**
 * Bucket migrations: a bucket moves to another node under live traffic. The source node (the one
 * holding the bytes) runs it, persisted in `cluster_migrations` so that a restart resumes it:
 * 1. copying: every blob the bucket references (all object versions, in-progress multipart parts)
 *    is streamed to the target under the same id (ObjectTransferService); passes repeat, each
 *    sending only what the target lacks (writes made meanwhile), until one sends little;
 * 2. switching: writes are fenced (buckets.write_fence, taken under the bucket row's lock, which
 *    waits for commits in flight; writes committing after it answer 503 Retry-After), the last
 *    blobs are copied, and in ONE transaction the owner becomes the target and the fence goes;
 *    every node's bucket caches are dropped (LISTEN/NOTIFY);
 * 3. cleanup: after a delay (reads already streaming from the source finish), the source node
 *    deletes its copies of the bucket's blobs; the migration is completed.
 * The catalog (PostgreSQL) is shared: no metadata moves, only bytes.
 */
@Injectable()
export class BucketMigrationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BucketMigrationService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  /** Failed runs of a migration in this process, and when it may be tried again. */
  private readonly retries = new Map<string, { attempts: number; notBefore: number }>();

  constructor(
    private readonly db: DatabaseService,
    private readonly nodes: ClusterNodesService,
    private readonly transfer: ObjectTransferService,
    private readonly blobs: BlobStore,
    @Optional() private readonly invalidation?: CacheInvalidation,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.nodes.enabled) return;
    this.timer = setInterval(() => {
      if (this.running || this.stopped) return;
      this.running = this.tick()
        .catch((err) => this.logger.error(`migration worker: ${(err as Error).message}`))
        .finally(() => (this.running = undefined));
    }, TICK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Records a migration of `bucket` to `targetNode`; its source node starts it within a second. */
  async start(input: StartMigrationInput): Promise<ClusterMigrationEntity> {
    if (!this.nodes.enabled) {
      throw new DomainError('ClusterConflict', 'bucket migrations need cluster mode (CLUSTER_ENABLED=true on PostgreSQL)');
    }
    const target = await this.nodes.get(input.targetNode);
    if (target.status !== 'active' || target.health !== 'healthy') {
      throw new DomainError(
        'ClusterConflict',
        `node ${target.id} is ${target.status}/${target.health}: a bucket can only move to a healthy active node`,
      );
    }
    const delay = input.cleanupDelaySeconds ?? DEFAULT_CLEANUP_DELAY_S;
    if (!Number.isInteger(delay) || delay < 0 || delay > 86_400) {
      throw new DomainError('InvalidArgument', 'cleanup_delay_seconds must be an integer from 0 to 86400');
    }
    return this.db.tx(async (m) => {
      const bucket = await m.findOne(BucketEntity, { where: { name: input.bucket }, lock: { mode: 'pessimistic_write' } });
      if (!bucket) throw bucketNotFound(input.bucket);
      if (!bucket.nodeId) {
        throw new DomainError(
          'ClusterConflict',
          `bucket ${bucket.name} has no owner node (created before cluster mode): it cannot be moved`,
        );
      }
      if (bucket.nodeId === target.id)
        throw new DomainError('ClusterConflict', `bucket ${bucket.name} is already held by node ${target.id}`);
      const active = await m.findOne(ClusterMigrationEntity, { where: { bucketId: bucket.id, status: In(ACTIVE_MIGRATION) } });
      if (active)
        throw new DomainError('ClusterConflict', `bucket ${bucket.name} is already moving (migration ${active.id}, ${active.status})`);
      const now = Date.now();
      const row = Object.assign(new ClusterMigrationEntity(), {
        id: randomUUID(),
        bucket: bucket.name,
        bucketId: bucket.id,
        sourceNode: bucket.nodeId,
        targetNode: target.id,
        status: 'pending' as MigrationStatus,
        deleteSource: input.deleteSource ?? true,
        objectsTotal: 0,
        blobsTotal: 0,
        blobsCopied: 0,
        bytesCopied: 0,
        passes: 0,
        fencedMs: null,
        error: '',
        requestedBy: (input.requestedBy ?? '').slice(0, 128),
        createdAt: now,
        updatedAt: now,
        startedAt: null,
        switchedAt: null,
        cleanupDelaySeconds: delay,
        cleanupAfter: null,
        completedAt: null,
      });
      await m.insert(ClusterMigrationEntity, row);
      return row;
    });
  }

  async get(id: string): Promise<ClusterMigrationEntity> {
    const row = /^[0-9a-f-]{36}$/.test(id) ? await this.db.repo(ClusterMigrationEntity).findOneBy({ id }) : null;
    if (!row) throw new DomainError('ClusterMigrationNotFound', `migration ${id} does not exist`);
    return row;
  }

  list(filter: MigrationListFilter = {}): Promise<ClusterMigrationEntity[]> {
    const where: Record<string, unknown> = {};
    if (filter.bucket) where.bucket = filter.bucket;
    if (filter.status) where.status = filter.status;
    return this.db.repo(ClusterMigrationEntity).find({ where, order: { createdAt: 'DESC' }, take: 1000 });
  }

  /** One round of the worker: the migrations this node is the source of, then due cleanups. */
  async tick(): Promise<void> {
    const self = this.nodes.nodeId;
    const mine = await this.db.repo(ClusterMigrationEntity).find({
      where: { sourceNode: self, status: In(['pending', 'copying', 'switching', 'cleanup']) },
      order: { createdAt: 'ASC' },
    });
    for (const row of mine) {
      if (this.stopped) return;
      if (row.status === 'cleanup') {
        if ((row.cleanupAfter ?? 0) <= Date.now()) await this.cleanup(row);
        continue;
      }
      const retry = this.retries.get(row.id);
      if (retry && retry.notBefore > Date.now()) continue;
      try {
        await this.run(row);
        this.retries.delete(row.id);
      } catch (err) {
        await this.failed(row, err, retry?.attempts ?? 0);
      }
    }
  }

  private async run(row: ClusterMigrationEntity): Promise<void> {
    const target = await this.nodes.get(row.targetNode);
    await this.update(row, { status: 'copying', startedAt: row.startedAt ?? Date.now(), error: '' });
    const onTarget = new Set<string>();
    // Copy passes: the first sends everything, the next ones what was written meanwhile.
    for (;;) {
      const sent = await this.pass(row, target, onTarget);
      if (sent <= CATCH_UP_THRESHOLD || row.passes >= MAX_PASSES) break;
    }
    // The switch: fence writes, copy the rest, move the owner in one transaction.
    for (let attempt = 1; ; attempt++) {
      const fencedAt = await this.fence(row);
      await this.update(row, { status: 'switching' });
      await this.pass(row, target, onTarget);
      if (await this.switchOwner(row, fencedAt)) break;
      if (attempt >= 3) throw new Error('the owner switch did not finish within the write fence three times');
    }
    this.invalidation?.invalidate('bucket', row.bucket);
    this.logger.log(
      `bucket ${row.bucket} moved ${row.sourceNode} → ${row.targetNode}: ${row.blobsCopied} blob(s), ${row.bytesCopied} bytes, ` +
        `${row.passes} pass(es), writes fenced ${row.fencedMs} ms`,
    );
  }

  /**
   * Sends to the target every blob of the bucket it lacks; returns how many were sent. The
   * progress (totals, copied, passes) is saved at the end of the pass.
   */
  private async pass(row: ClusterMigrationEntity, target: TransferTarget, onTarget: Set<string>): Promise<number> {
    let sent = 0;
    let objects = 0;
    let blobsTotal = 0;
    const send = async (ids: string[]) => {
      blobsTotal += ids.length;
      const missing = ids.filter((id) => !onTarget.has(id));
      if (missing.length === 0) return;
      const held = new Set(await this.transfer.heldBy(target, missing));
      const sizes = await this.sizes(missing.filter((id) => !held.has(id)));
      for (const id of missing) {
        if (this.stopped) throw new Error('node shutting down');
        if (held.has(id)) {
          onTarget.add(id);
          continue;
        }
        const size = sizes.get(id);
        if (size === undefined) continue; // released since the row was read (its version was deleted)
        try {
          if (!(await this.transfer.pushBlob(target, { id, size }))) continue;
        } catch (err) {
          // Deleted meanwhile (registry row gone): nothing to move; otherwise a real failure.
          if ((await this.sizes([id])).size === 0) continue;
          throw err;
        }
        onTarget.add(id);
        sent++;
        row.blobsCopied++;
        row.bytesCopied += size;
      }
    };
    for await (const page of this.blobPages(row.bucketId)) {
      objects += page.objects;
      await send(page.ids);
    }
    await this.update(row, {
      objectsTotal: objects,
      blobsTotal,
      blobsCopied: row.blobsCopied,
      bytesCopied: row.bytesCopied,
      passes: row.passes + 1,
    });
    return sent;
  }

  /** Sets the bucket's write fence under its row lock (waits for the commits in flight); returns when it was set. */
  private async fence(row: ClusterMigrationEntity): Promise<number> {
    return this.db.tx(async (m) => {
      const bucket = await this.lockBucket(m, row);
      const now = Date.now();
      await m.update(BucketEntity, { id: bucket.id }, { writeFence: now + FENCE_MS });
      return now;
    });
  }

  /** The owner switch, in one transaction; false when the fence ran out first (writes may have committed since). */
  private async switchOwner(row: ClusterMigrationEntity, fencedAt: number): Promise<boolean> {
    return this.db.tx(async (m) => {
      const bucket = await this.lockBucket(m, row);
      const now = Date.now();
      if (bucket.writeFence === null || bucket.writeFence <= now) return false;
      await m.update(BucketEntity, { id: bucket.id }, { nodeId: row.targetNode, writeFence: null });
      const changes = {
        status: 'cleanup' as MigrationStatus,
        switchedAt: now,
        fencedMs: now - fencedAt,
        cleanupAfter: now + row.cleanupDelaySeconds * 1000,
        updatedAt: now,
      };
      await m.update(ClusterMigrationEntity, { id: row.id }, changes);
      Object.assign(row, changes);
      return true;
    });
  }

  private async lockBucket(m: EntityManager, row: ClusterMigrationEntity): Promise<BucketEntity> {
    const bucket = await m.findOne(BucketEntity, { where: { id: row.bucketId }, lock: { mode: 'pessimistic_write' } });
    if (!bucket) throw new Error(`bucket ${row.bucket} was deleted`);
    if (bucket.nodeId !== row.sourceNode) throw new Error(`bucket ${row.bucket} is held by ${bucket.nodeId} now, not by ${row.sourceNode}`);
    return bucket;
  }

  /** Deletes this (source) node's copies of the bucket's blobs, once the owner is another node. */
  private async cleanup(row: ClusterMigrationEntity): Promise<void> {
    const bucket = await this.db.repo(BucketEntity).findOneBy({ id: row.bucketId });
    if (row.deleteSource && bucket && bucket.nodeId !== this.nodes.nodeId) {
      let removed = 0;
      for await (const page of this.blobPages(row.bucketId)) {
        await this.blobs.deleteLocal(page.ids);
        removed += page.ids.length;
      }
      this.logger.log(`bucket ${row.bucket}: deleted this node's copy (${removed} blob(s)) after its move to ${row.targetNode}`);
    }
    // Blobs deleted from the bucket since the copy have no registry row: the orphan sweep takes them.
    await this.update(row, { status: 'completed', completedAt: Date.now() });
  }

  /**
   * A run broke off: writes are unfenced at once; the run is tried again later (its passes skip
   * what the target holds already), the migration failed after MAX_ATTEMPTS. A node shutting down
   * leaves it as it is: the next boot resumes it.
   */
  private async failed(row: ClusterMigrationEntity, err: unknown, attemptsBefore: number): Promise<void> {
    const message = ((err as Error)?.message ?? String(err)).slice(0, 1024);
    // Writes must not stay fenced by a run that is not running.
    await this.db.dataSource.query('UPDATE buckets SET write_fence = NULL WHERE id = $1 AND node_id = $2', [row.bucketId, row.sourceNode]);
    if (this.stopped) return;
    const attempts = attemptsBefore + 1;
    if (attempts < MAX_ATTEMPTS) {
      this.logger.warn(`migration ${row.id} of bucket ${row.bucket}: attempt ${attempts} broke off (${message}); trying again`);
      this.retries.set(row.id, { attempts, notBefore: Date.now() + RETRY_BASE_MS * 2 ** (attempts - 1) });
      await this.update(row, { error: message }).catch(() => undefined);
      return;
    }
    this.retries.delete(row.id);
    this.logger.error(`migration ${row.id} of bucket ${row.bucket} failed after ${attempts} attempts: ${message}`);
    await this.update(row, { status: 'failed', error: message, completedAt: Date.now() }).catch(() => undefined);
  }

  /**
   * The blobs a bucket references, page by page: those of every object version (`objects`: how
   * many versions the page holds), then the parts of multipart uploads in progress (completed
   * later on whichever node then holds the bucket: their bytes move too).
   */
  private async *blobPages(bucketId: string): AsyncGenerator<{ ids: string[]; objects: number }> {
    let after = '';
    for (;;) {
      const page = await this.db.repo(ObjectEntity).find({
        select: { id: true, manifest: true },
        where: { bucketId, id: MoreThan(after) },
        order: { id: 'ASC' },
        take: PAGE,
      });
      if (page.length === 0) break;
      after = page[page.length - 1].id;
      yield { ids: page.flatMap((o) => o.manifest.map((e) => e.b)), objects: page.length };
    }
    const parts: Array<{ blob_id: string }> = await this.db.dataSource.query(
      'SELECT p.blob_id FROM upload_parts p JOIN multipart_uploads u ON u.upload_id = p.upload_id WHERE u.bucket_id = $1',
      [bucketId],
    );
    for (let i = 0; i < parts.length; i += PAGE) yield { ids: parts.slice(i, i + PAGE).map((p) => p.blob_id), objects: 0 };
  }

  private async update(row: ClusterMigrationEntity, changes: Partial<ClusterMigrationEntity>): Promise<void> {
    const at = { ...changes, updatedAt: Date.now() };
    await this.db.repo(ClusterMigrationEntity).update({ id: row.id }, at);
    Object.assign(row, at);
  }

  private async sizes(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.repo(BlobEntity).find({ select: { id: true, size: true }, where: { id: In(ids) } });
    return new Map(rows.map((b) => [b.id, b.size]));
  }
}
