import { EventOrigin, OBJECT_EVENT } from '../events/event-record';
import { createHash } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { IdGenerator } from '../common/ids';
import { objectOwnerOf } from '../buckets/bucket-controls';
import { BucketsService } from '../buckets/buckets.service';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { DatabaseService } from '../database/database.service';
import { EncryptionService } from '../encryption/encryption.service';
import { CustomerKey, EncryptionRequest, ObjectEncryption } from '../encryption/encryption.types';
import { Principal } from '../iam/principal';
import { ChecksumAlgorithm, compositeChecksum, DigestStream, StreamDigests } from '../objects/checksums';
import { evaluateConditions, ReadConditions } from '../objects/conditions';
import { ObjectChecksums, ObjectEntity, ObjectMetadata } from '../objects/entities/object.entity';
import { LockRequest } from '../objects/object-lock';
import { ObjectTags } from '../objects/object-tags';
import { assertValidKey } from '../objects/object-key';
import { commonPrefixOf, pastPrefix } from '../objects/key-order';
import {
  assertLockRequest,
  DigestExpectations,
  lockAndTagColumns,
  ObjectsService,
  REPLICA,
  verifyDigests,
  WriteConditions,
} from '../objects/objects.service';
import { BlobStore } from '../storage/blob-store.service';
import { BlobWriteResult } from '../storage/storage-backend';
import { combineCrcs, isCombinableCrc } from './crc-combine';
import { MultipartUploadEntity } from './entities/multipart-upload.entity';
import { UploadPartEntity } from './entities/upload-part.entity';

/** Every part but the last must be at least this big (S3: 5 MiB). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;
/** The largest object a multipart upload may assemble (S3: 5 TiB). */
export const MAX_MULTIPART_OBJECT_SIZE = 5 * 1024 ** 4;

export type ChecksumType = 'COMPOSITE' | 'FULL_OBJECT';

/** What callers see of an upload (never the entity). */
export interface UploadView {
  uploadId: string;
  key: string;
  initiated: Date;
  ownerId: string;
  storageClass: string;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
  encryption?: ObjectEncryption | null;
}

export interface PartView {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: Date;
  checksums: ObjectChecksums | null;
  /** Set on the answer of UploadPart / UploadPartCopy. */
  encryption?: ObjectEncryption | null;
}

export interface CreateUploadInput {
  bucket: string;
  key: string;
  owner: Principal;
  metadata: ObjectMetadata;
  storageClass?: string;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
  /** x-amz-tagging (validated): the completed object's tags. */
  tags?: ObjectTags;
  /** x-amz-object-lock-*: the completed object's retention and legal hold. */
  lock?: LockRequest;
  /** Encryption of the parts and the object (the bucket's default otherwise). */
  encryption?: EncryptionRequest;
}

export interface PartTarget {
  bucket: string;
  key: string;
  uploadId: string;
  partNumber: number;
  /** The SSE-C key of an SSE-C upload (the one given to CreateMultipartUpload). */
  customerKey?: CustomerKey;
}

export interface UploadPartInput extends PartTarget, DigestExpectations {
  body: Readable;
  /** Checksum algorithms the request asked for (the upload's own algorithm is always added). */
  algorithms: ChecksumAlgorithm[];
}

export interface UploadPartCopyInput extends PartTarget {
  srcBucket: string;
  srcKey: string;
  srcVersionId?: string;
  /** Inclusive byte range of the source (x-amz-copy-source-range); the whole object when absent. */
  range?: { start: number; end: number };
  sourceConditions?: ReadConditions;
  /** The SSE-C key of the source. */
  sourceCustomerKey?: CustomerKey;
}

export interface CompletedPartInput {
  partNumber: number;
  /** As the client sent it: quotes optional. */
  etag: string;
  /** Part checksums listed in the request (base64). */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

export interface CompleteUploadInput {
  bucket: string;
  key: string;
  uploadId: string;
  parts: CompletedPartInput[];
  /** Whole-object checksum headers of the request, checked against the computed one. */
  expectedChecksums?: Partial<Record<ChecksumAlgorithm, string>>;
  /** x-amz-mp-object-size */
  expectedSize?: number;
  conditions?: WriteConditions;
  /** The request, for the bucket notification's record. */
  origin?: EventOrigin;
  /** Written by a replication from another server (x-amz-replication-status REPLICA). */
  replica?: boolean;
}

export interface CompletedUpload {
  etag: string;
  size: number;
  lastModified: Date;
  checksums: ObjectChecksums | null;
  versionId: string;
  /** The bucket has a versioning state: S3 then reports the version id. */
  versioned: boolean;
  encryption: ObjectEncryption | null;
  /** The object's tags (from CreateMultipartUpload), for the lifecycle rules that filter on them. */
  tags: ObjectTags | null;
}

export interface CopiedPart extends PartView {
  /** The version of the source the bytes came from. */
  sourceVersionId: string;
  sourceVersioned: boolean;
}

export interface ListPartsResult {
  upload: UploadView;
  parts: PartView[];
  isTruncated: boolean;
}

export interface ListUploadsInput {
  prefix?: string;
  delimiter?: string;
  keyMarker?: string;
  uploadIdMarker?: string;
  maxUploads: number;
}

export interface ListUploadsResult {
  uploads: UploadView[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** Where the next page starts: the last key or common prefix returned, and the last upload id (not for a prefix). */
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

const LIST_BATCH = 1000;

const toUploadView = (u: MultipartUploadEntity): UploadView => ({
  uploadId: u.uploadId,
  key: u.key,
  initiated: new Date(u.initiated),
  ownerId: u.ownerId,
  storageClass: u.storageClass,
  checksumAlgorithm: (u.checksumAlgorithm as ChecksumAlgorithm | null) ?? undefined,
  checksumType: (u.checksumType as ChecksumType | null) ?? undefined,
  encryption: u.sse ?? null,
});

const toPartView = (p: UploadPartEntity): PartView => ({
  partNumber: p.partNumber,
  etag: p.etag,
  size: p.size,
  lastModified: new Date(p.lastModified),
  checksums: p.checksums,
});

const unquote = (etag: string): string => etag.trim().replace(/^"(.*)"$/, '$1');

/**
 * Multipart uploads: parts are blobs, registered as they arrive; a completed upload becomes an
 * object whose manifest lists the chosen parts' blobs in order, in one transaction.
 */
@Injectable()
export class MultipartService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly buckets: BucketsService,
    private readonly objects: ObjectsService,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly encryption: EncryptionService,
  ) {}

  async create(input: CreateUploadInput): Promise<UploadView> {
    assertValidKey(input.key);
    const bucket = await this.buckets.entity(input.bucket);
    if (input.lock) assertLockRequest(bucket, input.lock, this.clock.now());
    const algorithm = input.checksumAlgorithm;
    let type = input.checksumType;
    if (type && !algorithm) {
      throw new DomainError('InvalidRequest', 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
    }
    if (algorithm) {
      type ??= algorithm === 'crc64nvme' ? 'FULL_OBJECT' : 'COMPOSITE';
      if (type === 'FULL_OBJECT' && !isCombinableCrc(algorithm)) {
        throw new DomainError('InvalidRequest', `The FULL_OBJECT checksum type cannot be used with the ${algorithm} checksum algorithm.`);
      }
      if (type === 'COMPOSITE' && algorithm === 'crc64nvme') {
        throw new DomainError('InvalidRequest', 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.');
      }
    }
    const { enc } = await this.objects.encryptionFor(input.bucket, input.encryption);
    const row: MultipartUploadEntity = Object.assign(new MultipartUploadEntity(), {
      sse: enc,
      uploadId: this.ids.uploadId(),
      bucketId: bucket.id,
      key: input.key,
      initiated: this.clock.now().getTime(),
      ownerId: input.owner.userId,
      metadata: input.metadata,
      checksumAlgorithm: algorithm ?? null,
      checksumType: type ?? null,
      storageClass: input.storageClass ?? 'STANDARD',
      ...lockAndTagColumns(input.tags, input.lock),
    });
    await this.db.tx((m) => m.insert(MultipartUploadEntity, row));
    return toUploadView(row);
  }

  /** Streams a part into a new blob, verifies every digest like PutObject, then records it (replacing an earlier part of that number). */
  async uploadPart(input: UploadPartInput): Promise<PartView> {
    const bucket = await this.buckets.entity(input.bucket);
    const upload = await this.findUpload(this.db.manager, bucket, input.key, input.uploadId);
    this.encryption.checkCustomerKey(upload.sse, input.customerKey);
    if (input.size !== undefined && input.size > this.config.maxObjectSize) {
      throw new DomainError('ObjectTooLarge', undefined, { size: input.size, max: this.config.maxObjectSize });
    }
    const algorithms = new Set(input.algorithms);
    if (upload.checksumAlgorithm) algorithms.add(upload.checksumAlgorithm as ChecksumAlgorithm);

    const digests = new DigestStream(algorithms, input.payloadSha256 !== undefined);
    // pipeline, not pipe: a failing body (client gone) must fail the blob write, not stall it.
    let result!: StreamDigests;
    const written = await this.objects.writeBlob(
      pipeline(input.body, digests, () => undefined),
      upload.sse,
      input.customerKey,
      async () => {
        result = await digests.result();
        verifyDigests(result, input);
      },
      bucket.nodeId,
    );
    return this.savePart(bucket, input, written, result, upload.sse);
  }

  /** Copies a byte range of an existing object into a new part blob (the bytes are read: parts may be any slice). */
  async uploadPartCopy(input: UploadPartCopyInput): Promise<CopiedPart> {
    const bucket = await this.buckets.entity(input.bucket);
    const upload = await this.findUpload(this.db.manager, bucket, input.key, input.uploadId);
    this.encryption.checkCustomerKey(upload.sse, input.customerKey);
    const { object: src, versioned: sourceVersioned } = await this.objects.head(input.srcBucket, input.srcKey, {
      versionId: input.srcVersionId,
      customerKey: input.sourceCustomerKey,
    });
    if (input.sourceConditions && evaluateConditions(input.sourceConditions, src.etag, src.lastModified, true) !== 'ok') {
      throw new DomainError('PreconditionFailed');
    }
    if (input.range && (input.range.start > input.range.end || input.range.end >= src.size)) {
      // A range the source cannot satisfy: InvalidRange (416), as S3 (a malformed one is InvalidArgument, in the S3 layer).
      throw new DomainError('InvalidRange', `Range specified is not valid for source object of size: ${src.size}`, {
        size: src.size,
        range: `bytes=${input.range.start}-${input.range.end}`,
      });
    }
    const length = input.range ? input.range.end - input.range.start + 1 : src.size;
    if (length > this.config.maxObjectSize) {
      throw new DomainError(
        'InvalidRequest',
        `The specified copy source is larger than the maximum allowable size for a copy source: ${this.config.maxObjectSize}`,
      );
    }
    // The version id and If-Match pin the version whose size and conditions were just checked.
    const { body } = await this.objects.get(input.srcBucket, input.srcKey, {
      versionId: src.versionId,
      conditions: { ifMatch: src.etag },
      range: input.range ? `bytes=${input.range.start}-${input.range.end}` : undefined,
      customerKey: input.sourceCustomerKey,
    });
    const digests = new DigestStream(upload.checksumAlgorithm ? [upload.checksumAlgorithm as ChecksumAlgorithm] : [], false);
    let result!: StreamDigests;
    const written = await this.objects.writeBlob(
      pipeline(body, digests, () => undefined),
      upload.sse,
      input.customerKey,
      async () => {
        result = await digests.result();
        if (result.size !== length)
          throw new Error(`copy source ${input.srcBucket}/${input.srcKey} ended after ${result.size} of ${length} bytes`);
      },
      bucket.nodeId,
    );
    const part = await this.savePart(bucket, input, written, result, upload.sse);
    return { ...part, sourceVersionId: src.versionId, sourceVersioned };
  }

  /**
   * Records a written part blob. Inside the transaction the upload must still exist (it may have
   * been completed or aborted while the part streamed); otherwise the blob is discarded.
   */
  private async savePart(
    bucket: BucketEntity,
    target: PartTarget,
    written: BlobWriteResult & { dataKey?: string },
    digests: StreamDigests,
    enc: ObjectEncryption | null,
  ): Promise<PartView> {
    const row: UploadPartEntity = Object.assign(new UploadPartEntity(), {
      uploadId: target.uploadId,
      partNumber: target.partNumber,
      // SSE-C parts get an opaque ETag, as S3 gives them (never the plaintext's MD5).
      etag: enc?.mode === 'SSE-C' ? this.encryption.opaqueEtag() : digests.md5.toString('hex'),
      // The plaintext size; the blob registry records the stored (encrypted) size.
      size: digests.size,
      blobId: written.blobId,
      dataKey: written.dataKey ?? null,
      checksums: Object.keys(digests.checksums).length ? { ...digests.checksums } : null,
      lastModified: this.clock.now().getTime(),
    });
    let released: string[] = [];
    try {
      await this.db.tx(async (m) => {
        released = [];
        await this.buckets.assertWritable(m, bucket);
        await this.lockUpload(m, bucket, target.key, target.uploadId);
        const old = await m.findOneBy(UploadPartEntity, { uploadId: target.uploadId, partNumber: target.partNumber });
        if (old) {
          released.push(old.blobId);
          await m.delete(UploadPartEntity, { uploadId: target.uploadId, partNumber: target.partNumber });
        }
        await m.insert(UploadPartEntity, row);
        await this.blobs.register(m, [{ blobId: written.blobId, size: written.size }]);
        await this.blobs.unregister(m, released);
      });
    } catch (err) {
      await this.blobs.discard([written.blobId], bucket.nodeId);
      throw err;
    }
    await this.blobs.release(released, bucket.nodeId);
    return { ...toPartView(row), encryption: enc };
  }

  /**
   * Assembles the listed parts into an object: ETag md5-of-md5s "-N", manifest of the part blobs,
   * and the upload's checksum (COMPOSITE or FULL_OBJECT). Parts not listed are released.
   */
  /**
   * CompleteMultipartUpload. Idempotent as on S3: completing an upload that is already complete,
   * with the same parts, answers the result again while that version exists.
   */
  async complete(input: CompleteUploadInput): Promise<CompletedUpload> {
    try {
      return await this.completeOnce(input);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'UploadNotFound') throw err;
      const done = await this.completedBefore(input);
      if (!done) throw err;
      return done;
    }
  }

  /** The result of an earlier completion of this upload with the same parts, if its version still exists. */
  private async completedBefore(input: CompleteUploadInput): Promise<CompletedUpload | null> {
    const bucket = await this.buckets.entity(input.bucket);
    const row = await this.db.repo(ObjectEntity).findOneBy({ bucketId: bucket.id, key: input.key, uploadId: input.uploadId });
    if (!row || row.isDeleteMarker) return null;
    const same = row.manifest.length === input.parts.length && input.parts.every((p, i) => unquote(p.etag) === row.manifest[i].e);
    if (!same) return null;
    return {
      etag: row.etag,
      size: row.size,
      lastModified: new Date(row.lastModified),
      checksums: row.checksums,
      versionId: row.versionId,
      versioned: bucket.versioning !== null,
      encryption: row.sse,
      tags: row.tags,
    };
  }

  private async completeOnce(input: CompleteUploadInput): Promise<CompletedUpload> {
    const bucket = await this.buckets.entity(input.bucket);
    const upload = await this.findUpload(this.db.manager, bucket, input.key, input.uploadId);
    let previous = 0;
    for (const p of input.parts) {
      if (p.partNumber <= previous) throw new DomainError('InvalidPartOrder');
      previous = p.partNumber;
    }
    const stored = new Map((await this.db.repo(UploadPartEntity).findBy({ uploadId: upload.uploadId })).map((p) => [p.partNumber, p]));
    const used = input.parts.map((p) => {
      const part = stored.get(p.partNumber);
      if (!part || unquote(p.etag) !== part.etag) {
        throw new DomainError('InvalidPart', undefined, { partNumber: p.partNumber, etag: p.etag, uploadId: upload.uploadId });
      }
      for (const [algorithm, value] of Object.entries(p.checksums) as Array<[ChecksumAlgorithm, string]>) {
        const have = part.checksums?.[algorithm];
        if (have !== undefined && have !== value) {
          throw new DomainError(
            'InvalidPart',
            `The ${algorithm.toUpperCase()} you specified for part ${p.partNumber} did not match what was uploaded.`,
            {
              partNumber: p.partNumber,
              etag: p.etag,
            },
          );
        }
      }
      return part;
    });
    used.forEach((part, i) => {
      if (i < used.length - 1 && part.size < MIN_PART_SIZE) {
        throw new DomainError('EntityTooSmall', undefined, {
          partNumber: part.partNumber,
          etag: part.etag,
          proposedSize: part.size,
          minSizeAllowed: MIN_PART_SIZE,
        });
      }
    });
    const size = used.reduce((sum, p) => sum + p.size, 0);
    if (size > MAX_MULTIPART_OBJECT_SIZE) throw new DomainError('ObjectTooLarge', undefined, { size, max: MAX_MULTIPART_OBJECT_SIZE });
    if (input.expectedSize !== undefined && input.expectedSize !== size) {
      throw new DomainError(
        'InvalidRequest',
        `The provided 'x-amz-mp-object-size' header value ${input.expectedSize} does not match what was computed: ${size}`,
      );
    }
    const checksums = await this.objectChecksums(upload, used, input.expectedChecksums ?? {});
    const md5s = createHash('md5');
    for (const p of used) md5s.update(Buffer.from(p.etag, 'hex'));
    const etag = `${md5s.digest('hex')}-${used.length}`;
    const now = this.clock.now().getTime();
    const row: ObjectEntity = Object.assign(new ObjectEntity(), {
      id: this.ids.uuid(),
      bucketId: bucket.id,
      key: upload.key,
      versionId: 'null',
      isLatest: true,
      isDeleteMarker: false,
      size,
      etag,
      metadata: upload.metadata,
      checksums,
      // Part checksums are kept: GetObjectAttributes and GET/HEAD ?partNumber answer them.
      manifest: used.map((p) => ({
        b: p.blobId,
        s: p.size,
        e: p.etag,
        ...(p.dataKey ? { k: p.dataKey } : {}),
        ...(p.checksums ? { c: p.checksums } : {}),
      })),
      sse: upload.sse,
      partCount: used.length,
      uploadId: upload.uploadId,
      storageClass: upload.storageClass,
      ownerId: objectOwnerOf(bucket, upload.ownerId),
      lastModified: now,
      tags: upload.tags,
      lockMode: upload.lockMode,
      lockRetainUntil: upload.lockRetainUntil,
      legalHold: upload.legalHold,
      replicationStatus: input.replica ? REPLICA : null,
    });
    // The part blobs are registered already; the transaction turns them into the object's.
    const { versioned } = await this.objects.commitObject(
      bucket,
      row,
      [],
      input.conditions,
      async (m) => {
        await this.lockUpload(m, bucket, input.key, input.uploadId);
        const current = await m.findBy(UploadPartEntity, { uploadId: input.uploadId });
        const blobOf = new Map(current.map((p) => [p.partNumber, p.blobId]));
        const replaced = used.find((p) => blobOf.get(p.partNumber) !== p.blobId);
        if (replaced) {
          throw new DomainError('InvalidPart', `Part ${replaced.partNumber} was replaced while the upload was being completed.`, {
            partNumber: replaced.partNumber,
          });
        }
        await m.delete(UploadPartEntity, { uploadId: input.uploadId });
        await m.delete(MultipartUploadEntity, { uploadId: input.uploadId });
        const usedBlobs = new Set(used.map((p) => p.blobId));
        return current.filter((p) => !usedBlobs.has(p.blobId)).map((p) => p.blobId);
      },
      { name: OBJECT_EVENT.completeMultipartUpload, origin: input.origin },
    );
    return {
      etag,
      size,
      lastModified: new Date(now),
      checksums,
      versionId: row.versionId,
      versioned,
      encryption: upload.sse,
      tags: upload.tags,
    };
  }

  private async objectChecksums(
    upload: MultipartUploadEntity,
    parts: UploadPartEntity[],
    expected: Partial<Record<ChecksumAlgorithm, string>>,
  ): Promise<ObjectChecksums | null> {
    const algorithm = upload.checksumAlgorithm as ChecksumAlgorithm | null;
    if (!algorithm) return null;
    const digests = parts.map((p) => p.checksums?.[algorithm]);
    // Every part of an upload with an algorithm is hashed with it; a gap means a corrupt row.
    if (digests.some((d) => d === undefined)) throw new Error(`upload ${upload.uploadId} has a part without its ${algorithm} checksum`);
    let value: string;
    if (upload.checksumType === 'FULL_OBJECT' && isCombinableCrc(algorithm)) {
      value = combineCrcs(
        algorithm,
        parts.map((p, i) => ({ crc: Buffer.from(digests[i]!, 'base64'), size: p.size })),
      ).toString('base64');
    } else {
      value = await compositeChecksum(algorithm, digests as string[]);
    }
    const given = expected[algorithm];
    if (given !== undefined && given !== value) {
      throw new DomainError('ChecksumMismatch', `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`, {
        algorithm,
      });
    }
    return { [algorithm]: value, type: upload.checksumType === 'FULL_OBJECT' ? 'FULL_OBJECT' : 'COMPOSITE' };
  }

  /** Drops the upload and releases every part's blob. */
  async abort(bucketName: string, key: string, uploadId: string): Promise<void> {
    const bucket = await this.buckets.entity(bucketName);
    let released: string[] = [];
    await this.db.tx(async (m) => {
      released = [];
      await this.lockUpload(m, bucket, key, uploadId);
      const parts = await m.find(UploadPartEntity, { select: { blobId: true }, where: { uploadId } });
      released = parts.map((p) => p.blobId);
      await m.delete(UploadPartEntity, { uploadId });
      await m.delete(MultipartUploadEntity, { uploadId });
      await this.blobs.unregister(m, released);
    });
    await this.blobs.release(released, bucket.nodeId);
  }

  /** One page of an upload's parts in part-number order, after `partNumberMarker`. */
  async listParts(
    bucketName: string,
    key: string,
    uploadId: string,
    opts: { partNumberMarker: number; maxParts: number },
  ): Promise<ListPartsResult> {
    const bucket = await this.buckets.entity(bucketName);
    const upload = await this.findUpload(this.db.manager, bucket, key, uploadId);
    const rows = await this.db
      .repo(UploadPartEntity)
      .createQueryBuilder('p')
      .where('p.upload_id = :uploadId', { uploadId })
      .andWhere('p.part_number > :marker', { marker: opts.partNumberMarker })
      .orderBy('p.partNumber', 'ASC')
      .limit(opts.maxParts + 1)
      .getMany();
    return { upload: toUploadView(upload), parts: rows.slice(0, opts.maxParts).map(toPartView), isTruncated: rows.length > opts.maxParts };
  }

  /**
   * One page of a bucket's uploads, by key (byte order) then initiation time. Keyset pagination:
   * each batch seeks past the last row (or common prefix) returned, never OFFSET.
   */
  async listUploads(bucketName: string, input: ListUploadsInput): Promise<ListUploadsResult> {
    const bucket = await this.buckets.entity(bucketName);
    const prefix = input.prefix ?? '';
    const delimiter = input.delimiter || undefined;
    const out: ListUploadsResult = { uploads: [], commonPrefixes: [], isTruncated: false };
    const max = input.maxUploads;
    if (max <= 0) return out;

    // The cursor: rows after `key` (or from it, when inclusive), or after one upload of `key`.
    let cursor: { key: string; inclusive: boolean; after?: { initiated: number; uploadId: string } } = { key: '', inclusive: true };
    if (input.keyMarker !== undefined && input.keyMarker !== '') {
      cursor = { key: input.keyMarker, inclusive: false };
      if (input.uploadIdMarker) {
        const marker = await this.db
          .repo(MultipartUploadEntity)
          .findOneBy({ uploadId: input.uploadIdMarker, bucketId: bucket.id, key: input.keyMarker });
        // An unknown marker (completed or aborted since) continues after the whole key.
        if (marker) cursor.after = { initiated: marker.initiated, uploadId: marker.uploadId };
      }
      if (delimiter && !cursor.after && input.keyMarker.startsWith(prefix)) {
        if (commonPrefixOf(input.keyMarker, prefix, delimiter) === input.keyMarker)
          cursor = { key: pastPrefix(input.keyMarker), inclusive: false };
      }
    }
    if (prefix && cursor.key < prefix) cursor = { key: prefix, inclusive: true };

    const count = () => out.uploads.length + out.commonPrefixes.length;
    for (;;) {
      const batchSize = Math.min(LIST_BATCH, max - count() + 1);
      const qb = this.db.repo(MultipartUploadEntity).createQueryBuilder('u').where('u.bucket_id = :bucketId', { bucketId: bucket.id });
      if (cursor.after) {
        qb.andWhere(
          '(u.key > :key OR (u.key = :key AND (u.initiated > :initiated OR (u.initiated = :initiated AND u.upload_id > :uploadId))))',
          {
            key: cursor.key,
            initiated: cursor.after.initiated,
            uploadId: cursor.after.uploadId,
          },
        );
      } else {
        qb.andWhere(cursor.inclusive ? 'u.key >= :key' : 'u.key > :key', { key: cursor.key });
      }
      const rows = await qb
        .orderBy('u.key', 'ASC')
        .addOrderBy('u.initiated', 'ASC')
        .addOrderBy('u.uploadId', 'ASC')
        .limit(batchSize)
        .getMany();
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
            out.nextUploadIdMarker = undefined;
            cursor = { key: pastPrefix(cp), inclusive: false };
            seeked = true;
            break;
          }
        }
        out.uploads.push(toUploadView(row));
        out.nextKeyMarker = row.key;
        out.nextUploadIdMarker = row.uploadId;
        cursor = { key: row.key, inclusive: false, after: { initiated: row.initiated, uploadId: row.uploadId } };
      }
      if (!seeked && rows.length < batchSize) return out;
    }
  }

  /** The upload, if it exists for this bucket and key; else NoSuchUpload. */
  private async findUpload(m: EntityManager, bucket: BucketEntity, key: string, uploadId: string): Promise<MultipartUploadEntity> {
    const row = await m.findOneBy(MultipartUploadEntity, { uploadId });
    if (!row || row.bucketId !== bucket.id || row.key !== key) throw new DomainError('UploadNotFound', undefined, { uploadId });
    return row;
  }

  /**
   * findUpload inside a transaction, locking the row on PostgreSQL so that part writes, complete
   * and abort of one upload take turns (SQLite runs one transaction at a time anyway).
   */
  private async lockUpload(m: EntityManager, bucket: BucketEntity, key: string, uploadId: string): Promise<MultipartUploadEntity> {
    if (!this.db.isPostgres) return this.findUpload(m, bucket, key, uploadId);
    const row = await m.findOne(MultipartUploadEntity, { where: { uploadId }, lock: { mode: 'pessimistic_write' } });
    if (!row || row.bucketId !== bucket.id || row.key !== key) throw new DomainError('UploadNotFound', undefined, { uploadId });
    return row;
  }
}
