import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { BucketsService } from '../buckets/buckets.service';
import { Clock } from '../common/clock';
import { DatabaseService } from '../database/database.service';
import { CHECKSUM_ALGORITHMS, ChecksumAlgorithm, newDigester } from '../objects/checksums';
import { EncryptionService } from '../encryption/encryption.service';
import { ManifestEntry, ObjectEntity } from '../objects/entities/object.entity';
import { BlobStore } from '../storage/blob-store.service';
import { cipherSize } from '../storage/package-cipher';
import { BlobNotFoundError } from '../storage/storage-backend';

/** Why a version failed verification. */
export type IntegrityProblem =
  'missing_blob' | 'size_mismatch' | 'etag_mismatch' | 'part_etag_mismatch' | 'checksum_mismatch' | 'read_error';

export interface IntegrityFailure {
  key: string;
  versionId: string;
  problem: IntegrityProblem;
  detail: string;
}

export interface IntegrityReport {
  bucket: string;
  /** Versions read (delete markers have no bytes and are not counted). */
  versionsChecked: number;
  blobsChecked: number;
  bytesChecked: number;
  passed: number;
  failed: number;
  /** The first MAX_REPORTED_FAILURES failures. */
  failures: IntegrityFailure[];
  failuresTruncated: boolean;
  startedAt: Date;
  finishedAt: Date;
}

/** Another verification of this bucket ran too recently, or is running. */
export class IntegrityRateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`The integrity of this bucket was verified less than ${VERIFY_INTERVAL_MS / 1000} seconds ago; retry in ${retryAfterSeconds} s`);
    this.name = 'IntegrityRateLimitedError';
  }
}

/** A bucket is verified at most once per this interval (per process): each run re-reads every byte. */
export const VERIFY_INTERVAL_MS = 60_000;
export const MAX_REPORTED_FAILURES = 1000;
const BATCH = 200;

/**
 * Bucket integrity verification: re-reads every blob of every version of a bucket and compares
 * what it reads with what the metadata promises: the size of each blob, the MD5 of a single-part
 * object (its ETag), the MD5 of each part of a multipart object (the part ETags of its manifest),
 * and the stored full-object checksums (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256). Composite
 * (per-part) checksums of multipart objects are not re-derived: their part digests are not stored.
 * Versions are walked in key order in batches; the bytes stream through the digests.
 */
@Injectable()
export class IntegrityService {
  /** Per bucket: when the last run started, and whether one is running. */
  private readonly runs = new Map<string, { startedAt: number; running: boolean }>();

  constructor(
    private readonly db: DatabaseService,
    private readonly buckets: BucketsService,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly encryption: EncryptionService,
  ) {}

  /** Verifies the bucket; IntegrityRateLimitedError when it was verified less than VERIFY_INTERVAL_MS ago. */
  async verify(bucketName: string): Promise<IntegrityReport> {
    const bucket = await this.buckets.entity(bucketName);
    this.buckets.assertHeldHere(bucket); // the blobs to re-read are on the owner node's volume
    const now = Date.now();
    const last = this.runs.get(bucket.id);
    if (last && (last.running || now - last.startedAt < VERIFY_INTERVAL_MS)) {
      throw new IntegrityRateLimitedError(Math.max(1, Math.ceil((last.startedAt + VERIFY_INTERVAL_MS - now) / 1000)));
    }
    const run = { startedAt: now, running: true };
    this.runs.set(bucket.id, run);
    try {
      return await this.walk(bucket.id, bucketName);
    } finally {
      run.running = false;
      if (this.runs.size > 10_000) this.runs.clear();
    }
  }

  private async walk(bucketId: string, bucketName: string): Promise<IntegrityReport> {
    const report: IntegrityReport = {
      bucket: bucketName,
      versionsChecked: 0,
      blobsChecked: 0,
      bytesChecked: 0,
      passed: 0,
      failed: 0,
      failures: [],
      failuresTruncated: false,
      startedAt: this.clock.now(),
      finishedAt: this.clock.now(),
    };
    let cursor: { key: string; order: string } | undefined;
    for (;;) {
      const qb = this.db.repo(ObjectEntity).createQueryBuilder('o').where('o.bucket_id = :bucketId', { bucketId });
      // A row-value comparison: one index range on (bucket_id, key, version_order) on both databases.
      if (cursor) qb.andWhere('(o.key, o.version_order) > (:key, :order)', cursor);
      const rows = await qb.orderBy('o.key', 'ASC').addOrderBy('o.versionOrder', 'ASC').limit(BATCH).getMany();
      for (const row of rows) {
        cursor = { key: row.key, order: row.versionOrder };
        if (row.isDeleteMarker) continue;
        report.versionsChecked++;
        const failure = await this.check(row, report);
        if (!failure) {
          report.passed++;
          continue;
        }
        report.failed++;
        if (report.failures.length < MAX_REPORTED_FAILURES) report.failures.push(failure);
        else report.failuresTruncated = true;
      }
      if (rows.length < BATCH) break;
    }
    report.finishedAt = this.clock.now();
    return report;
  }

  /** The bytes of one blob: decrypted (and so authenticated) for SSE-S3, as stored otherwise. */
  private async openEntry(row: ObjectEntity, entry: ManifestEntry): Promise<Readable> {
    if (!entry.k || !row.sse || row.sse.mode === 'SSE-C') return this.blobs.read(entry.b);
    if (entry.s === 0) return Readable.from([]);
    return this.blobs.readDecrypted(entry.b, await this.encryption.dataKey(entry.k, row.sse), entry.s, 0, entry.s - 1);
  }

  /** Reads one version's blobs; the first problem found, or null. */
  private async check(row: ObjectEntity, report: IntegrityReport): Promise<IntegrityFailure | null> {
    const fail = (problem: IntegrityProblem, detail: string): IntegrityFailure => ({
      key: row.key,
      versionId: row.versionId,
      problem,
      detail,
    });
    const fullObject = row.checksums && row.checksums.type !== 'COMPOSITE';
    const algorithms = fullObject ? CHECKSUM_ALGORITHMS.filter((a) => row.checksums?.[a] !== undefined) : [];
    const digesters = algorithms.map((a) => [a, newDigester(a)] as [ChecksumAlgorithm, ReturnType<typeof newDigester>]);
    const wholeMd5 = createHash('md5');
    let total = 0;
    // SSE-C: without the customer's key only the stored size can be checked (and S3 gives no MD5 ETag).
    const opaque = row.sse?.mode === 'SSE-C';
    // SSE-KMS: decrypted (every package authenticates), but its ETags are not MD5s.
    const md5Etags = !this.encryption.hasOpaqueEtag(row.sse);
    for (const [i, entry] of row.manifest.entries()) {
      const partMd5 = createHash('md5');
      let size = 0;
      try {
        const stream = await this.openEntry(row, entry);
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          size += chunk.length;
          partMd5.update(chunk);
          wholeMd5.update(chunk);
          for (const [, d] of digesters) d.update(chunk);
        }
      } catch (err) {
        const missing = err instanceof BlobNotFoundError || (err as NodeJS.ErrnoException)?.code === 'ENOENT';
        return missing
          ? fail('missing_blob', `blob ${i + 1} of ${row.manifest.length} is missing`)
          : fail('read_error', `blob ${i + 1}: ${String(err)}`);
      }
      report.blobsChecked++;
      report.bytesChecked += size;
      total += size;
      const expectedSize = opaque && entry.k ? cipherSize(entry.s) : entry.s;
      if (size !== expectedSize) return fail('size_mismatch', `blob ${i + 1} holds ${size} bytes, ${expectedSize} expected`);
      if (opaque) {
        total += entry.s - size;
        continue;
      }
      const md5 = partMd5.digest('hex');
      if (md5Etags && entry.e !== undefined && md5 !== entry.e)
        return fail('part_etag_mismatch', `part ${i + 1}: MD5 ${md5}, ETag ${entry.e} expected`);
    }
    if (total !== row.size) return fail('size_mismatch', `${total} bytes read, ${row.size} expected`);
    if (opaque) return null;
    if (row.partCount === null && md5Etags) {
      const md5 = wholeMd5.digest('hex');
      if (md5 !== row.etag) return fail('etag_mismatch', `MD5 ${md5}, ETag ${row.etag} expected`);
    }
    for (const [algorithm, d] of digesters) {
      const actual = (await d.digest()).toString('base64');
      const expected = row.checksums![algorithm]!;
      if (actual !== expected) return fail('checksum_mismatch', `${algorithm.toUpperCase()} ${actual}, ${expected} expected`);
    }
    return null;
  }
}
