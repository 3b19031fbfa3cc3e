import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { BucketsService } from '../buckets/buckets.service';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { DatabaseService } from '../database/database.service';
import { ObjectEntity } from './entities/object.entity';
import { assertVersionId, ObjectView, toObjectView } from './objects.service';
import { NULL_VERSION_ID } from './version-id';
import { commonPrefixOf, pastPrefix } from './key-order';

export interface ListVersionsInput {
  prefix?: string;
  delimiter?: string;
  /** Continue after this key (all of its versions), or after `versionIdMarker` of it. */
  keyMarker?: string;
  versionIdMarker?: string;
  maxKeys: number;
}

export interface ListVersionsResult {
  /** Versions and delete markers, by key then newest first. */
  versions: ObjectView[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** Where the next page starts: the last key or common prefix returned, and the last version id (not after a prefix). */
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}

const LIST_BATCH = 1000;

/** Reads of the version history: ListObjectVersions and a key's versions (console). */
@Injectable()
export class ObjectVersionsService {
  constructor(
    private readonly db: DatabaseService,
    private readonly buckets: BucketsService,
  ) {}

  /**
   * One page of versions in key order, newest first within a key. Keyset pagination on
   * (bucket_id, key, version_order): each batch seeks past the last row (or common prefix)
   * returned, so a page costs O(page) whatever the bucket or a key's history holds.
   */
  async listObjectVersions(bucketName: string, input: ListVersionsInput): Promise<ListVersionsResult> {
    const bucket = await this.buckets.entity(bucketName);
    const prefix = input.prefix ?? '';
    const delimiter = input.delimiter || undefined;
    const keyMarker = input.keyMarker || undefined;
    const versionIdMarker = input.versionIdMarker || undefined;
    if (versionIdMarker !== undefined) {
      if (keyMarker === undefined)
        throw new DomainError('InvalidArgument', 'A version-id marker cannot be specified without a key marker.');
      assertVersionId(versionIdMarker);
    }
    const out: ListVersionsResult = { versions: [], commonPrefixes: [], isTruncated: false };
    const max = input.maxKeys;
    if (max <= 0) return out;

    // The cursor: rows after `key` (or from it, when inclusive), or after one version of `key`.
    let cursor: { key: string; inclusive: boolean; afterOrder?: string } = { key: '', inclusive: true };
    if (keyMarker !== undefined) {
      cursor = { key: keyMarker, inclusive: false };
      // An unknown version marker (removed since) continues after the whole key.
      if (versionIdMarker !== undefined) cursor.afterOrder = await this.orderOf(bucket, keyMarker, versionIdMarker);
      if (delimiter && !cursor.afterOrder && keyMarker.startsWith(prefix)) {
        if (commonPrefixOf(keyMarker, prefix, delimiter) === keyMarker) cursor = { key: pastPrefix(keyMarker), inclusive: false };
      }
    }
    if (prefix && cursor.key < prefix) cursor = { key: prefix, inclusive: true };

    const count = () => out.versions.length + out.commonPrefixes.length;
    for (;;) {
      const batchSize = Math.min(LIST_BATCH, max - count() + 1);
      const qb = this.db.repo(ObjectEntity).createQueryBuilder('o').where('o.bucket_id = :bucketId', { bucketId: bucket.id });
      if (cursor.afterOrder !== undefined) {
        // A row-value comparison: one index range on (bucket_id, key, version_order) on both databases.
        qb.andWhere('(o.key, o.version_order) > (:key, :order)', { key: cursor.key, order: cursor.afterOrder });
      } else {
        qb.andWhere(cursor.inclusive ? 'o.key >= :key' : 'o.key > :key', { key: cursor.key });
      }
      const rows = await qb.orderBy('o.key', 'ASC').addOrderBy('o.versionOrder', 'ASC').limit(batchSize).getMany();
      let seeked = false;
      for (const row of rows) {
        if (!row.key.startsWith(prefix)) return out;
        if (count() >= max) {
          out.isTruncated = true;
          return out;
        }
        if (delimiter) {
          const cp = commonPrefixOf(row.key, prefix, delimiter);
          if (cp !== undefined) {
            out.commonPrefixes.push(cp);
            out.nextKeyMarker = cp;
            out.nextVersionIdMarker = undefined;
            cursor = { key: pastPrefix(cp), inclusive: false };
            seeked = true;
            break;
          }
        }
        out.versions.push(toObjectView(row));
        out.nextKeyMarker = row.key;
        out.nextVersionIdMarker = row.versionId;
        cursor = { key: row.key, inclusive: false, afterOrder: row.versionOrder };
      }
      if (!seeked && rows.length < batchSize) return out;
    }
  }

  /** The versions of one key (delete markers included), newest first: for the console. */
  async listVersions(bucketName: string, key: string, opts: { limit?: number } = {}): Promise<ObjectView[]> {
    const bucket = await this.buckets.entity(bucketName);
    const rows = await this.db.repo(ObjectEntity).find({
      where: { bucketId: bucket.id, key },
      order: { versionOrder: 'ASC' },
      take: opts.limit ?? LIST_BATCH,
    });
    return rows.map(toObjectView);
  }

  /** The order of a version, for a version-id marker: the id itself, but the null version's must be looked up. */
  private async orderOf(bucket: BucketEntity, key: string, versionId: string): Promise<string | undefined> {
    if (versionId !== NULL_VERSION_ID) return versionId;
    const row = await this.db.repo(ObjectEntity).findOne({
      select: { versionOrder: true },
      where: { bucketId: bucket.id, key, versionId: NULL_VERSION_ID },
    });
    return row?.versionOrder;
  }
}
