import { Injectable, Optional } from '@nestjs/common';
import { EntityManager, In, MoreThan } from 'typeorm';
import { ALL_ENTRIES, CacheInvalidation } from '../common/cache-invalidation';
import { Clock } from '../common/clock';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { IdGenerator } from '../common/ids';
import { DatabaseService } from '../database/database.service';
import { BucketsService } from './buckets.service';
import { CorsRule, validateCorsRules } from './cors-configuration';
import { BucketConfigEntity, BucketConfigKind } from './entities/bucket-config.entity';
import { BucketEntity } from './entities/bucket.entity';
import { InventoryConfiguration, InventoryConfigurationInput, normalizeInventoryConfiguration } from './inventory-configuration';
import { LifecycleRule, LifecycleRuleInput, validateLifecycleRules } from './lifecycle-configuration';
import { assertNoOverlap, NotificationRule, NotificationRuleInput, validateNotificationRules } from './notification-configuration';
import type { ReplicationRule } from './replication-configuration';
import { Tag, validateBucketTags } from './tags';

/** The domain error of a GET on a configuration a bucket does not have (the others read as empty or null). */
const NOT_FOUND: Record<'cors' | 'tagging' | 'lifecycle' | 'encryption', DomainErrorCode> = {
  cors: 'CorsConfigurationNotFound',
  encryption: 'EncryptionConfigurationNotFound',
  tagging: 'TagSetNotFound',
  lifecycle: 'LifecycleConfigurationNotFound',
};

/** A bucket's default encryption (PutBucketEncryption): SSE-S3, or SSE-KMS with a key (none = the default KMS key). */
export interface BucketEncryption {
  algorithm: 'AES256' | 'aws:kms';
  /** aws:kms: KMSMasterKeyID as given (key id, key ARN or alias). */
  kmsMasterKeyId?: string;
  bucketKeyEnabled?: boolean;
}

/** A bucket that has an inventory configuration: the inventory scheduler's unit of work. */
export interface InventoryBucket {
  bucketId: string;
  bucketName: string;
  config: InventoryConfiguration;
}

/** A bucket that has a lifecycle configuration: the lifecycle worker's unit of work. */
export interface LifecycleBucket {
  bucketId: string;
  bucketName: string;
  rules: LifecycleRule[];
}

/**
 * A bucket's configuration documents: CORS rules, tag set, lifecycle rules, notification rules and
 * the inventory configuration (validated here, so that the S3 layer and the console apply the same rules). CORS and lifecycle rules are read on
 * hot paths (every request with an Origin; every GetObject), so they are cached briefly per bucket.
 */
@Injectable()
export class BucketConfigService {
  private readonly cache = new Map<string, { value: unknown; expires: number }>();
  static readonly CACHE_TTL_MS = 2_000;
  private static readonly CACHE_MAX = 10_000;

  constructor(
    private readonly db: DatabaseService,
    private readonly buckets: BucketsService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Optional() private readonly invalidation?: CacheInvalidation,
  ) {
    this.invalidation?.on('bucket-config', (key) => this.drop(key));
  }

  /** Bumped by every drop: a read that started before a drop does not cache what it read. */
  private generation = 0;
  /** Reads in flight (outside transactions) by key: the requests that miss the cache together share one. */
  private readonly reads = new Map<string, Promise<unknown>>();

  /** Drops a cache entry and its read in flight (ALL_ENTRIES: all of them) on this node. */
  private drop(key: string): void {
    this.generation++;
    if (key === ALL_ENTRIES) {
      this.cache.clear();
      this.reads.clear();
    } else {
      this.cache.delete(key);
      this.reads.delete(key);
    }
  }

  /** Drops `<bucket id>/<kind>` from the cache of this node and of every other node (after a committed change). */
  private forget(key: string): void {
    if (this.invalidation) this.invalidation.invalidate('bucket-config', key);
    else this.drop(key);
  }

  async getCors(bucket: string): Promise<CorsRule[]> {
    return this.read<CorsRule[]>(bucket, 'cors');
  }

  async putCors(bucket: string, rules: CorsRule[]): Promise<void> {
    validateCorsRules(rules);
    await this.write(bucket, 'cors', rules);
  }

  async deleteCors(bucket: string): Promise<void> {
    await this.remove(bucket, 'cors');
  }

  /** The CORS rules to evaluate a request against (cached), or null when the bucket has none. */
  corsRules(bucket: string): Promise<readonly CorsRule[] | null> {
    return this.cached<CorsRule[]>(bucket, 'cors');
  }

  async getTagging(bucket: string): Promise<Tag[]> {
    return this.read<Tag[]>(bucket, 'tagging');
  }

  /** Replaces the tag set; an empty set removes it, as S3 does. */
  async putTagging(bucket: string, tags: Tag[]): Promise<void> {
    validateBucketTags(tags);
    if (tags.length === 0) await this.remove(bucket, 'tagging');
    else await this.write(bucket, 'tagging', tags);
  }

  async deleteTagging(bucket: string): Promise<void> {
    await this.remove(bucket, 'tagging');
  }

  async getLifecycle(bucket: string): Promise<LifecycleRule[]> {
    return this.read<LifecycleRule[]>(bucket, 'lifecycle');
  }

  /** Validates and replaces the lifecycle rules; a rule without an ID gets one, as S3 gives it. */
  async putLifecycle(bucket: string, rules: LifecycleRuleInput[]): Promise<LifecycleRule[]> {
    validateLifecycleRules(rules);
    const stored = rules.map((r) => ({ ...r, id: r.id ?? Buffer.from(this.ids.uuid()).toString('base64') }));
    await this.write(bucket, 'lifecycle', stored);
    return stored;
  }

  async deleteLifecycle(bucket: string): Promise<void> {
    await this.remove(bucket, 'lifecycle');
  }

  /** The lifecycle rules (cached), or null when the bucket has none. */
  lifecycleRules(bucket: string): Promise<readonly LifecycleRule[] | null> {
    return this.cached<LifecycleRule[]>(bucket, 'lifecycle');
  }

  /** Buckets with a lifecycle configuration, by bucket id after `afterId`, at most `limit`. */
  async lifecycleBuckets(afterId: string, limit: number): Promise<LifecycleBucket[]> {
    const rows = await this.bucketsWith('lifecycle', afterId, limit);
    return rows.map((r) => ({ bucketId: r.bucketId, bucketName: r.bucketName, rules: r.document as LifecycleRule[] }));
  }

  /** The default encryption of the bucket's new objects (PutBucketEncryption); EncryptionConfigurationNotFound when none. */
  async getEncryption(bucket: string): Promise<BucketEncryption> {
    return this.read<BucketEncryption>(bucket, 'encryption');
  }

  async putEncryption(bucket: string, config: BucketEncryption): Promise<void> {
    if (config.algorithm !== 'AES256' && config.algorithm !== 'aws:kms') {
      throw new DomainError('InvalidArgument', 'The encryption method specified is not supported');
    }
    const stored: BucketEncryption = { algorithm: config.algorithm, bucketKeyEnabled: config.bucketKeyEnabled ?? false };
    if (config.algorithm === 'aws:kms' && config.kmsMasterKeyId) stored.kmsMasterKeyId = config.kmsMasterKeyId;
    await this.write(bucket, 'encryption', stored);
  }

  async deleteEncryption(bucket: string): Promise<void> {
    await this.remove(bucket, 'encryption');
  }

  /** The default encryption applied to writes that ask for none (cached), or null. */
  defaultEncryption(bucket: string): Promise<Readonly<BucketEncryption> | null> {
    return this.cached<BucketEncryption>(bucket, 'encryption');
  }

  /**
   * The notification rules; none is an empty list (S3 answers an empty NotificationConfiguration).
   * src/events delivers the events.
   */
  async getNotification(bucket: string): Promise<NotificationRule[]> {
    return (await this.readOptional<NotificationRule[]>(bucket, 'notification')) ?? [];
  }

  /** Validates and replaces the notification rules (a rule without an id gets one); an empty list removes them. */
  async putNotification(bucket: string, rules: NotificationRuleInput[]): Promise<NotificationRule[]> {
    validateNotificationRules(rules);
    const stored = rules.map((r) => ({ ...r, id: r.id ?? Buffer.from(this.ids.uuid()).toString('base64') }));
    assertNoOverlap(stored);
    if (stored.length === 0) await this.remove(bucket, 'notification');
    else await this.write(bucket, 'notification', stored);
    return stored;
  }

  async deleteNotification(bucket: string): Promise<void> {
    await this.remove(bucket, 'notification');
  }

  /** The inventory configuration, or null when the bucket has none. */
  async getInventory(bucket: string): Promise<InventoryConfiguration | null> {
    return this.readOptional<InventoryConfiguration>(bucket, 'inventory');
  }

  /**
   * Validates and replaces the inventory configuration. The destination bucket must exist and
   * belong to the same tenant as the bucket (a report never leaves its tenant). When the last
   * report was written is kept.
   */
  async putInventory(bucket: string, input: InventoryConfigurationInput): Promise<InventoryConfiguration> {
    const config = normalizeInventoryConfiguration(input);
    const source = await this.buckets.entity(bucket);
    let destination: BucketEntity;
    try {
      destination = await this.buckets.entity(config.destinationBucket);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'BucketNotFound') {
        throw new DomainError('InvalidArgument', `The destination bucket ${config.destinationBucket} does not exist`);
      }
      throw err;
    }
    if (destination.tenantId !== source.tenantId) {
      throw new DomainError('InvalidArgument', 'The destination bucket must belong to the same tenant as the bucket');
    }
    const previous = await this.getInventory(bucket);
    const stored: InventoryConfiguration = { ...config, ...(previous?.lastRunAt !== undefined ? { lastRunAt: previous.lastRunAt } : {}) };
    await this.write(bucket, 'inventory', stored);
    return stored;
  }

  async deleteInventory(bucket: string): Promise<void> {
    await this.remove(bucket, 'inventory');
  }

  /** Records when a report was written (the schedule counts from it); a configuration deleted meanwhile stays deleted. */
  async markInventoryRun(bucketName: string, at: number): Promise<void> {
    const bucket = await this.buckets.entity(bucketName);
    await this.db.tx(async (m) => {
      const row = await m.findOneBy(BucketConfigEntity, { bucketId: bucket.id, kind: 'inventory' });
      if (!row) return;
      const document = { ...(row.document as InventoryConfiguration), lastRunAt: at };
      await m.update(BucketConfigEntity, { bucketId: bucket.id, kind: 'inventory' }, { document, updatedAt: this.clock.now().getTime() });
    });
  }

  /**
   * Claims a scheduled inventory run: when `isDue` holds for the stored configuration, records `at`
   * as its last run with one compare-and-swap UPDATE on the stored document, so that of several
   * nodes sharing the database exactly one wins. Returns the configuration when this caller won.
   */
  async claimInventoryRun(
    bucketId: string,
    isDue: (c: InventoryConfiguration) => boolean,
    at: number,
  ): Promise<InventoryConfiguration | null> {
    const row = await this.db.repo(BucketConfigEntity).findOneBy({ bucketId, kind: 'inventory' });
    if (!row || !isDue(row.document as InventoryConfiguration)) return null;
    const next: InventoryConfiguration = { ...(row.document as InventoryConfiguration), lastRunAt: at };
    const res = await this.db.tx((m) =>
      m
        .createQueryBuilder()
        .update(BucketConfigEntity)
        .set({ document: next, updatedAt: at })
        .where('bucket_id = :bucketId AND kind = :kind AND document = :previous', {
          bucketId,
          kind: 'inventory',
          // jsonText stores JSON.stringify(document); parsing keeps the key order, so this is the stored text.
          previous: JSON.stringify(row.document),
        })
        .execute(),
    );
    return res.affected ? next : null;
  }

  /** Buckets with an inventory configuration, by bucket id after `afterId`, at most `limit`. */
  async inventoryBuckets(afterId: string, limit: number): Promise<InventoryBucket[]> {
    const rows = await this.bucketsWith('inventory', afterId, limit);
    return rows.map((r) => ({ bucketId: r.bucketId, bucketName: r.bucketName, config: r.document as InventoryConfiguration }));
  }

  /** Rows of one kind by bucket id after `afterId`, with their bucket's name; rows of deleted buckets are skipped. */
  private async bucketsWith(
    kind: BucketConfigKind,
    afterId: string,
    limit: number,
  ): Promise<Array<BucketConfigEntity & { bucketName: string }>> {
    const rows = await this.db.repo(BucketConfigEntity).find({
      where: { kind, bucketId: MoreThan(afterId) },
      order: { bucketId: 'ASC' },
      take: limit,
    });
    if (rows.length === 0) return [];
    const buckets = await this.db
      .repo(BucketEntity)
      .find({ select: { id: true, name: true }, where: { id: In(rows.map((r) => r.bucketId)) } });
    const names = new Map(buckets.map((b) => [b.id, b.name]));
    // A row whose bucket is gone (deleted meanwhile) is skipped; the bucket's deletion removes it.
    return rows.filter((r) => names.has(r.bucketId)).map((r) => Object.assign(r, { bucketName: names.get(r.bucketId)! }));
  }

  private async readOptional<T>(bucketName: string, kind: BucketConfigKind): Promise<T | null> {
    const bucket = await this.buckets.entity(bucketName);
    const row = await this.db.repo(BucketConfigEntity).findOneBy({ bucketId: bucket.id, kind });
    return row ? (row.document as T) : null;
  }

  private async read<T>(bucketName: string, kind: keyof typeof NOT_FOUND): Promise<T> {
    const bucket = await this.buckets.entity(bucketName);
    const row = await this.db.repo(BucketConfigEntity).findOneBy({ bucketId: bucket.id, kind });
    if (!row) throw new DomainError(NOT_FOUND[kind], undefined, { bucket: bucketName });
    return row.document as T;
  }

  /** The replication rules (src/replication validates them); none is an empty list. */
  async getReplication(bucket: string): Promise<ReplicationRule[]> {
    return (await this.readOptional<ReplicationRule[]>(bucket, 'replication')) ?? [];
  }

  /** Replaces the replication rules; an empty list removes them. */
  async putReplication(bucket: string, rules: ReplicationRule[]): Promise<void> {
    if (rules.length === 0) await this.remove(bucket, 'replication');
    else await this.write(bucket, 'replication', rules);
  }

  /** The replication rules of a bucket (cached briefly), or null: read inside the transaction of every object change. */
  replicationRulesOf(bucketId: string, m?: EntityManager): Promise<readonly ReplicationRule[] | null> {
    return this.cachedById<ReplicationRule[]>(bucketId, 'replication', m);
  }

  /**
   * The notification rules of a bucket (cached briefly), or null: read inside the transaction of
   * every object change, so a bucket without a configuration costs a map lookup.
   */
  notificationRulesOf(bucketId: string, m?: EntityManager): Promise<readonly NotificationRule[] | null> {
    return this.cachedById<NotificationRule[]>(bucketId, 'notification', m);
  }

  private async cached<T>(bucketName: string, kind: BucketConfigKind): Promise<T | null> {
    const bucket = await this.buckets.entity(bucketName);
    return this.cachedById<T>(bucket.id, kind);
  }

  private async cachedById<T>(bucketId: string, kind: BucketConfigKind, m?: EntityManager): Promise<T | null> {
    const key = `${bucketId}/${kind}`;
    const hit = this.cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.value as T | null;
    // In a transaction the caller reads on its own connection; outside, concurrent misses share one read.
    if (m) return this.readThrough<T>(key, bucketId, kind, m);
    let read = this.reads.get(key) as Promise<T | null> | undefined;
    if (!read) {
      read = this.readThrough<T>(key, bucketId, kind).finally(() => {
        if (this.reads.get(key) === read) this.reads.delete(key);
      });
      this.reads.set(key, read);
    }
    return read;
  }

  private async readThrough<T>(key: string, bucketId: string, kind: BucketConfigKind, m?: EntityManager): Promise<T | null> {
    const now = Date.now();
    const generation = this.generation;
    const row = await this.db.findOne(BucketConfigEntity, { bucketId, kind }, m);
    if (generation !== this.generation) return row ? (row.document as T) : null;
    if (this.cache.size >= BucketConfigService.CACHE_MAX) this.cache.clear();
    this.cache.set(key, { value: row ? row.document : null, expires: now + BucketConfigService.CACHE_TTL_MS });
    return row ? (row.document as T) : null;
  }

  private async write(bucketName: string, kind: BucketConfigKind, document: object): Promise<void> {
    const bucket = await this.buckets.entity(bucketName);
    await this.db.tx(async (m) => {
      if (!(await m.existsBy(BucketEntity, { id: bucket.id }))) throw new DomainError('BucketNotFound', undefined, { bucket: bucketName });
      await m.upsert(BucketConfigEntity, { bucketId: bucket.id, kind, document, updatedAt: this.clock.now().getTime() }, [
        'bucketId',
        'kind',
      ]);
    });
    this.forget(`${bucket.id}/${kind}`);
  }

  /** Deleting what is not there is not an error (S3 answers 204). */
  private async remove(bucketName: string, kind: BucketConfigKind): Promise<void> {
    const bucket = await this.buckets.entity(bucketName);
    await this.db.tx((m) => m.delete(BucketConfigEntity, { bucketId: bucket.id, kind }));
    this.forget(`${bucket.id}/${kind}`);
  }
}
