import { createHash } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { IdGenerator } from '../common/ids';
import { bucketNotFound } from '../buckets/bucket.errors';
import { BucketConfigService } from '../buckets/bucket-config.service';
import { objectOwnerOf } from '../buckets/bucket-controls';
import type { AclGrant } from '../iam/acl/acl';
import { BucketsService } from '../buckets/buckets.service';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { DatabaseService } from '../database/database.service';
import { EncryptionService } from '../encryption/encryption.service';
import { CustomerKey, EncryptionRequest, ObjectEncryption } from '../encryption/encryption.types';
import { EventOrigin, OBJECT_EVENT, ObjectEventName } from '../events/event-record';
import { EventsService } from '../events/events.service';
import { Principal } from '../iam/principal';
import { BlobStore } from '../storage/blob-store.service';
import { BlobEntity } from '../storage/blob.entity';
import { cipherSize } from '../storage/package-cipher';
import { BlobWriteResult } from '../storage/storage-backend';
import { TenantsService } from '../tenants/tenants.service';
import { ChecksumAlgorithm, DigestState, DigestStream } from './checksums';
import { evaluateConditions, etagMatches, ReadConditions } from './conditions';
import { ManifestEntry, ObjectChecksums, ObjectEntity, ObjectMetadata } from './entities/object.entity';
import { openManifestRange } from './manifest-stream';
import { assertRemovable, defaultRetainUntil, LockRequest, Retention, retentionOf } from './object-lock';
import { ObjectTags, tagCount } from './object-tags';
import { assertValidKey } from './object-key';
import { commonPrefixOf, MAX_CHAR, pastPrefix } from './key-order';
import { delimiterBatchSql, delimiterObjectsSql, delimiterScanSql } from './delimiter-scan';
import { resolveRange } from './range';
import { isWellFormedVersionId, NULL_VERSION_ID, VersionOrderSource } from './version-id';

/** DeleteObjects: deletes of one request in flight at once. */
const DELETE_MANY_CONCURRENCY = 16;

/** What callers see of an object version (never the entity). */
export interface ObjectView {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
  metadata: ObjectMetadata;
  checksums: ObjectChecksums | null;
  partCount: number | null;
  storageClass: string;
  ownerId: string;
  /** `null` for the null version (never-versioned or suspended bucket). */
  versionId: string;
  isLatest: boolean;
  isDeleteMarker: boolean;
  tagCount: number;
  /** Object lock retention, also when it has expired. */
  retention: Retention | null;
  /** Object lock legal hold: null = never set. */
  legalHold: boolean | null;
  /** Encryption at rest, null = plain. */
  encryption: ObjectEncryption | null;
  /** x-amz-replication-status, when a replication rule covers the version. */
  replicationStatus: string | null;
}

export const toObjectView = (o: ObjectEntity): ObjectView => ({
  key: o.key,
  size: o.size,
  etag: o.etag,
  lastModified: new Date(o.lastModified),
  metadata: o.metadata,
  checksums: o.checksums,
  partCount: o.partCount,
  storageClass: o.storageClass,
  ownerId: o.ownerId,
  versionId: o.versionId,
  isLatest: o.isLatest,
  isDeleteMarker: o.isDeleteMarker,
  tagCount: tagCount(o.tags),
  retention: retentionOf(o),
  legalHold: o.legalHold,
  encryption: o.sse ?? null,
  replicationStatus: o.replicationStatus ?? null,
});

export interface WriteConditions {
  /** `*`: only create, never overwrite */
  ifNoneMatch?: string;
  /** overwrite only when the current ETag matches */
  ifMatch?: string;
}

export interface PutObjectInput {
  bucket: string;
  key: string;
  owner: Principal;
  body: Readable;
  metadata: ObjectMetadata;
  /** Declared size (Content-Length or x-amz-decoded-content-length) when known. */
  size?: number;
  /** Content-MD5, base64. */
  contentMd5?: string;
  /** Checksum algorithms to compute and store. */
  algorithms: ChecksumAlgorithm[];
  /** Expected checksums (base64), read once the body has ended: trailers arrive last. */
  expectedChecksums?: () => Partial<Record<ChecksumAlgorithm, string>>;
  /** Expected SHA-256 of the body (hex), from a signed x-amz-content-sha256. */
  payloadSha256?: string;
  conditions?: WriteConditions;
  /** Validated tags (x-amz-tagging). */
  tags?: ObjectTags;
  /** Object lock settings of the new version (the bucket's default retention applies otherwise). */
  lock?: LockRequest;
  /** Server-side encryption asked for (the bucket's default encryption applies otherwise). */
  encryption?: EncryptionRequest;
  /** The request, for the bucket notification's record (none: the server's own write). */
  origin?: EventOrigin;
  /** Written by a replication from another server (x-amz-replication-status REPLICA; never replicated again). */
  replica?: boolean;
  /** The ACL the writer asks for (x-amz-acl …): decides the owner under BucketOwnerPreferred. */
  acl?: AclGrant[] | null;
}

/** The bucket notification event of a write (recorded in its transaction). */
export interface WriteEvent {
  name: ObjectEventName;
  origin?: EventOrigin;
}

export interface StoredObject {
  etag: string;
  size: number;
  lastModified: Date;
  checksums: ObjectChecksums | null;
  versionId: string;
  /** The bucket has a versioning state (Enabled or Suspended): S3 then reports version ids. */
  versioned: boolean;
  encryption: ObjectEncryption | null;
}

export interface CopiedObject extends StoredObject {
  /** The version of the source that was copied. */
  sourceVersionId: string;
  sourceVersioned: boolean;
}

export interface ReadOptions {
  /** A specific version; the latest when absent. */
  versionId?: string;
  conditions?: ReadConditions;
  partNumber?: number;
  range?: string;
  /** The SSE-C key of the request (required for an SSE-C object, refused for any other). */
  customerKey?: CustomerKey;
}

export interface HeadObjectResult {
  object: ObjectView;
  /** Set for a 206: the inclusive range served. */
  range?: { start: number; end: number };
  /** The bucket has a versioning state: S3 then reports version ids. */
  versioned: boolean;
  /** With ?partNumber on a multipart object: the checksums that part was uploaded with (null: none). */
  partChecksums?: ObjectChecksums | null;
}

export interface GetObjectResult extends HeadObjectResult {
  body: Readable;
}

export interface DeleteObjectOptions {
  /** Remove this version for good; without it, a versioned bucket gets a delete marker. */
  versionId?: string;
  /** Owner of a delete marker created by this call. */
  owner?: Principal;
  /** May remove versions under a GOVERNANCE retention (see object-lock.ts assertRemovable). */
  canBypassGovernance?: boolean;
  /** The request, for the bucket notification's record. */
  origin?: EventOrigin;
  /** An expiration by a lifecycle rule: notified as LifecycleExpiration:* rather than ObjectRemoved:*. */
  lifecycle?: boolean;
  /**
   * `If-Match`: delete only when the object (the version, with `versionId`) exists with a matching
   * ETag (`*`: any); else NoSuchKey or PreconditionFailed, as S3's conditional deletes.
   */
  ifMatch?: string;
}

export interface DeleteObjectOutcome {
  /** The version removed, or the delete marker created; absent in a never-versioned bucket. */
  versionId?: string;
  /** A delete marker was created, or the version removed was one. */
  deleteMarker: boolean;
}

export interface DeleteManyResult {
  key: string;
  /** The version id the request named. */
  versionId?: string;
  outcome?: DeleteObjectOutcome;
  error?: DomainError;
}

export interface ListObjectsInput {
  prefix?: string;
  delimiter?: string;
  /** Exclusive lower bound (marker, start-after or a continuation key). */
  after?: string;
  maxKeys: number;
}

export interface ListObjectsResult {
  objects: ObjectView[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned: where the next page starts (exclusive). */
  lastReturned?: string;
}

const noop = () => undefined;

/** PUT bodies up to this declared size (unencrypted, this node's volume) are read into memory and written without streams. */
const SMALL_BODY = 64 * 1024;

/**
 * The whole of a small body (declared `size` bytes). More bytes than declared end the read with
 * IncompleteBody (what verifyDigests says of a size mismatch); a failing body rejects.
 */
async function readSmallBody(body: Readable, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    received += b.length;
    if (received > size) {
      body.destroy();
      throw new DomainError('IncompleteBody', undefined, { expected: size, received });
    }
    chunks.push(b);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
}
const UNIQUE_VIOLATION = /UNIQUE constraint failed|duplicate key value/;
const EMPTY_METADATA: ObjectMetadata = { headers: {}, user: {} };

const REPLICATION_PENDING = 'PENDING';
/** x-amz-replication-status of a copy another server's replication wrote here. */
export const REPLICA = 'REPLICA';

/** The event of a removal: a version removed for good, or a delete marker created. */
function removedEvent(opts: Pick<DeleteObjectOptions, 'lifecycle'>, markerCreated: boolean): ObjectEventName {
  if (opts.lifecycle) return markerCreated ? OBJECT_EVENT.lifecycleDeleteMarkerCreated : OBJECT_EVENT.lifecycleDelete;
  return markerCreated ? OBJECT_EVENT.deleteMarkerCreated : OBJECT_EVENT.delete;
}

/** Throws InvalidArgument for a version id this server cannot have issued (S3: 400, not 404). */
export function assertVersionId(versionId: string): void {
  if (versionId === '') throw new DomainError('InvalidArgument', 'Version id cannot be the empty string');
  if (!isWellFormedVersionId(versionId)) throw new DomainError('InvalidArgument', 'Invalid version id specified');
}

@Injectable()
export class ObjectsService {
  private readonly orders = new VersionOrderSource();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly buckets: BucketsService,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly tenants: TenantsService,
    private readonly encryption: EncryptionService,
    private readonly bucketConfigs: BucketConfigService,
    private readonly events: EventsService,
  ) {}

  /**
   * The encryption of a new object: what the request asked for, else the bucket's default
   * encryption, else none. SSE-C needs its key for every later read.
   */
  async encryptionFor(
    bucket: string,
    req: EncryptionRequest | undefined,
  ): Promise<{ enc: ObjectEncryption | null; customer?: CustomerKey }> {
    if (req) return { enc: await this.encryption.describe(req), customer: req.mode === 'SSE-C' ? req.customer : undefined };
    const dflt = await this.bucketConfigs.defaultEncryption(bucket);
    if (!dflt) return { enc: null };
    if (dflt.algorithm === 'AES256') return { enc: await this.encryption.describe({ mode: 'AES256' }) };
    return {
      enc: await this.encryption.describe({ mode: 'aws:kms', keyId: dflt.kmsMasterKeyId, bucketKeyEnabled: dflt.bucketKeyEnabled }),
    };
  }

  /**
   * Streams `source` (plaintext, already piped through its digests) into a new blob, encrypted
   * under a fresh data key when `enc` is set. Returns the blob and the wrapped data key.
   */
  async writeBlob(
    source: Readable,
    enc: ObjectEncryption | null,
    customer: CustomerKey | undefined,
    verify: (size: number) => void | Promise<void>,
    holder?: string | null,
  ): Promise<BlobWriteResult & { dataKey?: string }> {
    if (!enc) return this.blobs.write(source, verify, holder);
    const key = await this.encryption.newDataKey(enc, customer);
    const written = await this.blobs.write(pipeline(source, this.encryption.encryptStream(key.plaintext), noop), verify, holder);
    return { ...written, dataKey: key.wrapped };
  }

  /**
   * The plaintext bytes [start, end] of an object version (decrypted when it is encrypted).
   * `holder`: the node holding the blobs (the bucket's nodeId; streamed from there when it is another node).
   */
  async openRange(
    row: Pick<ObjectEntity, 'manifest' | 'sse'>,
    start: number,
    end: number,
    customer?: CustomerKey,
    holder?: string | null,
  ): Promise<Readable> {
    const enc = row.sse;
    return openManifestRange(row.manifest, start, end, async (entry, s, e) => {
      if (!entry.k || !enc) return this.blobs.read(entry.b, { start: s, end: e }, holder);
      const key = await this.encryption.dataKey(entry.k, enc, customer);
      return this.blobs.readDecrypted(entry.b, key, entry.s, s, e, holder);
    });
  }

  /** Streams the body into a new blob, verifies every digest, then commits the object row. */
  async put(input: PutObjectInput): Promise<StoredObject> {
    assertValidKey(input.key);
    // Cluster mode: the bytes go to the node holding the bucket (streamed there when it is another one).
    const bucket = await this.buckets.entity(input.bucket);
    if (input.size !== undefined && input.size > this.config.maxObjectSize) {
      throw new DomainError('ObjectTooLarge', undefined, { size: input.size, max: this.config.maxObjectSize });
    }
    if (input.lock) assertLockRequest(bucket, input.lock, this.clock.now());
    if (input.conditions) await this.checkWriteConditions(bucket, input.key, input.conditions, this.db.manager);

    const { enc, customer } = await this.encryptionFor(input.bucket, input.encryption);
    let result!: Awaited<ReturnType<DigestStream['result']>>;
    let written: BlobWriteResult & { dataKey?: string };
    if (!enc && input.size !== undefined && input.size <= SMALL_BODY && !this.blobs.remoteNode(bucket.nodeId)) {
      // A small plain body: read into memory, hashed and verified before anything touches the
      // disk, then written in one go (the streams cost more than the bytes at this size).
      const body = await readSmallBody(input.body, input.size);
      const state = new DigestState(input.algorithms, input.payloadSha256 !== undefined);
      state.update(body);
      result = { ...(await state.result()), size: body.length };
      verifyDigests(result, input);
      written = await this.blobs.writeBuffer(body);
    } else {
      const digests = new DigestStream(input.algorithms, input.payloadSha256 !== undefined);
      // pipeline, not pipe: a failing body (client gone) must fail the blob write, not stall it.
      written = await this.writeBlob(
        pipeline(input.body, digests, noop),
        enc,
        customer,
        async () => {
          result = await digests.result();
          verifyDigests(result, input);
        },
        bucket.nodeId,
      );
    }
    const now = this.clock.now().getTime();
    // SSE-C: the ETag must not be the plaintext's MD5 (S3 answers an opaque one).
    const etag = this.encryption.hasOpaqueEtag(enc) ? this.encryption.opaqueEtag() : result.md5.toString('hex');
    const plainSize = result.size;
    const checksums: ObjectChecksums | null = Object.keys(result.checksums).length ? { ...result.checksums, type: 'FULL_OBJECT' } : null;
    const row: ObjectEntity = Object.assign(new ObjectEntity(), {
      id: this.ids.uuid(),
      bucketId: bucket.id,
      key: input.key,
      versionId: NULL_VERSION_ID,
      isLatest: true,
      isDeleteMarker: false,
      size: plainSize,
      etag,
      metadata: input.metadata,
      checksums,
      manifest: [written.dataKey ? { b: written.blobId, s: plainSize, k: written.dataKey } : { b: written.blobId, s: plainSize }],
      sse: enc,
      partCount: null,
      storageClass: 'STANDARD',
      ownerId: objectOwnerOf(bucket, input.owner.userId, input.acl),
      lastModified: now,
      ...lockAndTagColumns(input.tags, input.lock),
      replicationStatus: input.replica ? REPLICA : null,
    });
    const { versioned } = await this.commitObject(
      bucket,
      row,
      [{ blobId: written.blobId, size: written.size }],
      input.conditions,
      undefined,
      {
        name: OBJECT_EVENT.put,
        origin: input.origin,
      },
    );
    return { etag, size: plainSize, lastModified: new Date(now), checksums, versionId: row.versionId, versioned, encryption: enc };
  }

  /**
   * Makes `row` the key's latest version in one transaction, registering `newBlobs` and releasing
   * the blobs of a version it replaces after the commit. The version id and order are set here,
   * from the bucket's versioning state read inside the transaction: a new version id when
   * versioning is enabled, the null version otherwise (replacing the previous null version). The
   * bucket's default retention applies to a row that names none. On failure the new blobs are
   * discarded, so nothing of a failed write stays behind.
   */
  async commitObject(
    bucket: BucketEntity,
    row: ObjectEntity,
    newBlobs: Array<{ blobId: string; size: number }>,
    conditions?: WriteConditions,
    extra?: (m: EntityManager) => Promise<string[]>,
    event?: WriteEvent,
  ): Promise<{ versioned: boolean }> {
    let released: string[] = [];
    let versioned = false;
    try {
      await this.withRetryOnConflict(() =>
        this.db.tx(async (m) => {
          released = [];
          // Cluster mode: the blobs went to the node `bucket` named, refused if the bucket moved or
          // is switching nodes. One node: the bucket row with the key's lock in one statement.
          let current: BucketEntity | null;
          if (this.config.cluster) {
            current = await this.buckets.assertWritable(m, bucket);
            await this.lockKey(m, bucket.id, row.key);
          } else {
            current = await this.lockedBucket(m, bucket.id, row.key);
          }
          if (!current) throw bucketNotFound(bucket.name);
          if (conditions) await this.checkWriteConditions(bucket, row.key, conditions, m);
          applyBucketLock(current, row);
          versioned = current.versioning !== null;
          // PostgreSQL, a never-versioned bucket, one node: the null version is replaced, and the
          // new row and blobs registered, in one statement (see replaceNullVersion).
          const oneStatement =
            this.db.isPostgres && !this.config.cluster && !versioned && newBlobs.length <= 4 && !this.events.hasRecorders();
          if (!oneStatement) released.push(...(await this.placeVersion(m, current, row, false)));
          else await this.tenants.charge(m, current.tenantId, row.size, row.isDeleteMarker ? 0 : 1);
          if (event) {
            const change = {
              eventName: event.name,
              key: row.key,
              size: row.size,
              etag: row.etag,
              versionId: versioned ? row.versionId : undefined,
              storedVersionId: row.versionId,
              tags: row.tags,
              replica: row.replicationStatus === REPLICA,
              releasedBlobs: released,
            };
            // The outbox rows (notifications, replication tasks) commit with the object, or not at all.
            if (await this.events.record(m, current, [change], event.origin)) row.replicationStatus = REPLICATION_PENDING;
          }
          let unregistered = 0;
          if (oneStatement) {
            released.push(...(await this.replaceNullVersion(m, current, row, newBlobs)));
            unregistered = released.length;
          } else if (newBlobs.length <= 4) {
            await this.db.insertAll(m, [
              { entity: ObjectEntity, rows: [row] },
              { entity: BlobEntity, rows: this.blobs.rowsOf(newBlobs) },
            ]);
          } else {
            await this.db.insert(m, ObjectEntity, [row]);
            await this.blobs.register(m, newBlobs);
          }
          if (extra) released.push(...(await extra(m)));
          // (replaceNullVersion already unregistered the blobs of the version it replaced.)
          await this.blobs.unregister(m, unregistered ? released.slice(unregistered) : released);
        }),
      );
    } catch (err) {
      await this.blobs.discard(
        newBlobs.map((b) => b.blobId),
        bucket.nodeId,
      );
      throw err;
    }
    await this.blobs.release(released, bucket.nodeId);
    return { versioned };
  }

  /**
   * Makes room for `row` as the key's new latest version and sets its version id and order.
   * Never versioned: the null version is replaced. Enabled: `row` gets a new version id and the
   * previous latest version stays, noncurrent. Suspended: `row` is the null version, replacing the
   * previous null version wherever it is, and the previous latest becomes noncurrent.
   * Returns the blobs of the version removed.
   */
  private async placeVersion(m: EntityManager, bucket: BucketEntity, row: ObjectEntity, canBypassGovernance: boolean): Promise<string[]> {
    const where = { bucketId: bucket.id, key: row.key };
    row.isLatest = true;
    // The tenant is charged for the new row, and credited for a version it replaces.
    await this.tenants.charge(m, bucket.tenantId, row.size, row.isDeleteMarker ? 0 : 1);
    if (bucket.versioning === null) {
      const previous = await this.takeNullVersion(m, bucket.id, row.key);
      row.versionId = NULL_VERSION_ID;
      row.versionOrder = this.orders.next(row.lastModified, previous?.versionOrder);
      if (!previous) return [];
      await this.credit(m, bucket, previous);
      return previous.manifest.map((e) => e.b);
    }
    const latest = await this.db.findOne(ObjectEntity, { ...where, isLatest: true }, m);
    row.versionOrder = this.orders.next(row.lastModified, latest?.versionOrder);
    const released: string[] = [];
    if (bucket.versioning === 'Enabled') {
      row.versionId = row.versionOrder;
    } else {
      row.versionId = NULL_VERSION_ID;
      const previous = await this.lockRow(m, { ...where, versionId: NULL_VERSION_ID });
      if (previous) {
        assertRemovable(previous, this.clock.now(), canBypassGovernance, row.key);
        released.push(...previous.manifest.map((e) => e.b));
        await m.delete(ObjectEntity, { id: previous.id });
        await this.credit(m, bucket, previous);
      }
    }
    if (latest) await m.update(ObjectEntity, { ...where, isLatest: true }, { isLatest: false });
    return released;
  }

  /**
   * PostgreSQL, a never-versioned bucket (the caller holds the key's lock and charged the tenant
   * for `row`): deletes the key's null version, inserts `row` as the new one with its blobs, and
   * unregisters the blobs of the version replaced, in one statement (one round trip where
   * takeNullVersion, insertAll and unregister were two or three). Returns those blobs.
   */
  private async replaceNullVersion(
    m: EntityManager,
    bucket: BucketEntity,
    row: ObjectEntity,
    newBlobs: Array<{ blobId: string; size: number }>,
  ): Promise<string[]> {
    row.isLatest = true;
    row.versionId = NULL_VERSION_ID;
    // The key has no other version (never versioned): the new order only needs to be fresh.
    row.versionOrder = this.orders.next(row.lastModified);
    const [previous] = await this.db.deleteThenInsert(
      m,
      ObjectEntity,
      { bucketId: bucket.id, key: row.key, versionId: NULL_VERSION_ID },
      [
        { entity: ObjectEntity, rows: [row] },
        { entity: BlobEntity, rows: this.blobs.rowsOf(newBlobs) },
      ],
      `DELETE FROM "blobs" WHERE "id" IN (SELECT jsonb_array_elements(d."manifest"::jsonb)->>'b' FROM d)`,
    );
    if (!previous) return [];
    await this.credit(m, bucket, previous);
    return previous.manifest.map((e) => e.b);
  }

  /** Gives a removed version's bytes (and object count) back to the bucket's tenant. */
  private async credit(m: EntityManager, bucket: BucketEntity, removed: ObjectEntity): Promise<void> {
    await this.tenants.charge(m, bucket.tenantId, -removed.size, removed.isDeleteMarker ? 0 : -1);
  }

  private async withRetryOnConflict<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= 5 || !(err instanceof QueryFailedError) || !UNIQUE_VIOLATION.test(err.message)) throw err;
      }
    }
  }

  /**
   * PostgreSQL: transactions that change a key's versions take turns (a transaction-scoped
   * advisory lock on the key), instead of racing into the unique indexes and retrying. The indexes
   * stay the guarantee; SQLite runs one transaction at a time anyway.
   */
  private async lockKey(m: EntityManager, bucketId: string, key: string): Promise<void> {
    if (this.db.isPostgres) await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${bucketId}/${key}`]);
  }

  /**
   * The bucket's row read inside the write transaction, with the key's lock taken (lockKey): on
   * PostgreSQL in one statement (one round trip where there were two). Null when the bucket is gone.
   */
  private async lockedBucket(m: EntityManager, bucketId: string, key: string): Promise<BucketEntity | null> {
    if (!this.db.isPostgres) return this.db.findOne(BucketEntity, { id: bucketId }, m);
    const rows = await this.db.select(
      BucketEntity,
      'locked-for-key',
      (q) =>
        `SELECT ${q.columns('b')}, pg_advisory_xact_lock(hashtextextended(${q.param('lock')}, 0)) AS locked FROM "buckets" b WHERE b."id" = ${q.param('id')}`,
      { id: bucketId, lock: `${bucketId}/${key}` },
      m,
    );
    return rows[0]?.entity() ?? null;
  }

  /**
   * Deletes the key's null version and returns it (null when there is none): on PostgreSQL one
   * DELETE … RETURNING, where a SELECT and a DELETE were two round trips. Inside the key's lock.
   */
  private async takeNullVersion(m: EntityManager, bucketId: string, key: string, unregisterBlobs = false): Promise<ObjectEntity | null> {
    if (!this.db.isPostgres) {
      const row = await this.db.findOne(ObjectEntity, { bucketId, key, versionId: NULL_VERSION_ID }, m);
      if (row) await this.db.delete(m, ObjectEntity, { id: row.id });
      return row;
    }
    // unregisterBlobs: the blob rows of its manifest go in the same statement (PostgreSQL only).
    const rows = await this.db.select(
      ObjectEntity,
      unregisterBlobs ? 'take-null-version-and-blobs' : 'take-null-version',
      (q) =>
        unregisterBlobs
          ? `WITH o AS (DELETE FROM "objects" WHERE "bucket_id" = ${q.param('bucketId')} AND "key" = ${q.param('key')} AND "version_id" = ${q.param('versionId')} RETURNING *), ` +
            `x AS (DELETE FROM "blobs" WHERE "id" IN (SELECT jsonb_array_elements(o."manifest"::jsonb)->>'b' FROM o)) SELECT ${q.columns('o')} FROM o`
          : `DELETE FROM "objects" o WHERE o."bucket_id" = ${q.param('bucketId')} AND o."key" = ${q.param('key')} AND o."version_id" = ${q.param('versionId')} RETURNING ${q.columns('o')}`,
      { bucketId, key, versionId: NULL_VERSION_ID },
      m,
    );
    return rows[0]?.entity() ?? null;
  }

  /** findOne that also locks the row on PostgreSQL (inside a transaction); SQLite runs one transaction at a time. */
  private lockRow(m: EntityManager, where: Partial<Pick<ObjectEntity, 'bucketId' | 'key' | 'versionId' | 'isLatest'>>) {
    if (!this.db.isPostgres) return this.db.findOne(ObjectEntity, where, m);
    return m.findOne(ObjectEntity, { where, lock: { mode: 'pessimistic_write' } });
  }

  private async checkWriteConditions(bucket: BucketEntity, key: string, c: WriteConditions, m: EntityManager): Promise<void> {
    if (c.ifNoneMatch === undefined && c.ifMatch === undefined) return;
    const current = await m.findOne(ObjectEntity, {
      select: { etag: true },
      where: { bucketId: bucket.id, key, isLatest: true, isDeleteMarker: false },
    });
    if (c.ifNoneMatch !== undefined && current && etagMatches(c.ifNoneMatch, current.etag)) {
      throw new DomainError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
        condition: 'If-None-Match',
      });
    }
    if (c.ifMatch !== undefined) {
      if (!current) throw new DomainError('ObjectNotFound', undefined, { key });
      if (!etagMatches(c.ifMatch, current.etag)) {
        throw new DomainError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
          condition: 'If-Match',
        });
      }
    }
  }

  /**
   * The version a request addresses: the latest one, or `versionId`. A missing key is
   * ObjectNotFound, a missing version VersionNotFound, a malformed id InvalidArgument. A delete
   * marker is ObjectNotFound when it is the latest version, MethodNotAllowed when addressed by id
   * (both carry the marker's facts for the x-amz-delete-marker headers).
   * With `m`, the row is read inside that transaction (and locked on PostgreSQL).
   */
  async entity(bucket: BucketEntity, key: string, versionId?: string, m?: EntityManager): Promise<ObjectEntity> {
    if (versionId !== undefined) assertVersionId(versionId);
    const where = versionId === undefined ? { bucketId: bucket.id, key, isLatest: true } : { bucketId: bucket.id, key, versionId };
    const row = m ? await this.lockRow(m, where) : await this.db.findOne(ObjectEntity, where);
    if (!row) {
      if (versionId === undefined) throw new DomainError('ObjectNotFound', undefined, { key });
      throw new DomainError('VersionNotFound', undefined, { key, versionId });
    }
    if (row.isDeleteMarker) {
      const facts = { key, deleteMarker: 'true', versionId: row.versionId, markerLastModified: row.lastModified };
      if (versionId === undefined) throw new DomainError('ObjectNotFound', undefined, facts);
      throw new DomainError('MethodNotAllowed', 'The specified method is not allowed against this resource.', facts);
    }
    return row;
  }

  /**
   * Runs `fn` on the addressed version inside a transaction, the row locked on PostgreSQL: for
   * changes to a version's tags, retention and legal hold. Returns fn's result and the version id.
   */
  async updateVersion<T>(
    bucketName: string,
    key: string,
    versionId: string | undefined,
    fn: (row: ObjectEntity, bucket: BucketEntity, m: EntityManager) => Promise<T>,
  ): Promise<{ result: T; versionId: string; versioned: boolean }> {
    const bucket = await this.buckets.entity(bucketName);
    return this.db.tx(async (m) => {
      const row = await this.entity(bucket, key, versionId, m);
      const result = await fn(row, bucket, m);
      return { result, versionId: row.versionId, versioned: bucket.versioning !== null };
    });
  }

  /** Replication's outcome for one version (x-amz-replication-status); a version gone meanwhile is left alone. */
  async setReplicationStatus(bucketName: string, key: string, versionId: string, status: 'COMPLETED' | 'FAILED'): Promise<void> {
    const bucket = await this.buckets.entity(bucketName);
    await this.db.tx((m) => m.update(ObjectEntity, { bucketId: bucket.id, key, versionId }, { replicationStatus: status }));
  }

  async head(bucketName: string, key: string, opts: ReadOptions = {}): Promise<HeadObjectResult> {
    const bucket = await this.buckets.entity(bucketName);
    const row = await this.entity(bucket, key, opts.versionId);
    this.encryption.checkCustomerKey(row.sse, opts.customerKey);
    this.applyReadConditions(row, opts.conditions);
    return {
      object: toObjectView(row),
      range: this.selectRange(row, opts.partNumber, opts.range),
      versioned: bucket.versioning !== null,
      ...partChecksumsOf(row, opts.partNumber),
    };
  }

  /**
   * GetObjectAttributes: the version's view, and for a multipart object the size of each part in
   * order (part numbers are 1..n, as GET ?partNumber counts them); null for a single PUT.
   */
  async attributes(
    bucketName: string,
    key: string,
    versionId?: string,
  ): Promise<{ object: ObjectView; parts: Array<{ size: number; checksums: ObjectChecksums | null }> | null; versioned: boolean }> {
    const bucket = await this.buckets.entity(bucketName);
    const row = await this.entity(bucket, key, versionId);
    const parts = row.partCount === null ? null : row.manifest.map((e) => ({ size: e.s, checksums: e.c ?? null }));
    return { object: toObjectView(row), parts, versioned: bucket.versioning !== null };
  }

  async get(bucketName: string, key: string, opts: ReadOptions = {}): Promise<GetObjectResult> {
    const bucket = await this.buckets.entity(bucketName);
    const row = await this.entity(bucket, key, opts.versionId);
    this.encryption.checkCustomerKey(row.sse, opts.customerKey);
    this.applyReadConditions(row, opts.conditions);
    const range = this.selectRange(row, opts.partNumber, opts.range);
    const start = range?.start ?? 0;
    const end = range?.end ?? row.size - 1;
    const source = await this.buckets.readSourceOf(bucket);
    const body = row.size === 0 ? Readable.from([]) : await this.openRange(row, start, end, opts.customerKey, source);
    return { object: toObjectView(row), body, range, versioned: bucket.versioning !== null, ...partChecksumsOf(row, opts.partNumber) };
  }

  private applyReadConditions(row: ObjectEntity, c?: ReadConditions): void {
    if (!c) return;
    const verdict = evaluateConditions(c, row.etag, new Date(row.lastModified));
    if (verdict === 'failed') throw new DomainError('PreconditionFailed');
    if (verdict === 'not-modified') throw new DomainError('NotModified', undefined, { etag: row.etag, lastModified: row.lastModified });
  }

  /** The byte range a partNumber or Range header selects; undefined for the whole object. */
  private selectRange(row: ObjectEntity, partNumber?: number, rangeHeader?: string): { start: number; end: number } | undefined {
    if (partNumber !== undefined) {
      if (rangeHeader) throw new DomainError('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
      const parts = row.partCount === null ? [{ b: '', s: row.size }] : row.manifest;
      if (partNumber < 1 || partNumber > parts.length) throw new DomainError('InvalidPartNumber', undefined, { partNumber });
      if (row.partCount === null) return undefined;
      let start = 0;
      for (let i = 0; i < partNumber - 1; i++) start += parts[i].s;
      return { start, end: start + parts[partNumber - 1].s - 1 };
    }
    const r = resolveRange(rangeHeader, row.size);
    if (r === 'unsatisfiable') throw new DomainError('InvalidRange', undefined, { size: row.size, range: rangeHeader ?? '' });
    return r;
  }

  /**
   * DeleteObject. With a version id: that version is removed for good (unless object lock
   * protects it); a version that does not exist is not an error, as in S3. Without: a
   * never-versioned bucket loses the object (a missing key is not an error either); a versioned
   * one gets a delete marker as its latest version (suspended: the null version is replaced by it).
   */
  async delete(bucketName: string, key: string, opts: DeleteObjectOptions = {}): Promise<DeleteObjectOutcome> {
    const bucket = await this.buckets.entity(bucketName);
    if (opts.versionId !== undefined) return this.deleteVersion(bucket, key, opts.versionId, opts);
    let released: string[] = [];
    let outcome: DeleteObjectOutcome = { deleteMarker: false };
    await this.withRetryOnConflict(() =>
      this.db.tx(async (m) => {
        released = [];
        const current = await this.lockedBucket(m, bucket.id, key);
        if (!current) throw bucketNotFound(bucketName);
        if (opts.ifMatch !== undefined) {
          const latest = await this.db.findOne(ObjectEntity, { bucketId: bucket.id, key, isLatest: true }, m);
          assertDeleteCondition(opts.ifMatch, latest && !latest.isDeleteMarker ? latest : null, key);
        }
        if (current.versioning === null) {
          outcome = { deleteMarker: false };
          const row = await this.takeNullVersion(m, bucket.id, key, true);
          if (!row) return;
          released = row.manifest.map((e) => e.b);
          await this.credit(m, current, row);
          // PostgreSQL: takeNullVersion unregistered them in its statement.
          if (!this.db.isPostgres) await this.blobs.unregister(m, released);
          await this.events.record(m, current, [{ eventName: removedEvent(opts, false), key, releasedBlobs: released }], opts.origin);
          return;
        }
        const marker: ObjectEntity = Object.assign(new ObjectEntity(), {
          id: this.ids.uuid(),
          bucketId: bucket.id,
          key,
          isDeleteMarker: true,
          size: 0,
          etag: '',
          metadata: EMPTY_METADATA,
          checksums: null,
          manifest: [],
          partCount: null,
          sse: null,
          storageClass: 'STANDARD',
          ownerId: opts.owner?.userId ?? current.ownerId,
          lastModified: this.clock.now().getTime(),
          ...lockAndTagColumns(),
        });
        released = await this.placeVersion(m, current, marker, opts.canBypassGovernance ?? false);
        await this.db.insert(m, ObjectEntity, [marker]);
        await this.blobs.unregister(m, released);
        outcome = { versionId: marker.versionId, deleteMarker: true };
        await this.events.record(
          m,
          current,
          [{ eventName: removedEvent(opts, true), key, versionId: marker.versionId, releasedBlobs: released }],
          opts.origin,
        );
      }),
    );
    await this.blobs.release(released, bucket.nodeId);
    return outcome;
  }

  /** Removes one version for good; when it was the latest, the newest remaining one becomes latest. */
  private async deleteVersion(
    bucket: BucketEntity,
    key: string,
    versionId: string,
    opts: DeleteObjectOptions,
  ): Promise<DeleteObjectOutcome> {
    const canBypassGovernance = opts.canBypassGovernance ?? false;
    assertVersionId(versionId);
    let released: string[] = [];
    let outcome: DeleteObjectOutcome = { versionId, deleteMarker: false };
    await this.withRetryOnConflict(() =>
      this.db.tx(async (m) => {
        released = [];
        outcome = { versionId, deleteMarker: false };
        await this.lockKey(m, bucket.id, key);
        const row = await this.lockRow(m, { bucketId: bucket.id, key, versionId });
        if (opts.ifMatch !== undefined) assertDeleteCondition(opts.ifMatch, row && !row.isDeleteMarker ? row : null, key);
        if (!row) return;
        assertRemovable(row, this.clock.now(), canBypassGovernance, key);
        released = row.manifest.map((e) => e.b);
        await m.delete(ObjectEntity, { id: row.id });
        await this.credit(m, bucket, row);
        await this.ensureLatest(m, bucket.id, key);
        await this.blobs.unregister(m, released);
        outcome = { versionId, deleteMarker: row.isDeleteMarker };
        await this.events.record(
          m,
          bucket,
          [{ eventName: removedEvent(opts, false), key, versionId, releasedBlobs: released }],
          opts.origin,
        );
      }),
    );
    await this.blobs.release(released, bucket.nodeId);
    return outcome;
  }

  /**
   * After a version was removed: if the key has versions but none is latest, the newest becomes
   * latest. Looping covers a concurrent transaction removing the one chosen (PostgreSQL).
   */
  private async ensureLatest(m: EntityManager, bucketId: string, key: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await m.existsBy(ObjectEntity, { bucketId, key, isLatest: true })) return;
      const newest = await m.findOne(ObjectEntity, { select: { id: true }, where: { bucketId, key }, order: { versionOrder: 'ASC' } });
      if (!newest) return;
      const updated = await m.update(ObjectEntity, { id: newest.id }, { isLatest: true });
      if (updated.affected !== 0) return;
    }
  }

  /** DeleteObjects: one DeleteObject per entry; returns per-entry outcomes in input order. */
  async deleteMany(
    bucketName: string,
    entries: Array<{ key: string; versionId?: string }>,
    opts: Omit<DeleteObjectOptions, 'versionId'> = {},
  ): Promise<DeleteManyResult[]> {
    await this.buckets.entity(bucketName);
    const out: DeleteManyResult[] = new Array(entries.length);
    // A few deletes in flight at once: their transactions share commits (and, on SQLite, WAL
    // flushes) instead of waiting for one each. Results keep the order of the request.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < entries.length) {
        const i = next++;
        const { key, versionId } = entries[i];
        try {
          assertValidKey(key);
          out[i] = { key, versionId, outcome: await this.delete(bucketName, key, { ...opts, versionId }) };
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          out[i] = { key, versionId, error: err };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(DELETE_MANY_CONCURRENCY, entries.length) }, worker));
    return out;
  }

  /**
   * Copies an object version by sharing its blobs (hard links), never re-reading the bytes.
   * `replaceMetadata` undefined = COPY directive; `tags` undefined = the source's tags.
   */
  async copy(input: {
    srcBucket: string;
    srcKey: string;
    srcVersionId?: string;
    dstBucket: string;
    dstKey: string;
    owner: Principal;
    replaceMetadata?: ObjectMetadata;
    tags?: ObjectTags;
    lock?: LockRequest;
    sourceConditions?: ReadConditions;
    conditions?: WriteConditions;
    /** Encryption of the copy (the destination bucket's default otherwise). */
    encryption?: EncryptionRequest;
    /** The SSE-C key of the source (x-amz-copy-source-server-side-encryption-customer-*). */
    sourceCustomerKey?: CustomerKey;
    origin?: EventOrigin;
  }): Promise<CopiedObject> {
    assertValidKey(input.dstKey);
    const srcBucket = await this.buckets.entity(input.srcBucket);
    const dstBucket = await this.buckets.entity(input.dstBucket);
    if (input.lock) assertLockRequest(dstBucket, input.lock, this.clock.now());
    const src = await this.copySource(srcBucket, input.srcKey, input.srcVersionId);
    if (input.sourceConditions) {
      if (evaluateConditions(input.sourceConditions, src.etag, new Date(src.lastModified), true) !== 'ok') {
        throw new DomainError('PreconditionFailed');
      }
    }
    this.encryption.checkCustomerKey(src.sse, input.sourceCustomerKey);
    // Copying an older version onto its own key is how a version is restored: allowed.
    if (srcBucket.id === dstBucket.id && input.srcKey === input.dstKey && !input.replaceMetadata && !input.encryption && src.isLatest) {
      throw new DomainError(
        'InvalidRequest',
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      );
    }
    const { enc, customer } = await this.encryptionFor(input.dstBucket, input.encryption);
    // Cluster mode: the source's blobs stream from the node holding them when it is not the destination's.
    const { manifest, newBlobs, etag } = await this.copyBlobs(
      src,
      input.sourceCustomerKey,
      enc,
      customer,
      srcBucket.nodeId,
      dstBucket.nodeId,
    );
    const now = this.clock.now().getTime();
    const row: ObjectEntity = Object.assign(new ObjectEntity(), {
      id: this.ids.uuid(),
      bucketId: dstBucket.id,
      key: input.dstKey,
      versionId: NULL_VERSION_ID,
      isLatest: true,
      isDeleteMarker: false,
      size: src.size,
      etag,
      metadata: input.replaceMetadata ?? src.metadata,
      checksums: src.checksums,
      manifest,
      sse: enc,
      partCount: src.partCount,
      storageClass: src.storageClass,
      ownerId: objectOwnerOf(dstBucket, input.owner.userId),
      lastModified: now,
      ...lockAndTagColumns(input.tags ?? src.tags ?? undefined, input.lock),
    });
    const { versioned } = await this.commitObject(dstBucket, row, newBlobs, input.conditions, undefined, {
      name: OBJECT_EVENT.copy,
      origin: input.origin,
    });
    return {
      etag,
      size: src.size,
      lastModified: new Date(now),
      checksums: src.checksums,
      versionId: row.versionId,
      versioned,
      encryption: enc,
      sourceVersionId: src.versionId,
      sourceVersioned: srcBucket.versioning !== null,
    };
  }

  /**
   * The blobs of a copy. Plain to plain: hard links. Encrypted to encrypted: hard links whose data
   * keys are re-wrapped for the copy (no byte rewritten), unless the copy needs an MD5 ETag the
   * source does not have (SSE-C source). Otherwise each blob is read (decrypted) and written again
   * (encrypted), part by part, so a multipart object keeps its parts.
   */
  private async copyBlobs(
    src: ObjectEntity,
    srcCustomer: CustomerKey | undefined,
    enc: ObjectEncryption | null,
    customer: CustomerKey | undefined,
    from: string | null,
    to: string | null,
  ): Promise<{ manifest: ManifestEntry[]; newBlobs: Array<{ blobId: string; size: number }>; etag: string }> {
    const manifest: ManifestEntry[] = [];
    const newBlobs: Array<{ blobId: string; size: number }> = [];
    const needsMd5 = !this.encryption.hasOpaqueEtag(enc) && this.encryption.hasOpaqueEtag(src.sse);
    const rewrite = !needsMd5 && (src.sse === null) === (enc === null) ? false : true;
    let etag = this.encryption.hasOpaqueEtag(enc) ? this.encryption.opaqueEtag() : src.etag;
    try {
      if (!rewrite) {
        for (const e of src.manifest) {
          const blobId = await this.blobs.copy(e.b, from, to, e.k ? cipherSize(e.s) : e.s);
          const k = e.k && src.sse && enc ? await this.encryption.rewrap(e.k, src.sse, srcCustomer, enc, customer) : undefined;
          manifest.push(k ? { ...e, b: blobId, k } : { ...e, b: blobId });
          newBlobs.push({ blobId, size: e.k ? cipherSize(e.s) : e.s });
        }
        return { manifest, newBlobs, etag };
      }
      const md5s: Buffer[] = [];
      for (const e of src.manifest) {
        const md5 = createHash('md5');
        const plain = e.s === 0 ? Readable.from([]) : await this.openRange({ manifest: [e], sse: src.sse }, 0, e.s - 1, srcCustomer, from);
        const hashing = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            md5.update(chunk);
            cb(null, chunk);
          },
        });
        let size = 0;
        const written = await this.writeBlob(
          pipeline(plain, hashing, noop),
          enc,
          customer,
          (n) => {
            size = n;
          },
          to,
        );
        newBlobs.push({ blobId: written.blobId, size: written.size });
        if (size !== (written.dataKey ? cipherSize(e.s) : e.s)) throw new Error(`copy of blob ${e.b} ended early`);
        const digest = md5.digest();
        md5s.push(digest);
        const entry: ManifestEntry = { b: written.blobId, s: e.s };
        if (e.e !== undefined) entry.e = this.encryption.hasOpaqueEtag(enc) ? this.encryption.opaqueEtag() : digest.toString('hex');
        if (written.dataKey) entry.k = written.dataKey;
        manifest.push(entry);
      }
      if (!this.encryption.hasOpaqueEtag(enc)) {
        etag =
          src.partCount === null
            ? md5s[0].toString('hex')
            : `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${md5s.length}`;
      }
      return { manifest, newBlobs, etag };
    } catch (err) {
      await this.blobs.discard(
        newBlobs.map((b) => b.blobId),
        to,
      );
      throw err;
    }
  }

  /** The source of a copy: like entity(), but a delete marker named by version id is InvalidRequest, as S3 answers. */
  private async copySource(bucket: BucketEntity, key: string, versionId?: string): Promise<ObjectEntity> {
    try {
      return await this.entity(bucket, key, versionId);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'MethodNotAllowed') {
        throw new DomainError(
          'InvalidRequest',
          'The source of a copy request may not specifically refer to a delete marker by version id.',
        );
      }
      throw err;
    }
  }

  /**
   * One page of keys in byte order: the latest version of each key, delete markers excluded by
   * the index itself (bucket_id, is_latest, is_delete_marker, key). With a delimiter, each common
   * prefix costs one indexed seek past all of its keys, so a page costs O(page) whatever the
   * bucket holds, however many keys are hidden behind delete markers.
   */
  async list(bucketName: string, input: ListObjectsInput): Promise<ListObjectsResult> {
    const bucket = await this.buckets.entity(bucketName);
    const prefix = input.prefix ?? '';
    const delimiter = input.delimiter || undefined;
    const objects: ObjectView[] = [];
    const commonPrefixes: string[] = [];
    const max = input.maxKeys;
    if (max <= 0) return { objects, commonPrefixes, isTruncated: false };

    // Start at the later of the prefix and the marker. If the marker is inside a common
    // prefix already returned, skip that whole prefix.
    let cursor = input.after ?? '';
    let inclusive = false;
    if (prefix && cursor < prefix) {
      cursor = prefix;
      inclusive = true;
    }
    if (delimiter && input.after && input.after.startsWith(prefix) && commonPrefixOf(input.after, prefix, delimiter) === input.after) {
      cursor = pastPrefix(input.after);
      inclusive = false;
    }

    if (delimiter) return this.listWithDelimiter(bucket.id, prefix, delimiter, cursor, inclusive, max);

    const repo = this.db.repo(ObjectEntity);
    let lastReturned: string | undefined;
    const count = () => objects.length + commonPrefixes.length;
    for (;;) {
      const batchSize = Math.min(1000, max - count() + 1);
      const rows = await repo
        .createQueryBuilder('o')
        .where('o.bucket_id = :bucketId', { bucketId: bucket.id })
        .andWhere('o.is_latest = :latest', { latest: true })
        .andWhere('o.is_delete_marker = :marker', { marker: false })
        .andWhere(inclusive ? 'o.key >= :cursor' : 'o.key > :cursor', { cursor })
        .orderBy('o.key', 'ASC')
        .limit(batchSize)
        .getMany();
      if (rows.length === 0) return { objects, commonPrefixes, isTruncated: false, lastReturned };
      // Rows of the batch inside the common prefix just returned are skipped here; a new query
      // (which seeks past the prefix) is needed only when the batch runs out inside it.
      let skipping: string | undefined;
      for (const row of rows) {
        if (skipping !== undefined && row.key.startsWith(skipping)) continue;
        skipping = undefined;
        if (!row.key.startsWith(prefix)) return { objects, commonPrefixes, isTruncated: false, lastReturned };
        if (count() >= max) return { objects, commonPrefixes, isTruncated: true, lastReturned };
        const cp = commonPrefixOf(row.key, prefix, delimiter);
        if (cp !== undefined) {
          commonPrefixes.push(cp);
          lastReturned = cp;
          cursor = pastPrefix(cp);
          inclusive = false;
          skipping = cp;
          continue;
        }
        objects.push(toObjectView(row));
        lastReturned = row.key;
        cursor = row.key;
        inclusive = false;
      }
      if (rows.length < batchSize) return { objects, commonPrefixes, isTruncated: false, lastReturned };
    }
  }

  /**
   * A page with a delimiter, from keys alone. First one range scan of the index (as without a
   * delimiter) whose keys inside a common prefix already returned are skipped: pages of objects
   * and small directories end here. When that batch runs out inside the page, the rest of the
   * page comes from one recursive statement (see delimiter-scan.ts) that seeks once per entry,
   * past a whole common prefix at a time: a page costs at most one batch plus O(page) seeks,
   * however many keys the directories hold. `max` + 1 entries are read at most (the last says
   * "truncated"). Then the rows of the page's objects, in one statement: when they all came from
   * the batch, a range scan from the first to the last (no more rows than the batch read; keys
   * inside common prefixes are dropped), else one lookup per key. A page of common prefixes
   * reads no table row at all.
   */
  private async listWithDelimiter(
    bucketId: string,
    prefix: string,
    delimiter: string,
    cursor: string,
    inclusive: boolean,
    max: number,
  ): Promise<ListObjectsResult> {
    const bounded = prefix !== '';
    const upper = bounded ? pastPrefix(prefix) : null;
    const page: ListObjectsResult = { objects: [], commonPrefixes: [], isTruncated: false };
    const objectKeys: string[] = [];
    /** Whether every object of the page came from the batch (then at most the batch lies between the first and the last). */
    let allFromBatch = true;
    let skipping: string | undefined;
    /** Adds keys in key order to the page; true when the page is complete. */
    const take = (rows: Array<{ raw: Record<string, unknown> }>, fromBatch: boolean): boolean => {
      for (const { raw } of rows) {
        const key = raw.list_key as string;
        if (skipping !== undefined && key.startsWith(skipping)) continue;
        skipping = undefined;
        if (!key.startsWith(prefix)) return true;
        if (objectKeys.length + page.commonPrefixes.length >= max) {
          page.isTruncated = true;
          return true;
        }
        const cp = commonPrefixOf(key, prefix, delimiter);
        if (cp !== undefined) {
          page.commonPrefixes.push(cp);
          page.lastReturned = cp;
          skipping = cp;
          cursor = pastPrefix(cp);
        } else {
          if (!fromBatch) allFromBatch = false;
          objectKeys.push(key);
          page.lastReturned = key;
          cursor = key;
        }
      }
      return false;
    };
    const limit = Math.min(1000, max + 1);
    const batch = await this.db.select(
      ObjectEntity,
      `delimiter-batch:${bounded}:${inclusive}`,
      (q) => delimiterBatchSql(q, bounded, inclusive),
      {
        bucketId,
        cursor,
        upper,
        limit,
      },
    );
    if (!take(batch, true) && batch.length === limit) {
      const rest = await this.db.select(ObjectEntity, `delimiter-scan:${bounded}`, (q) => delimiterScanSql(q, bounded, false), {
        bucketId,
        cursor,
        upper,
        plen: [...prefix].length,
        dlen: [...delimiter].length,
        delimiter,
        maxChar: MAX_CHAR,
        limit: max - objectKeys.length - page.commonPrefixes.length + 1,
      });
      take(rest, false);
    }
    if (objectKeys.length === 0) return page;
    // A key deleted between the statements is left out, as if listed a moment later; one written
    // between them inside the range is not this page's (it is listed by the next request).
    const listed = new Set(objectKeys);
    const rows = allFromBatch
      ? await this.db.select(ObjectEntity, 'delimiter-objects:range', (q) => delimiterObjectsSql(q, true), {
          bucketId,
          first: objectKeys[0],
          last: objectKeys[objectKeys.length - 1],
        })
      : await this.db.select(ObjectEntity, 'delimiter-objects:keys', (q) => delimiterObjectsSql(q, false), {
          bucketId,
          keys: this.db.isPostgres ? objectKeys : JSON.stringify(objectKeys),
        });
    for (const { entity } of rows) {
      const row = entity();
      if (row && listed.has(row.key)) page.objects.push(toObjectView(row));
    }
    return page;
  }
}

/** Lock settings need a bucket with object lock enabled (S3: InvalidRequest). */
export function assertLockable(bucket: Pick<BucketEntity, 'objectLockEnabled'>): void {
  if (!bucket.objectLockEnabled) throw new DomainError('InvalidRequest', 'Bucket is missing Object Lock Configuration');
}

/** Lock settings of a write: the bucket must have object lock, and a retention must end in the future. */
export function assertLockRequest(bucket: Pick<BucketEntity, 'objectLockEnabled'>, lock: LockRequest, now: Date): void {
  assertLockable(bucket);
  if (lock.retention && lock.retention.retainUntil <= now.getTime()) {
    throw new DomainError('InvalidArgument', 'The retain until date must be in the future!');
  }
}

/** Inside the write transaction: refuse lock settings the bucket cannot hold, apply its default retention. */
function applyBucketLock(bucket: BucketEntity, row: ObjectEntity): void {
  if (row.isDeleteMarker) return;
  if (row.lockMode !== null || row.legalHold !== null) assertLockable(bucket);
  const rule = bucket.objectLockEnabled ? bucket.objectLockRule : null;
  if (rule && row.lockMode === null) {
    row.lockMode = rule.mode;
    row.lockRetainUntil = defaultRetainUntil(rule, new Date(row.lastModified));
  }
}

/** The tags and object lock columns of a new row. */
export function lockAndTagColumns(
  tags?: ObjectTags,
  lock?: LockRequest,
): Pick<ObjectEntity, 'tags' | 'lockMode' | 'lockRetainUntil' | 'legalHold'> {
  return {
    tags: tags && Object.keys(tags).length > 0 ? tags : null,
    lockMode: lock?.retention?.mode ?? null,
    lockRetainUntil: lock?.retention?.retainUntil ?? null,
    legalHold: lock?.legalHold ?? null,
  };
}

/** What a streamed body must match: its declared size, payload hash, Content-MD5 and checksums. */
export type DigestExpectations = Pick<PutObjectInput, 'size' | 'payloadSha256' | 'contentMd5' | 'expectedChecksums'>;

/** Throws the domain error of the first digest of a streamed body that does not match (PutObject, UploadPart). */
export function verifyDigests(
  result: { md5: Buffer; checksums: Partial<Record<ChecksumAlgorithm, string>>; sha256Hex?: string; size: number },
  input: DigestExpectations,
): void {
  if (input.size !== undefined && result.size !== input.size) {
    throw new DomainError('IncompleteBody', undefined, { expected: input.size, received: result.size });
  }
  if (input.payloadSha256 !== undefined && input.payloadSha256 !== result.sha256Hex) {
    throw new DomainError('ContentSha256Mismatch', undefined, { expected: input.payloadSha256, computed: result.sha256Hex ?? '' });
  }
  if (input.contentMd5 !== undefined && input.contentMd5 !== result.md5.toString('base64')) {
    throw new DomainError('BadDigest', undefined, { expected: input.contentMd5, computed: result.md5.toString('base64') });
  }
  const expected = input.expectedChecksums?.() ?? {};
  for (const [algorithm, value] of Object.entries(expected) as Array<[ChecksumAlgorithm, string]>) {
    if (result.checksums[algorithm] !== value) {
      throw new DomainError('ChecksumMismatch', `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`, {
        algorithm,
      });
    }
  }
}

/** A conditional delete's If-Match against the object it would remove (null: none, or a delete marker). */
function assertDeleteCondition(ifMatch: string, target: Pick<ObjectEntity, 'etag'> | null, key: string): void {
  if (!target) throw new DomainError('ObjectNotFound', undefined, { key });
  if (!etagMatches(ifMatch, target.etag)) {
    throw new DomainError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { condition: 'If-Match' });
  }
}

/** `{ partChecksums }` for a ?partNumber read of a multipart object; nothing otherwise. */
function partChecksumsOf(row: ObjectEntity, partNumber: number | undefined): { partChecksums?: ObjectChecksums | null } {
  if (partNumber === undefined || row.partCount === null) return {};
  return { partChecksums: row.manifest[partNumber - 1]?.c ?? null };
}
