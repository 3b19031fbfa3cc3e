import { EntityManager } from 'typeorm';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { ObjectEntity } from '../objects/entities/object.entity';
import { TenantEntity } from '../tenants/entities/tenant.entity';

/** What one tenant (or, with tenantId null, the global users) stores, with its quotas. */
export interface TenantUsage {
  tenantId: string | null;
  tenantName: string | null;
  buckets: number;
  /** Stored object versions (delete markers excluded), as the quota counts them. */
  objects: number;
  bytes: number;
  maxBytes: number | null;
  maxBuckets: number | null;
  maxObjects: number | null;
}

/** What some buckets store: objects (every version, no delete markers) and bytes. */
export interface BucketUsage {
  objects: number;
  bytes: number;
}

/**
 * Usage per tenant from the tenants' exact counters (no scan), plus one entry (tenantId null) for
 * the buckets of global users, whose usage no counter keeps: that one is an aggregate over their
 * objects, so it costs O(objects in global buckets). `tenantId` limits the answer to one tenant.
 */
export async function usageByTenant(m: EntityManager, tenantId?: string): Promise<TenantUsage[]> {
  const tenants = await m.find(TenantEntity, { where: tenantId === undefined ? {} : { id: tenantId }, order: { name: 'ASC' } });
  const counts = m
    .createQueryBuilder(BucketEntity, 'b')
    .select('b.tenant_id', 'tenant_id')
    .addSelect('COUNT(*)', 'n')
    .groupBy('b.tenant_id');
  if (tenantId !== undefined) counts.where('b.tenant_id = :tenantId', { tenantId });
  const bucketCounts = new Map<string | null, number>();
  for (const r of await counts.getRawMany<{ tenant_id: string | null; n: string | number }>()) bucketCounts.set(r.tenant_id, Number(r.n));

  const out: TenantUsage[] = tenants.map((t) => ({
    tenantId: t.id,
    tenantName: t.name,
    buckets: bucketCounts.get(t.id) ?? 0,
    objects: t.usedObjects,
    bytes: t.usedBytes,
    maxBytes: t.maxBytes,
    maxBuckets: t.maxBuckets,
    maxObjects: t.maxObjects,
  }));
  const globalBuckets = bucketCounts.get(null) ?? 0;
  if (tenantId === undefined && globalBuckets > 0) {
    const row = await m
      .createQueryBuilder(ObjectEntity, 'o')
      .innerJoin(BucketEntity, 'b', 'b.id = o.bucket_id')
      .select('COALESCE(SUM(o.size), 0)', 'bytes')
      .addSelect('COUNT(*)', 'objects')
      .where('b.tenant_id IS NULL')
      .andWhere('o.is_delete_marker = :f', { f: false })
      .getRawOne<{ bytes: string | number; objects: string | number }>();
    out.push({
      tenantId: null,
      tenantName: null,
      buckets: globalBuckets,
      objects: Number(row?.objects ?? 0),
      bytes: Number(row?.bytes ?? 0),
      maxBytes: null,
      maxBuckets: null,
      maxObjects: null,
    });
  }
  return out;
}

/** Objects and bytes of each of these buckets (by id), with one grouped aggregate over their objects. */
export async function usageOfBuckets(m: EntityManager, bucketIds: string[]): Promise<Map<string, BucketUsage>> {
  const out = new Map<string, BucketUsage>();
  if (bucketIds.length === 0) return out;
  const rows = await m
    .createQueryBuilder(ObjectEntity, 'o')
    .select('o.bucket_id', 'bucket_id')
    .addSelect('COALESCE(SUM(o.size), 0)', 'bytes')
    .addSelect('COUNT(*)', 'objects')
    .where('o.bucket_id IN (:...ids)', { ids: bucketIds })
    .andWhere('o.is_delete_marker = :f', { f: false })
    .groupBy('o.bucket_id')
    .getRawMany<{ bucket_id: string; bytes: string | number; objects: string | number }>();
  for (const r of rows) out.set(r.bucket_id, { objects: Number(r.objects), bytes: Number(r.bytes) });
  return out;
}
