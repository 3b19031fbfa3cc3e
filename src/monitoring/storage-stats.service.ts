import { Injectable } from '@nestjs/common';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { DatabaseService } from '../database/database.service';
import { UserEntity } from '../iam/entities/user.entity';
import { TenantEntity } from '../tenants/entities/tenant.entity';
import { TenantUsage, usageByTenant, usageOfBuckets } from './storage-usage';

export interface StorageTotals {
  buckets: number;
  objects: number;
  bytes: number;
}

/** The dashboard's storage figures: totals and each tenant's share (one tenant when scoped). */
export interface StorageOverview {
  totals: StorageTotals;
  tenants: TenantUsage[];
  tenantCount: number;
  userCount: number;
}

export interface BucketStorage {
  id: string;
  name: string;
  tenantId: string | null;
  tenantName: string | null;
  createdAt: Date;
  objects: number;
  bytes: number;
}

const sumOf = (usage: readonly TenantUsage[]): StorageTotals =>
  usage.reduce((t, u) => ({ buckets: t.buckets + u.buckets, objects: t.objects + u.objects, bytes: t.bytes + u.bytes }), {
    buckets: 0,
    objects: 0,
    bytes: 0,
  });

/**
 * Storage figures for the console: per tenant from the tenants' counters, per bucket with one
 * grouped aggregate over the objects of a page of buckets. `tenantId` undefined = every tenant
 * (global admins), otherwise that tenant only.
 */
@Injectable()
export class StorageStatsService {
  constructor(private readonly db: DatabaseService) {}

  async overview(tenantId?: string): Promise<StorageOverview> {
    const m = this.db.manager;
    const usage = await usageByTenant(m, tenantId);
    const [tenantCount, userCount] = await Promise.all([
      tenantId === undefined ? m.count(TenantEntity) : Promise.resolve(1),
      m.countBy(UserEntity, tenantId === undefined ? {} : { tenantId }),
    ]);
    return { totals: sumOf(usage), tenants: usage, tenantCount, userCount };
  }

  /** Usage per tenant and the totals (the sampler and the quota watch read this). */
  async usage(tenantId?: string): Promise<{ totals: StorageTotals; tenants: TenantUsage[] }> {
    const usage = await usageByTenant(this.db.manager, tenantId);
    return { totals: sumOf(usage), tenants: usage };
  }

  /** One page of buckets by name, each with its objects and bytes. */
  async buckets(tenantId: string | undefined, page: number, pageSize: number): Promise<{ items: BucketStorage[]; total: number }> {
    const m = this.db.manager;
    const qb = m.createQueryBuilder(BucketEntity, 'b').orderBy('b.name', 'ASC');
    if (tenantId !== undefined) qb.where('b.tenant_id = :tenantId', { tenantId });
    const [rows, total] = await qb
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    const usage = await usageOfBuckets(
      m,
      rows.map((b) => b.id),
    );
    const tenantIds = [...new Set(rows.map((b) => b.tenantId).filter((t): t is string => t !== null))];
    const names = new Map<string, string>();
    if (tenantIds.length > 0) {
      for (const t of await m.createQueryBuilder(TenantEntity, 't').where('t.id IN (:...ids)', { ids: tenantIds }).getMany())
        names.set(t.id, t.name);
    }
    return {
      items: rows.map((b) => ({
        id: b.id,
        name: b.name,
        tenantId: b.tenantId,
        tenantName: b.tenantId ? (names.get(b.tenantId) ?? null) : null,
        createdAt: new Date(b.createdAt),
        objects: usage.get(b.id)?.objects ?? 0,
        bytes: usage.get(b.id)?.bytes ?? 0,
      })),
      total,
    };
  }
}
