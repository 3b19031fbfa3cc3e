import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ALL_ENTRIES, CacheInvalidation } from '../common/cache-invalidation';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { IdGenerator } from '../common/ids';
import { DatabaseService } from '../database/database.service';
import { Principal } from '../iam/principal';
import { MultipartUploadEntity } from '../multipart/entities/multipart-upload.entity';
import { UploadPartEntity } from '../multipart/entities/upload-part.entity';
import { ObjectEntity } from '../objects/entities/object.entity';
import type { DefaultRetention } from '../objects/object-lock';
import { BlobStore } from '../storage/blob-store.service';
import { bucketNotFound } from './bucket.errors';
import { BucketPlacement } from './bucket-placement';
import { TenantsService } from '../tenants/tenants.service';
import type { AclGrant } from '../iam/acl/acl';
import { And, EntityManager, FindOperator, FindOptionsWhere, IsNull, Like, MoreThan } from 'typeorm';
import { bucketNameProblem } from './bucket-name';
import { BucketConfigEntity } from './entities/bucket-config.entity';
import { ObjectOwnership, ownerOnlyGrants, PublicAccessBlock } from './bucket-controls';
import { BucketEntity } from './entities/bucket.entity';
import { NotificationBus } from '../notifications/notification-bus';
import { NOTIFICATION } from '../notifications/notification.types';

export type VersioningStatus = 'Enabled' | 'Suspended';

/** A bucket's object lock configuration (object lock enabled, with an optional default retention). */
export interface ObjectLockConfiguration {
  enabled: true;
  defaultRetention: DefaultRetention | null;
}

export interface BucketInfo {
  id: string;
  name: string;
  ownerId: string;
  /** The owning tenant; null for buckets of global users. */
  tenantId: string | null;
  region: string;
  createdAt: Date;
  objectLockEnabled: boolean;
  versioning: 'Enabled' | 'Suspended' | null;
  /** Cluster mode: the node holding the bucket's bytes; null on a single node. */
  nodeId: string | null;
}

const toInfo = (b: BucketEntity): BucketInfo => ({
  id: b.id,
  name: b.name,
  ownerId: b.ownerId,
  tenantId: b.tenantId,
  region: b.region,
  createdAt: new Date(b.createdAt),
  objectLockEnabled: b.objectLockEnabled,
  versioning: b.versioning,
  nodeId: b.nodeId ?? null,
});

@Injectable()
export class BucketsService {
  /** Bucket rows change rarely and are read on every request: a short cache by name. */
  private readonly cache = new Map<string, { value: BucketEntity | null; expires: number }>();
  private static readonly CACHE_TTL_MS = 2_000;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly tenants: TenantsService,
    @Optional() private readonly notifications?: NotificationBus,
    @Optional() private readonly invalidation?: CacheInvalidation,
    @Optional() private readonly placement?: BucketPlacement,
  ) {
    this.invalidation?.on('bucket', (name) => this.drop(name));
  }

  /** Bumped by every drop: a lookup that started before a drop does not cache what it read. */
  private generation = 0;
  /** Lookups in flight by name: the requests that miss the cache together share one (no herd at expiry). */
  private readonly lookups = new Map<string, Promise<BucketEntity | null>>();

  /** Drops a bucket's cache entry and lookup in flight (ALL_ENTRIES: every bucket's) on this node. */
  private drop(name: string): void {
    this.generation++;
    if (name === ALL_ENTRIES) {
      this.cache.clear();
      this.lookups.clear();
    } else {
      this.cache.delete(name);
      this.lookups.delete(name);
    }
  }

  /** Drops a bucket's row from the cache of this node and of every other node (after a committed change). */
  private forget(name: string): void {
    if (this.invalidation) this.invalidation.invalidate('bucket', name);
    else this.drop(name);
  }

  async create(
    principal: Principal,
    name: string,
    opts: {
      region?: string;
      objectLock?: boolean;
      acl?: AclGrant[] | null;
      /**
       * S3 in us-east-1: creating a bucket the caller already owns succeeds (200) and only resets its
       * ACL (legacy behaviour, kept by AWS there); elsewhere it is BucketAlreadyOwnedByYou.
       */
      recreateOwnInUsEast1?: boolean;
      /** x-amz-object-ownership */
      objectOwnership?: ObjectOwnership;
    } = {},
  ): Promise<BucketInfo> {
    const problem = bucketNameProblem(name);
    if (problem) throw new DomainError('InvalidBucketName', problem, { bucket: name });
    if (opts.objectOwnership === 'BucketOwnerEnforced' && !ownerOnlyGrants(opts.acl ?? null)) {
      throw new DomainError('InvalidBucketAclWithObjectOwnership');
    }
    const region = opts.region ?? this.config.region;
    const nodeId = (await this.placement?.ownerForNewBucket()) ?? null;
    const outcome = await this.db.tx(async (m) => {
      const existing = await m.findOneBy(BucketEntity, { name });
      if (existing && existing.ownerId === principal.userId && opts.recreateOwnInUsEast1 && region === 'us-east-1') {
        existing.acl = opts.acl ?? null;
        await m.update(BucketEntity, { id: existing.id }, { acl: existing.acl });
        return { bucket: existing, recreated: true };
      }
      if (existing) {
        throw new DomainError(existing.ownerId === principal.userId ? 'BucketAlreadyOwnedByYou' : 'BucketAlreadyExists', undefined, {
          bucket: name,
        });
      }
      const bucket = m.create(BucketEntity, {
        id: this.ids.uuid(),
        name,
        ownerId: principal.userId,
        tenantId: principal.tenantId,
        acl: opts.acl ?? null,
        policy: null,
        region,
        createdAt: this.clock.now().getTime(),
        objectLockEnabled: opts.objectLock ?? false,
        versioning: opts.objectLock ? 'Enabled' : null,
        nodeId,
        objectOwnership: opts.objectOwnership ?? null,
        publicAccessBlock: null,
      });
      await this.tenants.checkBucketQuota(m, principal.tenantId);
      await m.insert(BucketEntity, bucket);
      return { bucket, recreated: false };
    });
    this.forget(name);
    if (outcome.recreated) return toInfo(outcome.bucket);
    const created = outcome.bucket;
    this.notifications?.publish({
      type: NOTIFICATION.bucketCreated,
      tenantId: created.tenantId,
      audience: 'all',
      data: { bucket: name, tenant_id: created.tenantId, owner_id: created.ownerId, by: principal.username },
    });
    return toInfo(created);
  }

  /**
   * The buckets the principal may list, in name order: all for a global admin, else its tenant's
   * (`ownedOnly`: those it created). With `page`: names starting with `prefix` (and in `region`),
   * after the name `after`, at most `limit` of them.
   */
  async list(
    principal: Principal,
    page: { prefix?: string; after?: string; limit?: number; region?: string; ownedOnly?: boolean } = {},
  ): Promise<BucketInfo[]> {
    // Tenant scoping again here (defence in depth): a tenant's users see only its buckets.
    const where: FindOptionsWhere<BucketEntity> = principal.role === 'admin' ? {} : { tenantId: principal.tenantId ?? IsNull() };
    if (page.ownedOnly && principal.role !== 'admin') where.ownerId = principal.userId;
    // Bucket names are [a-z0-9.-]: a prefix with anything else matches none, and a valid one
    // cannot hold a LIKE wildcard.
    if (page.prefix && !/^[a-z0-9.-]*$/.test(page.prefix)) return [];
    const name: FindOperator<string>[] = [];
    if (page.prefix) name.push(Like(`${page.prefix}%`));
    if (page.after !== undefined) name.push(MoreThan(page.after));
    if (name.length) where.name = name.length === 1 ? name[0] : And(...name);
    if (page.region) where.region = page.region;
    const rows = await this.db.repo(BucketEntity).find({ where, order: { name: 'ASC' }, take: page.limit });
    return rows.map(toInfo);
  }

  /**
   * `x-amz-expected-bucket-owner`: whether `expected` names the bucket's owner — its canonical user
   * id, or its account (the tenant's name; '' for global users' buckets). True when the bucket does
   * not exist: the operation itself answers that.
   */
  async hasExpectedOwner(name: string, expected: string): Promise<boolean> {
    let b: BucketEntity;
    try {
      b = await this.entity(name);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'BucketNotFound') return true;
      throw err;
    }
    const want = expected.trim();
    if (want === b.ownerId) return true;
    const account = b.tenantId ? (await this.tenants.get(b.tenantId)).name : '';
    return account !== '' && want === account;
  }

  /** The bucket, or BucketNotFound. */
  async get(name: string): Promise<BucketInfo> {
    return toInfo(await this.entity(name));
  }

  /** Internal: the cached row. */
  async entity(name: string): Promise<BucketEntity> {
    const hit = this.cache.get(name);
    let row: BucketEntity | null;
    if (hit && hit.expires > Date.now()) {
      row = hit.value;
    } else {
      let lookup = this.lookups.get(name);
      if (!lookup) {
        lookup = this.lookUp(name).finally(() => {
          if (this.lookups.get(name) === lookup) this.lookups.delete(name);
        });
        this.lookups.set(name, lookup);
      }
      row = await lookup;
    }
    if (!row) throw bucketNotFound(name);
    return row;
  }

  private async lookUp(name: string): Promise<BucketEntity | null> {
    const now = Date.now();
    const generation = this.generation;
    const row = await this.db.repo(BucketEntity).findOneBy({ name });
    if (row?.tenantId) row.accountPublicAccessBlock = await this.tenants.publicAccessBlockOf(row.tenantId);
    if (generation === this.generation) this.cache.set(name, { value: row, expires: now + BucketsService.CACHE_TTL_MS });
    return row;
  }

  /**
   * Cluster mode: refuses a job that must run where a bucket's bytes are (integrity checks re-read
   * every blob) on another node than its owner.
   */
  assertHeldHere(bucket: BucketEntity): void {
    const self = this.config.cluster?.nodeId;
    if (self !== undefined && bucket.nodeId && bucket.nodeId !== self) {
      throw new DomainError(
        'ClusterConflict',
        `the objects of bucket ${bucket.name} are held by cluster node ${bucket.nodeId}, not by this node (${self}): run this on that node`,
        { bucket: bucket.name, node_id: bucket.nodeId },
      );
    }
  }

  /**
   * Cluster mode, inside the transaction that commits new blobs of `bucket` (written to the node
   * `bucket.nodeId` said held it): the bucket row is read with a share lock (a migration's owner
   * switch takes it exclusively, so it waits for this commit, or this commit for the switch), and
   * the write is refused with 503 + Retry-After when the bucket has moved meanwhile or its writes
   * are fenced for a switch. The caller discards its blobs then. Single node: nothing to check.
   */
  async assertWritable(m: EntityManager, bucket: BucketEntity): Promise<BucketEntity> {
    if (!this.config.cluster) {
      const current = await this.db.findOne(BucketEntity, { id: bucket.id }, m);
      if (!current) throw bucketNotFound(bucket.name);
      return current;
    }
    const current = await m.findOne(BucketEntity, { where: { id: bucket.id }, lock: { mode: 'pessimistic_read' } });
    if (!current) throw bucketNotFound(bucket.name);
    if ((current.writeFence !== null && current.writeFence > Date.now()) || current.nodeId !== bucket.nodeId) {
      if (current.nodeId !== bucket.nodeId) this.drop(bucket.name);
      throw new DomainError('BucketMigrating', `bucket ${bucket.name} is moving to another cluster node; retry in a second`, {
        bucket: bucket.name,
        retryAfter: 1,
      });
    }
    return current;
  }

  /**
   * The node whose volume serves a read of `bucket`: its owner (streamed from there when that is
   * another node), or this node when it holds a replica and serves reads while the owner is down
   * (read failover, cluster replication). null outside cluster mode: the local volume.
   */
  async readSourceOf(bucket: BucketEntity): Promise<string | null> {
    const self = this.config.cluster?.nodeId;
    if (self === undefined || !bucket.nodeId || bucket.nodeId === self) return bucket.nodeId;
    if (await this.placement?.servesReadsOf(bucket)) return self;
    return bucket.nodeId;
  }

  /** Deletes an empty bucket; in-progress multipart uploads are aborted with it. */
  async delete(name: string): Promise<void> {
    const released: string[] = [];
    let holder: string | null = null;
    const tenantId = await this.db.tx(async (m) => {
      const bucket = await m.findOneBy(BucketEntity, { name });
      if (!bucket) throw bucketNotFound(name);
      holder = bucket.nodeId;
      const one = await m.findOne(ObjectEntity, { select: { id: true }, where: { bucketId: bucket.id } });
      if (one) throw new DomainError('BucketNotEmpty', undefined, { bucket: name });
      const uploads = await m.find(MultipartUploadEntity, { select: { uploadId: true }, where: { bucketId: bucket.id } });
      for (const u of uploads) {
        const parts = await m.find(UploadPartEntity, { where: { uploadId: u.uploadId } });
        released.push(...parts.map((p) => p.blobId));
        await m.delete(UploadPartEntity, { uploadId: u.uploadId });
      }
      await this.blobs.unregister(m, released);
      await m.delete(MultipartUploadEntity, { bucketId: bucket.id });
      await m.delete(BucketConfigEntity, { bucketId: bucket.id });
      await m.delete(BucketEntity, { id: bucket.id });
      return bucket.tenantId;
    });
    this.forget(name);
    this.notifications?.publish({
      type: NOTIFICATION.bucketDeleted,
      tenantId,
      audience: 'all',
      data: { bucket: name, tenant_id: tenantId },
    });
    await this.blobs.release(released, holder);
  }

  /** The bucket policy JSON, or BucketPolicyNotFound. */
  async getPolicy(name: string): Promise<string> {
    const b = await this.entity(name);
    if (!b.policy) throw new DomainError('BucketPolicyNotFound', undefined, { bucket: name });
    return b.policy;
  }

  /** Stores a policy the caller has already validated (iam/policy parsePolicy). */
  async setPolicy(name: string, policy: string | null): Promise<void> {
    await this.db.tx(async (m) => {
      const b = await m.findOneBy(BucketEntity, { name });
      if (!b) throw bucketNotFound(name);
      await m.update(BucketEntity, { id: b.id }, { policy });
    });
    this.forget(name);
  }

  /** The bucket's object ownership (ownership controls), or OwnershipControlsNotFound. */
  async getOwnership(name: string): Promise<ObjectOwnership> {
    const b = await this.entity(name);
    if (!b.objectOwnership) throw new DomainError('OwnershipControlsNotFound', undefined, { bucket: name });
    return b.objectOwnership;
  }

  /** Sets (null: removes) the ownership controls; BucketOwnerEnforced needs a bucket ACL that grants only the owner, as S3. */
  async setOwnership(name: string, ownership: ObjectOwnership | null): Promise<void> {
    await this.db.tx(async (m) => {
      const b = await m.findOneBy(BucketEntity, { name });
      if (!b) throw bucketNotFound(name);
      if (ownership === 'BucketOwnerEnforced' && !ownerOnlyGrants(b.acl)) throw new DomainError('InvalidBucketAclWithObjectOwnership');
      await m.update(BucketEntity, { id: b.id }, { objectOwnership: ownership });
    });
    this.forget(name);
  }

  /** The public access block, or PublicAccessBlockNotFound. */
  async getPublicAccessBlock(name: string): Promise<PublicAccessBlock> {
    const b = await this.entity(name);
    if (!b.publicAccessBlock) throw new DomainError('PublicAccessBlockNotFound', undefined, { bucket: name });
    return b.publicAccessBlock;
  }

  async setPublicAccessBlock(name: string, block: PublicAccessBlock | null): Promise<void> {
    await this.db.tx(async (m) => {
      const b = await m.findOneBy(BucketEntity, { name });
      if (!b) throw bucketNotFound(name);
      await m.update(BucketEntity, { id: b.id }, { publicAccessBlock: block });
    });
    this.forget(name);
  }

  async getAcl(name: string): Promise<{ ownerId: string; grants: AclGrant[] | null }> {
    const b = await this.entity(name);
    return { ownerId: b.ownerId, grants: b.acl };
  }

  async setAcl(name: string, grants: AclGrant[]): Promise<void> {
    await this.db.tx(async (m) => {
      const b = await m.findOneBy(BucketEntity, { name });
      if (!b) throw bucketNotFound(name);
      await m.update(BucketEntity, { id: b.id }, { acl: grants });
    });
    this.forget(name);
  }

  /** The versioning state: null = never enabled. */
  async getVersioning(name: string): Promise<VersioningStatus | null> {
    return (await this.entity(name)).versioning;
  }

  /**
   * Enables or suspends versioning; a bucket never returns to unversioned. A bucket with object
   * lock must stay Enabled (S3: InvalidBucketState).
   */
  async setVersioning(name: string, status: VersioningStatus): Promise<void> {
    await this.db.tx(async (m) => {
      const b = await m.findOneBy(BucketEntity, { name });
      if (!b) throw bucketNotFound(name);
      if (b.objectLockEnabled && status !== 'Enabled') {
        throw new DomainError(
          'InvalidBucketState',
          'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
          { bucket: name },
        );
      }
      await m.update(BucketEntity, { id: b.id }, { versioning: status });
    });
    this.forget(name);
  }

  /** The bucket's object lock: ObjectLockConfigurationNotFound when it was never enabled. */
  async getObjectLockConfiguration(name: string): Promise<ObjectLockConfiguration> {
    const b = await this.entity(name);
    if (!b.objectLockEnabled) throw new DomainError('ObjectLockConfigurationNotFound', undefined, { bucket: name });
    return { enabled: true, defaultRetention: b.objectLockRule };
  }

  /**
   * Sets the default retention (null = none). On a bucket created without object lock this enables
   * object lock for good, which S3 allows once versioning is Enabled (else InvalidBucketState).
   */
  async setObjectLockConfiguration(name: string, defaultRetention: DefaultRetention | null): Promise<void> {
    await this.db.tx(async (m) => {
      const b = await m.findOneBy(BucketEntity, { name });
      if (!b) throw bucketNotFound(name);
      if (!b.objectLockEnabled && b.versioning !== 'Enabled') {
        throw new DomainError('InvalidBucketState', "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration", {
          bucket: name,
        });
      }
      await m.update(BucketEntity, { id: b.id }, { objectLockEnabled: true, objectLockRule: defaultRetention });
    });
    this.forget(name);
  }
}
