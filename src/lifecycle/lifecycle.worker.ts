import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BucketConfigService, LifecycleBucket } from '../buckets/bucket-config.service';
import { BucketsService } from '../buckets/buckets.service';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { IdGenerator } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { MultipartService } from '../multipart/multipart.service';
import { ObjectTaggingService } from '../objects/object-tagging.service';
import { ObjectVersionsService } from '../objects/object-versions.service';
import { ObjectsService, ObjectView } from '../objects/objects.service';
import { LifecycleCursor, LifecycleProgressEntity } from './entities/lifecycle-progress.entity';
import {
  abortRules,
  currentExpiration,
  deleteMarkerRules,
  expirationRules,
  expiredDeleteMarkerDue,
  needsTags,
  noncurrentExpiration,
  noncurrentRules,
  scanPrefix,
  uploadAbortDue,
} from './lifecycle-rules';

/** What one run did (tests and logs read it). */
export interface LifecycleRunReport {
  /** Buckets whose pass this run finished. */
  buckets: number;
  expiredObjects: number;
  abortedUploads: number;
  expiredVersions: number;
  removedDeleteMarkers: number;
  /** Versions a rule wanted gone but object lock (retention or legal hold) keeps. */
  lockedVersions: number;
}

/** Rows per listing batch; the cursor is saved (and the lease renewed) after each. */
const BATCH = 500;
const BUCKET_PAGE = 100;
/** A lease not renewed for this long is taken over by another node: its holder died. */
const LEASE_MS = 5 * 60_000;

/**
 * Applies buckets' lifecycle rules in the background: expires current objects, aborts stale
 * multipart uploads (their part blobs released by MultipartService), expires noncurrent versions
 * and removes expired delete markers. Every deletion goes through the owning service.
 *
 * Each bucket's pass runs under a lease row (lifecycle_progress), claimed with one conditional
 * UPDATE, so several nodes sharing a PostgreSQL database never work on one bucket at once; the
 * pass saves a cursor after every batch, so a node that dies mid-bucket is resumed by the next
 * claimant where it stopped. Rules are evaluated against the injectable Clock; leases and the
 * schedule use wall time, because they coordinate processes.
 */
@Injectable()
export class LifecycleWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LifecycleWorker.name);
  /** This process, as a lease holder. */
  private readonly nodeId: string;
  private timer?: NodeJS.Timeout;
  private tail: Promise<unknown> = Promise.resolve();
  private scheduled = false;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly buckets: BucketsService,
    private readonly configs: BucketConfigService,
    private readonly objects: ObjectsService,
    private readonly versions: ObjectVersionsService,
    private readonly tagging: ObjectTaggingService,
    private readonly multipart: MultipartService,
    private readonly clock: Clock,
    ids: IdGenerator,
  ) {
    this.nodeId = ids.uuid();
  }

  onApplicationBootstrap(): void {
    const interval = this.config.lifecycleIntervalMs;
    if (interval <= 0 || this.config.backgroundJobs === false) return;
    this.timer = setInterval(() => {
      if (this.scheduled) return;
      this.scheduled = true;
      this.run(true)
        .catch((err) => this.logger.error(`lifecycle run failed: ${err}`, (err as Error)?.stack))
        .finally(() => (this.scheduled = false));
    }, interval);
    this.timer.unref();
  }

  /** Stops between batches (the cursor is saved: the next run resumes there) before the database closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.tail.catch(() => undefined);
  }

  /**
   * One pass over every bucket that has a lifecycle configuration, resuming unfinished passes.
   * Runs in this process are serialized; buckets another node is working on are skipped.
   */
  runOnce(): Promise<LifecycleRunReport> {
    return this.run(false);
  }

  /** `scheduled`: skip buckets whose last pass finished less than an interval ago (another node did it). */
  private run(scheduled: boolean): Promise<LifecycleRunReport> {
    const next = this.tail.then(() => this.pass(scheduled));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async pass(scheduled: boolean): Promise<LifecycleRunReport> {
    const report: LifecycleRunReport = {
      buckets: 0,
      expiredObjects: 0,
      abortedUploads: 0,
      expiredVersions: 0,
      removedDeleteMarkers: 0,
      lockedVersions: 0,
    };
    await this.dropStaleProgress();
    let after = '';
    for (;;) {
      const page = await this.configs.lifecycleBuckets(after, BUCKET_PAGE);
      for (const bucket of page) {
        if (this.stopping) return report;
        try {
          await this.processBucket(bucket, report, scheduled);
        } catch (err) {
          // One bucket's failure (deleted meanwhile, a database error) must not stop the others.
          if (err instanceof DomainError && err.code === 'BucketNotFound') continue;
          this.logger.error(`lifecycle of bucket ${bucket.bucketName} failed: ${err}`, (err as Error)?.stack);
        }
      }
      if (page.length < BUCKET_PAGE) break;
      after = page[page.length - 1].bucketId;
    }
    const changed = report.expiredObjects + report.abortedUploads + report.expiredVersions + report.removedDeleteMarkers;
    if (changed > 0) this.logger.log({ msg: 'lifecycle run', ...report });
    return report;
  }

  private async processBucket(b: LifecycleBucket, report: LifecycleRunReport, scheduled: boolean): Promise<void> {
    const claimed = await this.claim(b.bucketId, scheduled);
    if (!claimed) return;
    try {
      const now = this.clock.now().getTime();
      let cursor: LifecycleCursor | null = claimed.cursor ?? { phase: 'uploads' };
      while (cursor) {
        if (this.stopping) return;
        cursor = await this.step(b, cursor, now, report);
        if (!(await this.saveProgress(b.bucketId, cursor))) return;
      }
      report.buckets++;
    } finally {
      await this.release(b.bucketId);
    }
  }

  /** One batch of the bucket's pass; returns where the next one starts (null: the pass is done). */
  private step(b: LifecycleBucket, cursor: LifecycleCursor, now: number, report: LifecycleRunReport): Promise<LifecycleCursor | null> {
    switch (cursor.phase) {
      case 'uploads':
        return this.abortUploads(b, cursor, now, report);
      case 'objects':
        return this.expireObjects(b, cursor, now, report);
      case 'versions':
        return this.expireVersions(b, cursor, now, report);
    }
  }

  /** AbortIncompleteMultipartUpload: uploads initiated DaysAfterInitiation ago (rounded to midnight UTC). */
  private async abortUploads(
    b: LifecycleBucket,
    cursor: LifecycleCursor,
    now: number,
    report: LifecycleRunReport,
  ): Promise<LifecycleCursor> {
    const rules = abortRules(b.rules);
    if (rules.length === 0) return { phase: 'objects' };
    const page = await this.multipart.listUploads(b.bucketName, {
      prefix: scanPrefix(rules),
      keyMarker: cursor.key ?? '',
      uploadIdMarker: cursor.uploadId ?? '',
      maxUploads: BATCH,
    });
    // The cursor names the last upload kept: aborted ones vanish, so listing again after it goes on.
    let kept: LifecycleCursor = cursor;
    for (const u of page.uploads) {
      const due = uploadAbortDue(rules, { key: u.key, initiated: u.initiated.getTime() });
      if (due && due.at <= now) {
        try {
          await this.multipart.abort(b.bucketName, u.key, u.uploadId);
          report.abortedUploads++;
          continue;
        } catch (err) {
          // Completed or aborted meanwhile: nothing left to do.
          if (!(err instanceof DomainError && err.code === 'UploadNotFound')) throw err;
          continue;
        }
      }
      kept = { phase: 'uploads', key: u.key, uploadId: u.uploadId };
    }
    return page.isTruncated ? kept : { phase: 'objects' };
  }

  /** Expiration (Days or Date) of current versions, in key order. */
  private async expireObjects(
    b: LifecycleBucket,
    cursor: LifecycleCursor,
    now: number,
    report: LifecycleRunReport,
  ): Promise<LifecycleCursor> {
    const rules = expirationRules(b.rules);
    if (rules.length === 0) return { phase: 'versions' };
    const page = await this.objects.list(b.bucketName, { prefix: scanPrefix(rules), after: cursor.key, maxKeys: BATCH });
    for (const o of page.objects) {
      const tags = await this.tagsFor(b, o, needsTags(rules));
      const due = currentExpiration(rules, { key: o.key, size: o.size, tags, lastModified: o.lastModified.getTime() });
      if (due && due.at <= now && (await this.expireCurrent(b, o))) report.expiredObjects++;
    }
    return page.isTruncated && page.lastReturned !== undefined ? { phase: 'objects', key: page.lastReturned } : { phase: 'versions' };
  }

  /**
   * Deletes the current version as a client's DeleteObject would (in a versioned bucket: a delete
   * marker), unless it changed since it was listed: a new write is not what the rule saw.
   */
  private async expireCurrent(b: LifecycleBucket, listed: ObjectView): Promise<boolean> {
    try {
      const { object } = await this.objects.head(b.bucketName, listed.key);
      if (
        object.versionId !== listed.versionId ||
        object.etag !== listed.etag ||
        object.lastModified.getTime() !== listed.lastModified.getTime()
      ) {
        return false;
      }
      await this.objects.delete(b.bucketName, listed.key, { lifecycle: true });
      return true;
    } catch (err) {
      if (err instanceof DomainError && err.code !== 'BucketNotFound') return false;
      throw err;
    }
  }

  /**
   * NoncurrentVersionExpiration and expired delete markers, over every version in key order
   * (newest first within a key). The cursor carries, for the key in progress, when its last
   * version seen was created (its successor's time makes the next one noncurrent) and how many
   * noncurrent versions came before.
   */
  private async expireVersions(
    b: LifecycleBucket,
    cursor: LifecycleCursor,
    now: number,
    report: LifecycleRunReport,
  ): Promise<LifecycleCursor | null> {
    const ncRules = noncurrentRules(b.rules);
    const markerRules = deleteMarkerRules(b.rules);
    if (ncRules.length === 0 && markerRules.length === 0) return null;
    if ((await this.buckets.get(b.bucketName)).versioning === null) return null;
    const page = await this.versions.listObjectVersions(b.bucketName, {
      prefix: scanPrefix([...ncRules, ...markerRules]),
      keyMarker: cursor.key,
      versionIdMarker: cursor.versionId,
      maxKeys: BATCH,
    });
    let key = cursor.key;
    let successorTime = cursor.successorTime;
    let noncurrentSeen = cursor.noncurrentSeen ?? 0;
    for (const v of page.versions) {
      if (v.key !== key) {
        key = v.key;
        successorTime = undefined;
        noncurrentSeen = 0;
      }
      if (v.isLatest) {
        if (v.isDeleteMarker && markerRules.length > 0 && (await this.removeExpiredMarker(b, v, markerRules, now)))
          report.removedDeleteMarkers++;
      } else if (ncRules.length > 0 && successorTime !== undefined) {
        const tags = await this.tagsFor(b, v, needsTags(ncRules));
        const due = noncurrentExpiration(ncRules, {
          key: v.key,
          size: v.size,
          tags,
          noncurrentSince: successorTime,
          newerNoncurrent: noncurrentSeen,
        });
        if (due && due.at <= now) {
          const outcome = await this.removeVersion(b, v, now);
          if (outcome === 'removed') report.expiredVersions++;
          if (outcome === 'locked') report.lockedVersions++;
        }
      }
      if (!v.isLatest) noncurrentSeen++;
      successorTime = v.lastModified.getTime();
    }
    if (!page.isTruncated) return null;
    return { phase: 'versions', key: page.nextKeyMarker, versionId: page.nextVersionIdMarker, successorTime, noncurrentSeen };
  }

  /** A current delete marker goes once it is the only version of its key and a rule says it is due. */
  private async removeExpiredMarker(
    b: LifecycleBucket,
    marker: ObjectView,
    rules: ReturnType<typeof deleteMarkerRules>,
    now: number,
  ): Promise<boolean> {
    const due = expiredDeleteMarkerDue(rules, { key: marker.key, lastModified: marker.lastModified.getTime() });
    if (!due || due.at > now) return false;
    const versions = await this.versions.listVersions(b.bucketName, marker.key, { limit: 2 });
    if (versions.length !== 1 || versions[0].versionId !== marker.versionId) return false;
    return (await this.removeVersion(b, marker, now)) === 'removed';
  }

  /** Removes one version for good, never one under a retention period or a legal hold. */
  private async removeVersion(b: LifecycleBucket, v: ObjectView, now: number): Promise<'removed' | 'locked' | 'gone'> {
    if (v.legalHold === true || (v.retention !== null && v.retention.retainUntil > now)) return 'locked';
    try {
      await this.objects.delete(b.bucketName, v.key, { versionId: v.versionId, lifecycle: true });
      return 'removed';
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'ProtectedByObjectLock' || err.code === 'ObjectLocked')) return 'locked';
      if (err instanceof DomainError && err.code !== 'BucketNotFound') return 'gone';
      throw err;
    }
  }

  /** A version's tags, fetched only when a rule filters on tags and the version has some. */
  private async tagsFor(b: LifecycleBucket, v: ObjectView, needed: boolean): Promise<Record<string, string> | null> {
    if (!needed || v.tagCount === 0) return null;
    try {
      return (await this.tagging.getTags(b.bucketName, v.key, v.versionId)).tags;
    } catch (err) {
      if (err instanceof DomainError && err.code !== 'BucketNotFound') return null;
      throw err;
    }
  }

  // --- leases and cursors --------------------------------------------------------------------

  /**
   * Takes the bucket's lease if it is free or expired: one conditional UPDATE, atomic on both
   * databases (PostgreSQL re-checks the WHERE clause of a row another transaction just changed).
   * Returns the saved cursor, or null when another node holds the bucket (or, for a scheduled
   * run, when its last pass finished less than an interval ago).
   */
  private async claim(bucketId: string, scheduled: boolean): Promise<{ cursor: LifecycleCursor | null } | null> {
    return this.db.tx(async (m) => {
      await m
        .createQueryBuilder()
        .insert()
        .into(LifecycleProgressEntity)
        .values({ bucketId, leaseOwner: null, leaseUntil: 0, cursor: null, lastCompletedAt: null })
        .orIgnore()
        .execute();
      const wall = Date.now();
      const qb = m
        .createQueryBuilder()
        .update(LifecycleProgressEntity)
        .set({ leaseOwner: this.nodeId, leaseUntil: wall + LEASE_MS })
        .where('bucket_id = :bucketId', { bucketId })
        .andWhere('(lease_owner IS NULL OR lease_until < :wall)', { wall });
      if (scheduled) {
        qb.andWhere('(cursor IS NOT NULL OR last_completed_at IS NULL OR last_completed_at < :dueBefore)', {
          dueBefore: wall - this.config.lifecycleIntervalMs,
        });
      }
      const updated = await qb.execute();
      if (updated.affected !== 1) return null;
      const row = await m.findOneByOrFail(LifecycleProgressEntity, { bucketId });
      return { cursor: row.cursor };
    });
  }

  /** Saves the cursor and renews the lease; false when the lease was lost (taken over after expiring). */
  private saveProgress(bucketId: string, cursor: LifecycleCursor | null): Promise<boolean> {
    const wall = Date.now();
    return this.updateOwned(bucketId, { cursor, leaseUntil: wall + LEASE_MS, ...(cursor === null ? { lastCompletedAt: wall } : {}) });
  }

  private async release(bucketId: string): Promise<void> {
    await this.updateOwned(bucketId, { leaseOwner: null, leaseUntil: 0 });
  }

  private updateOwned(bucketId: string, values: Partial<LifecycleProgressEntity>): Promise<boolean> {
    return this.db.tx(async (m: EntityManager) => {
      const updated = await m
        .createQueryBuilder()
        .update(LifecycleProgressEntity)
        .set(values)
        .where('bucket_id = :bucketId AND lease_owner = :owner', { bucketId, owner: this.nodeId })
        .execute();
      return updated.affected === 1;
    });
  }

  /** Progress rows of buckets that no longer have a lifecycle configuration (or no longer exist). */
  private async dropStaleProgress(): Promise<void> {
    await this.db.tx((m) =>
      m
        .createQueryBuilder()
        .delete()
        .from(LifecycleProgressEntity)
        .where("bucket_id NOT IN (SELECT c.bucket_id FROM bucket_configs c WHERE c.kind = 'lifecycle')")
        .execute(),
    );
  }
}
