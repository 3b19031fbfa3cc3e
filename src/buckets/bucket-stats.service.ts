import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { ObjectEntity } from '../objects/entities/object.entity';

/** What a bucket holds. */
export interface BucketUsage {
  /** Current objects (the latest version of each key, delete markers excluded). */
  objects: number;
  /** Bytes of the current objects. */
  bytes: number;
  /** Every stored version (noncurrent ones included, delete markers excluded): what the tenant is charged. */
  versions: number;
  versionBytes: number;
}

export const EMPTY_USAGE: BucketUsage = Object.freeze({ objects: 0, bytes: 0, versions: 0, versionBytes: 0 });

/** Largest number of buckets aggregated by one query. */
const BATCH = 500;

/**
 * Object counts and sizes of buckets, aggregated from the objects table when asked (one grouped
 * query per batch of buckets). Nothing is cached or kept in counters, so the numbers are exact at
 * the time of the query; a bucket's numbers cost a scan of its rows in the (bucket_id, …) indexes.
 */
@Injectable()
export class BucketStatsService {
  constructor(private readonly db: DatabaseService) {}

  async usage(bucketIds: readonly string[]): Promise<Map<string, BucketUsage>> {
    const out = new Map<string, BucketUsage>();
    for (let i = 0; i < bucketIds.length; i += BATCH) {
      const ids = bucketIds.slice(i, i + BATCH);
      const rows = await this.db
        .repo(ObjectEntity)
        .createQueryBuilder('o')
        .select('o.bucket_id', 'bucket_id')
        .addSelect('COUNT(*)', 'versions')
        .addSelect('COALESCE(SUM(o.size), 0)', 'version_bytes')
        .addSelect('SUM(CASE WHEN o.is_latest = :latest THEN 1 ELSE 0 END)', 'objects')
        .addSelect('COALESCE(SUM(CASE WHEN o.is_latest = :latest THEN o.size ELSE 0 END), 0)', 'bytes')
        .where('o.bucket_id IN (:...ids)', { ids })
        .andWhere('o.is_delete_marker = :marker', { marker: false })
        .setParameter('latest', true)
        .groupBy('o.bucket_id')
        .getRawMany<{
          bucket_id: string;
          versions: string | number;
          version_bytes: string | number;
          objects: string | number;
          bytes: string | number;
        }>();
      for (const r of rows) {
        out.set(r.bucket_id, {
          objects: Number(r.objects ?? 0),
          bytes: Number(r.bytes ?? 0),
          versions: Number(r.versions ?? 0),
          versionBytes: Number(r.version_bytes ?? 0),
        });
      }
    }
    for (const id of bucketIds) if (!out.has(id)) out.set(id, { ...EMPTY_USAGE });
    return out;
  }

  async usageOf(bucketId: string): Promise<BucketUsage> {
    return (await this.usage([bucketId])).get(bucketId)!;
  }
}
