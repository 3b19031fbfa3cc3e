import { Injectable, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { ALL_ENTRIES, CacheInvalidation } from '../common/cache-invalidation';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { IdGenerator } from '../common/ids';
import { DatabaseService } from '../database/database.service';
import { AccessKeyEntity } from '../iam/entities/access-key.entity';
import { UserEntity } from '../iam/entities/user.entity';
import { ObjectEntity } from '../objects/entities/object.entity';
import type { PublicAccessBlock } from '../buckets/bucket-controls';
import { TenantEntity, TenantStatus } from './entities/tenant.entity';

export interface TenantQuotas {
  maxBytes?: number | null;
  maxBuckets?: number | null;
  maxObjects?: number | null;
  maxAccessKeys?: number | null;
}

/** What people read about a tenant; undefined = unchanged, null = cleared. */
export interface TenantProfile {
  displayName?: string | null;
  description?: string | null;
}

export interface TenantView {
  id: string;
  name: string;
  displayName: string | null;
  description: string | null;
  status: TenantStatus;
  maxBytes: number | null;
  maxBuckets: number | null;
  maxObjects: number | null;
  maxAccessKeys: number | null;
  usedBytes: number;
  usedObjects: number;
  createdAt: Date;
}

/** A tenant with what it holds (GET /api/v1/tenants/{id}/stats). */
export interface TenantStats {
  tenant: TenantView;
  buckets: number;
  users: number;
  accessKeys: number;
}

const toView = (t: TenantEntity): TenantView => ({
  id: t.id,
  name: t.name,
  displayName: t.displayName ?? null,
  description: t.description ?? null,
  status: t.status,
  maxBytes: t.maxBytes,
  maxBuckets: t.maxBuckets,
  maxObjects: t.maxObjects,
  maxAccessKeys: t.maxAccessKeys ?? null,
  usedBytes: t.usedBytes,
  usedObjects: t.usedObjects,
  createdAt: new Date(t.createdAt),
});

const TENANT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

@Injectable()
export class TenantsService {
  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Optional() private readonly invalidation?: CacheInvalidation,
  ) {}

  async create(name: string, quotas: TenantQuotas = {}, profile: TenantProfile = {}): Promise<TenantView> {
    if (!TENANT_NAME.test(name)) {
      throw new DomainError(
        'InvalidInput',
        'Tenant names are 1-63 characters of lowercase letters, digits and hyphens, starting with a letter or digit',
      );
    }
    validateQuotas(quotas);
    return this.db.tx(async (m) => {
      if (await m.existsBy(TenantEntity, { name })) throw new DomainError('TenantAlreadyExists', `tenant ${name} already exists`);
      const t = m.create(TenantEntity, {
        id: this.ids.uuid(),
        name,
        displayName: profile.displayName ?? null,
        description: profile.description ?? null,
        status: 'active',
        maxBytes: quotas.maxBytes ?? null,
        maxBuckets: quotas.maxBuckets ?? null,
        maxObjects: quotas.maxObjects ?? null,
        maxAccessKeys: quotas.maxAccessKeys ?? null,
        usedBytes: 0,
        usedObjects: 0,
        createdAt: this.clock.now().getTime(),
      });
      await m.insert(TenantEntity, t);
      // insert() writes back database defaults as raw strings on PostgreSQL; the view wants numbers.
      return toView({ ...t, usedBytes: 0, usedObjects: 0 });
    });
  }

  async list(): Promise<TenantView[]> {
    return (await this.db.repo(TenantEntity).find({ order: { name: 'ASC' } })).map(toView);
  }

  /** By id or by name. */
  async get(idOrName: string): Promise<TenantView> {
    return toView(await this.entity(this.db.manager, idOrName));
  }

  private async entity(m: EntityManager, idOrName: string): Promise<TenantEntity> {
    const t = (await m.findOneBy(TenantEntity, { id: idOrName })) ?? (await m.findOneBy(TenantEntity, { name: idOrName }));
    if (!t) throw new DomainError('TenantNotFound', `tenant ${idOrName} does not exist`);
    return t;
  }

  /** Counts of the tenant's buckets, users and access keys, with its usage counters. */
  async stats(idOrName: string): Promise<TenantStats> {
    const m = this.db.manager;
    const t = await this.entity(m, idOrName);
    const [buckets, users, accessKeys] = await Promise.all([
      m.countBy(BucketEntity, { tenantId: t.id }),
      m.countBy(UserEntity, { tenantId: t.id }),
      m
        .createQueryBuilder(AccessKeyEntity, 'k')
        .innerJoin(UserEntity, 'u', 'u.id = k.user_id')
        .where('u.tenant_id = :id', { id: t.id })
        .getCount(),
    ]);
    return { tenant: toView(t), buckets, users, accessKeys };
  }

  async update(idOrName: string, changes: TenantQuotas & TenantProfile & { status?: TenantStatus }): Promise<TenantView> {
    validateQuotas(changes);
    if (changes.status !== undefined && changes.status !== 'active' && changes.status !== 'suspended') {
      throw new DomainError('InvalidInput', 'status must be active or suspended');
    }
    const view = await this.db.tx(async (m) => {
      const t = await this.entity(m, idOrName);
      if (changes.maxBytes !== undefined) t.maxBytes = changes.maxBytes;
      if (changes.maxBuckets !== undefined) t.maxBuckets = changes.maxBuckets;
      if (changes.maxObjects !== undefined) t.maxObjects = changes.maxObjects;
      if (changes.maxAccessKeys !== undefined) t.maxAccessKeys = changes.maxAccessKeys;
      if (changes.displayName !== undefined) t.displayName = changes.displayName;
      if (changes.description !== undefined) t.description = changes.description;
      if (changes.status !== undefined) t.status = changes.status;
      await m.save(t);
      return toView(t);
    });
    // A suspended (or reactivated) tenant's keys are re-read on every node at once.
    if (changes.status !== undefined) this.invalidation?.invalidate('access-key', ALL_ENTRIES);
    return view;
  }

  /** The tenant's account-level public access block, or PublicAccessBlockNotFound. */
  async getPublicAccessBlock(idOrName: string): Promise<PublicAccessBlock> {
    const t = await this.entity(this.db.manager, idOrName);
    if (!t.publicAccessBlock) throw new DomainError('PublicAccessBlockNotFound', `tenant ${t.name} has no public access block`);
    return t.publicAccessBlock;
  }

  /** Sets (null: removes) the account-level public access block; every node re-reads its bucket rows at once. */
  async setPublicAccessBlock(idOrName: string, block: PublicAccessBlock | null): Promise<void> {
    await this.db.tx(async (m) => {
      const t = await this.entity(m, idOrName);
      await m.update(TenantEntity, { id: t.id }, { publicAccessBlock: block });
    });
    this.invalidation?.invalidate('bucket', ALL_ENTRIES);
  }

  /** The account-level public access block of a tenant by id (bucket rows carry it), null when none. */
  async publicAccessBlockOf(tenantId: string): Promise<PublicAccessBlock | null> {
    return (
      (await this.db.repo(TenantEntity).findOne({ select: ['id', 'publicAccessBlock'], where: { id: tenantId } }))?.publicAccessBlock ??
      null
    );
  }

  /** Deletes a tenant that has no buckets and no users left. */
  async delete(idOrName: string): Promise<void> {
    await this.db.tx(async (m) => {
      const t = await this.entity(m, idOrName);
      if ((await m.existsBy(BucketEntity, { tenantId: t.id })) || (await m.existsBy(UserEntity, { tenantId: t.id }))) {
        throw new DomainError('TenantNotEmpty', `tenant ${t.name} still has buckets or users`);
      }
      await m.delete(TenantEntity, { id: t.id });
    });
  }

  /**
   * Charges a change of stored bytes/objects to a tenant inside the caller's transaction. The
   * check and the update are one conditional UPDATE, so concurrent writers can never take the
   * tenant past its quota (the row lock serializes them on PostgreSQL; SQLite runs one
   * transaction at a time). Releasing (negative deltas) always succeeds.
   */
  async charge(m: EntityManager, tenantId: string | null, deltaBytes: number, deltaObjects: number): Promise<void> {
    if (tenantId === null || (deltaBytes === 0 && deltaObjects === 0)) return;
    const growing = deltaBytes > 0 || deltaObjects > 0;
    const qb = m
      .createQueryBuilder()
      .update(TenantEntity)
      // Deltas as parameters, not in the SQL text: one prepared statement for every size.
      .set({ usedBytes: () => 'used_bytes + :addBytes', usedObjects: () => 'used_objects + :addObjects' })
      .where('id = :id', { id: tenantId })
      .setParameters({ addBytes: Math.trunc(deltaBytes), addObjects: Math.trunc(deltaObjects) });
    if (growing) {
      qb.andWhere('(max_bytes IS NULL OR used_bytes + :db <= max_bytes)', { db: Math.max(0, deltaBytes) }).andWhere(
        '(max_objects IS NULL OR used_objects + :dobj <= max_objects)',
        { dobj: Math.max(0, deltaObjects) },
      );
    }
    const res = await qb.execute();
    if (growing && !res.affected) {
      const t = await m.findOneBy(TenantEntity, { id: tenantId });
      if (!t) return;
      throw new DomainError('QuotaExceeded', quotaMessage(t, deltaBytes, deltaObjects));
    }
  }

  /** Refuses a new bucket past the tenant's bucket quota (call inside the creating transaction). */
  async checkBucketQuota(m: EntityManager, tenantId: string | null): Promise<void> {
    if (tenantId === null) return;
    const t = await m.findOneBy(TenantEntity, { id: tenantId });
    if (!t) throw new DomainError('TenantNotFound');
    if (t.maxBuckets === null) return;
    const count = await m.countBy(BucketEntity, { tenantId });
    if (count >= t.maxBuckets) throw new DomainError('QuotaExceeded', `The tenant ${t.name} may have at most ${t.maxBuckets} buckets.`);
  }

  /** Whether the tenant may act at all (a suspended tenant's keys stop working). */
  async isActive(tenantId: string): Promise<boolean> {
    const t = await this.db.repo(TenantEntity).findOneBy({ id: tenantId });
    return t?.status === 'active';
  }

  /** Recomputes the usage counters from the objects (repair after a crash or a manual change). */
  async recalculate(idOrName: string): Promise<TenantView> {
    return this.db.tx(async (m) => {
      const t = await this.entity(m, idOrName);
      const row = await m
        .createQueryBuilder(ObjectEntity, 'o')
        .innerJoin(BucketEntity, 'b', 'b.id = o.bucket_id')
        .select('COALESCE(SUM(o.size), 0)', 'bytes')
        .addSelect('COUNT(*)', 'objects')
        .where('b.tenant_id = :id', { id: t.id })
        .andWhere('o.is_delete_marker = :f', { f: false })
        .getRawOne<{ bytes: string | number; objects: string | number }>();
      t.usedBytes = Number(row?.bytes ?? 0);
      t.usedObjects = Number(row?.objects ?? 0);
      await m.save(t);
      return toView(t);
    });
  }
}

function validateQuotas(q: TenantQuotas): void {
  for (const [name, v] of Object.entries(q)) {
    if (name.startsWith('max') && v !== undefined && v !== null && (!Number.isSafeInteger(v) || v < 0)) {
      throw new DomainError('InvalidInput', `${name} must be a whole number >= 0`);
    }
  }
}

function quotaMessage(t: TenantEntity, deltaBytes: number, deltaObjects: number): string {
  if (t.maxBytes !== null && t.usedBytes + deltaBytes > t.maxBytes) {
    return `The storage quota of tenant ${t.name} (${t.maxBytes} bytes) would be exceeded: ${t.usedBytes} used, ${deltaBytes} more requested.`;
  }
  if (t.maxObjects !== null && t.usedObjects + deltaObjects > t.maxObjects) {
    return `The object quota of tenant ${t.name} (${t.maxObjects} objects) would be exceeded.`;
  }
  return `The quota of tenant ${t.name} would be exceeded.`;
}
