import { Readable } from 'node:stream';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { BucketConfigService } from '../buckets/bucket-config.service';
import { BucketsService } from '../buckets/buckets.service';
import {
  InventoryConfiguration,
  inventoryDue,
  InventoryField,
  inventoryReportPrefix,
  inventoryTimestamp,
} from '../buckets/inventory-configuration';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { Principal } from '../iam/principal';
import { ObjectVersionsService } from '../objects/object-versions.service';
import { ObjectsService, ObjectView } from '../objects/objects.service';

/** What one inventory run wrote. */
export interface InventoryRunResult {
  bucket: string;
  destinationBucket: string;
  /** The report's key in the destination bucket. */
  key: string;
  /** Rows listed (objects, or versions and delete markers with `All`). */
  rows: number;
  /** Bytes of the objects listed. */
  objectBytes: number;
  /** Size and ETag of the report itself. */
  size: number;
  etag: string;
  createdAt: Date;
}

/** A report that exists in the destination bucket. */
export interface InventoryReport {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

/** How often the scheduler looks for due reports (a report's period is a day or a week). */
export const INVENTORY_CHECK_INTERVAL_MS = 10 * 60_000;
/** Rows per listing batch while a report is written; the report is streamed, never held in memory. */
const BATCH = 1000;
const BUCKET_PAGE = 100;
/** The reports route lists at most this many reports of a bucket. */
export const MAX_LISTED_REPORTS = 10_000;

const COLUMN: Record<InventoryField, string> = {
  Size: 'size',
  ETag: 'etag',
  LastModifiedDate: 'last_modified',
  StorageClass: 'storage_class',
  VersionId: 'version_id',
  IsMultipartUploaded: 'is_multipart_uploaded',
  ContentType: 'content_type',
  ObjectLockMode: 'object_lock_mode',
  ObjectLockRetainUntilDate: 'object_lock_retain_until_date',
  ObjectLockLegalHoldStatus: 'object_lock_legal_hold_status',
};

function cell(o: ObjectView, field: InventoryField): string {
  switch (field) {
    case 'Size':
      return String(o.size);
    case 'ETag':
      return o.etag;
    case 'LastModifiedDate':
      return o.lastModified.toISOString();
    case 'StorageClass':
      return o.storageClass;
    case 'VersionId':
      return o.versionId;
    case 'IsMultipartUploaded':
      return String(o.partCount !== null);
    case 'ContentType':
      return o.isDeleteMarker ? '' : (o.metadata.headers['content-type'] ?? '');
    case 'ObjectLockMode':
      return o.retention?.mode ?? '';
    case 'ObjectLockRetainUntilDate':
      return o.retention ? new Date(o.retention.retainUntil).toISOString() : '';
    case 'ObjectLockLegalHoldStatus':
      return o.legalHold ? 'ON' : 'OFF';
  }
}

/** RFC 4180: a field with a comma, a quote or a line break is quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The header row of a report of `config`. */
export function inventoryHeader(config: Pick<InventoryConfiguration, 'fields' | 'includedVersions'>): string[] {
  return ['key', ...(config.includedVersions === 'All' ? ['is_latest', 'is_delete_marker'] : []), ...config.fields.map((f) => COLUMN[f])];
}

/**
 * Bucket inventory: writes a CSV listing of a bucket (a header row, then one row per object, or per
 * version with `All`) into the configured destination bucket under `<prefix>/<bucket>/<timestamp>.csv`,
 * through ObjectsService.put like any other object (quota charged, versioning honoured). The listing
 * is streamed in key order in batches, so a bucket of any size costs constant memory.
 *
 * Reports run on demand (run) and on schedule (Daily/Weekly, checked every few minutes unless
 * background jobs are off); a scheduled run is claimed with a compare-and-swap on the configuration,
 * so nodes sharing a database never write the same report twice.
 */
@Injectable()
export class InventoryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InventoryService.name);
  private timer?: NodeJS.Timeout;
  private scheduled?: Promise<unknown>;
  /** Runs of this process, per bucket: a second request waits for the first. */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly buckets: BucketsService,
    private readonly configs: BucketConfigService,
    private readonly objects: ObjectsService,
    private readonly versions: ObjectVersionsService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.backgroundJobs === false) return;
    this.timer = setInterval(() => {
      if (this.scheduled) return;
      this.scheduled = this.runDue()
        .catch((err) => this.logger.error(`inventory schedule failed: ${err}`, (err as Error)?.stack))
        .finally(() => (this.scheduled = undefined));
    }, INVENTORY_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.scheduled;
    await Promise.all([...this.running.values()].map((p) => p.catch(() => undefined)));
  }

  /** Writes a report of the bucket now (its configuration must exist; a disabled one runs too, on demand). */
  async run(bucket: string): Promise<InventoryRunResult> {
    const config = await this.configs.getInventory(bucket);
    if (!config) throw new DomainError('InvalidRequest', `The bucket ${bucket} has no inventory configuration`);
    const result = await this.serialized(bucket, () => this.write(bucket, config));
    await this.configs.markInventoryRun(bucket, result.createdAt.getTime());
    return result;
  }

  /** Runs every report whose schedule says it is due (the scheduler's pass; tests call it directly). */
  async runDue(): Promise<InventoryRunResult[]> {
    const done: InventoryRunResult[] = [];
    let after = '';
    for (;;) {
      const page = await this.configs.inventoryBuckets(after, BUCKET_PAGE);
      if (page.length === 0) return done;
      for (const b of page) {
        after = b.bucketId;
        const now = this.clock.now().getTime();
        if (!inventoryDue(b.config, now)) continue;
        const claimed = await this.configs.claimInventoryRun(b.bucketId, (c) => inventoryDue(c, now), now);
        if (!claimed) continue; // another node took it, or it changed meanwhile
        try {
          done.push(await this.serialized(b.bucketName, () => this.write(b.bucketName, claimed)));
        } catch (err) {
          this.logger.error(`inventory of ${b.bucketName} failed: ${err}`, (err as Error)?.stack);
        }
      }
      if (page.length < BUCKET_PAGE) return done;
    }
  }

  /** The reports in the destination bucket, newest first (at most MAX_LISTED_REPORTS). */
  async listReports(bucket: string): Promise<{ config: InventoryConfiguration | null; reports: InventoryReport[] }> {
    const config = await this.configs.getInventory(bucket);
    if (!config) return { config: null, reports: [] };
    const prefix = inventoryReportPrefix(config, bucket);
    const reports: InventoryReport[] = [];
    let after: string | undefined;
    try {
      for (;;) {
        const page = await this.objects.list(config.destinationBucket, { prefix, delimiter: '/', after, maxKeys: BATCH });
        for (const o of page.objects) {
          if (o.key.endsWith('.csv')) reports.push({ key: o.key, size: o.size, etag: o.etag, lastModified: o.lastModified });
        }
        if (!page.isTruncated || reports.length >= MAX_LISTED_REPORTS) break;
        after = page.lastReturned;
      }
    } catch (err) {
      // The destination bucket was deleted since: there are no reports to list.
      if (err instanceof DomainError && err.code === 'BucketNotFound') return { config, reports: [] };
      throw err;
    }
    return { config, reports: reports.slice(0, MAX_LISTED_REPORTS).reverse() };
  }

  private serialized<T>(bucket: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.running.get(bucket) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    const tail = next.catch(() => undefined);
    this.running.set(bucket, tail);
    void tail.then(() => {
      if (this.running.get(bucket) === tail) this.running.delete(bucket);
    });
    return next;
  }

  private async write(bucket: string, config: InventoryConfiguration): Promise<InventoryRunResult> {
    await this.buckets.entity(bucket);
    const destination = await this.buckets.entity(config.destinationBucket);
    const createdAt = this.clock.now();
    const key = `${inventoryReportPrefix(config, bucket)}${inventoryTimestamp(createdAt)}.csv`;
    const counts = { rows: 0, bytes: 0 };
    const body = Readable.from(this.csv(bucket, config, counts), { objectMode: false });
    // The report belongs to the destination bucket's owner, as if they had uploaded it.
    const owner: Principal = {
      userId: destination.ownerId,
      username: 'inventory',
      role: 'user',
      tenantId: destination.tenantId,
      account: '',
      accessKeyId: null,
    };
    const stored = await this.objects.put({
      bucket: config.destinationBucket,
      key,
      owner,
      body,
      metadata: { headers: { 'content-type': 'text/csv; charset=utf-8' }, user: { 'inventory-source-bucket': bucket } },
      algorithms: [],
    });
    this.logger.log(`inventory of ${bucket}: ${counts.rows} rows into ${config.destinationBucket}/${key}`);
    return {
      bucket,
      destinationBucket: config.destinationBucket,
      key,
      rows: counts.rows,
      objectBytes: counts.bytes,
      size: stored.size,
      etag: stored.etag,
      createdAt,
    };
  }

  /** The report's lines, listing the bucket batch by batch in key order. */
  private async *csv(bucket: string, config: InventoryConfiguration, counts: { rows: number; bytes: number }): AsyncGenerator<Buffer> {
    yield Buffer.from(`${inventoryHeader(config).join(',')}\n`, 'utf8');
    const line = (o: ObjectView) => {
      counts.rows++;
      counts.bytes += o.size;
      const cells = [
        o.key,
        ...(config.includedVersions === 'All' ? [String(o.isLatest), String(o.isDeleteMarker)] : []),
        ...config.fields.map((f) => cell(o, f)),
      ];
      return cells.map(csvField).join(',');
    };
    if (config.includedVersions === 'All') {
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      for (;;) {
        const page = await this.versions.listObjectVersions(bucket, { keyMarker, versionIdMarker, maxKeys: BATCH });
        if (page.versions.length > 0) yield Buffer.from(page.versions.map((o) => `${line(o)}\n`).join(''), 'utf8');
        if (!page.isTruncated) return;
        keyMarker = page.nextKeyMarker;
        versionIdMarker = page.nextVersionIdMarker;
      }
    }
    let after: string | undefined;
    for (;;) {
      const page = await this.objects.list(bucket, { after, maxKeys: BATCH });
      if (page.objects.length > 0) yield Buffer.from(page.objects.map((o) => `${line(o)}\n`).join(''), 'utf8');
      if (!page.isTruncated) return;
      after = page.lastReturned;
    }
  }
}
