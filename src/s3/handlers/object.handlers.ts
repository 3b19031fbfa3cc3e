import { Injectable } from '@nestjs/common';
import { assertAclWritable } from '../../buckets/bucket-controls';
import { BucketsService } from '../../buckets/buckets.service';
import { DomainError } from '../../common/domain-error';
import { LifecycleService } from '../../lifecycle/lifecycle.service';
import { ObjectsService, ObjectView } from '../../objects/objects.service';
import { domainToS3 } from '../errors/domain-to-s3';
import { S3Error } from '../errors/s3-error';
import { checksumResponseHeaders, expectedChecksums, readChecksumRequest } from '../http/checksum-headers';
import type { ObjectChecksums } from '../../objects/entities/object.entity';
import { expirationHeader } from '../http/expiration-header';
import { H, RESPONSE_OVERRIDES } from '../http/headers';
import { readSmallBody } from '../http/read-body';
import { HeaderValues, S3Result } from '../http/s3-result';
import {
  COPY_SOURCE_CUSTOMER_KEY_PREFIX,
  encryptionResponseHeaders,
  readCustomerKey,
  readEncryptionRequest,
} from '../http/server-side-encryption';
import { checksumElements, copyObjectResultXml, DeletedEntry, deleteResultXml, quoteEtag } from '../xml/shapes';
import { childText, readXml } from '../xml/read-xml';
import { grantsOnCreate } from './access.handlers';
import { IamService } from '../../iam/iam.service';
import { HandlesS3, S3Call } from './handles-s3.decorator';
import { ObjectAclService } from '../../objects/object-acl.service';
import {
  canBypassGovernance,
  lockHeaders,
  requireIntegrityCheck,
  taggingHeader,
  versionHeaders,
  versionIdParam,
} from './object-version-values';
import {
  authorizeCopySource,
  copySourceConditions,
  eventOrigin,
  header,
  metadataFromHeaders,
  parseCopySource,
  readConditions,
  replicaRequest,
  requireContentLength,
} from './request-values';

const MAX_DELETE_KEYS = 1000;

/** Single-object operations: Put, Get, Head, Delete, Copy, and DeleteObjects. */
@Injectable()
export class ObjectHandlers {
  constructor(
    private readonly objects: ObjectsService,
    private readonly objectAcls: ObjectAclService,
    private readonly lifecycle: LifecycleService,
    private readonly iam: IamService,
    private readonly buckets: BucketsService,
  ) {}

  /** x-amz-expiration, when a lifecycle rule expires the current version (advisory: never fails a read). */
  private async expiration(call: S3Call, object: ObjectView): Promise<string | undefined> {
    if (call.query.has('versionId')) return undefined;
    return expirationHeader(await this.lifecycle.expirationOf(call.bucket, object).catch(() => undefined));
  }

  @HandlesS3('PutObject')
  async putObject(call: S3Call): Promise<S3Result> {
    requireContentLength(call);
    const checks = readChecksumRequest(call.headers);
    const grants = await grantsOnCreate(call, this.iam, call.principal.userId, async () => (await this.buckets.get(call.bucket)).ownerId);
    if (grants) assertAclWritable(await this.buckets.entity(call.bucket), grants);
    const lock = lockHeaders(call.headers);
    if (lock) requireIntegrityCheck(checks);
    const tags = taggingHeader(call.headers);
    const stored = await this.objects.put({
      bucket: call.bucket,
      key: call.key,
      owner: call.principal,
      body: call.payload.body,
      size: call.payload.length,
      metadata: metadataFromHeaders(call.headers),
      contentMd5: checks.contentMd5,
      algorithms: checks.algorithms,
      expectedChecksums: () => expectedChecksums(checks, call.payload.trailers()),
      payloadSha256: call.payload.sha256,
      conditions: writeConditions(call),
      tags,
      lock,
      encryption: readEncryptionRequest(call.headers),
      origin: eventOrigin(call),
      replica: await replicaRequest(call),
      acl: grants,
    });
    // x-amz-expiration when a lifecycle rule expires the new object (advisory: never fails the write).
    const expiration = expirationHeader(
      await this.lifecycle
        .expirationOfWritten(call.bucket, { key: call.key, size: stored.size, lastModified: stored.lastModified, tags: tags ?? null })
        .catch(() => undefined),
    );
    if (grants) await this.objectAcls.set(call.bucket, call.key, grants, stored.versionId === 'null' ? undefined : stored.versionId);
    return S3Result.empty(200, {
      ETag: quoteEtag(stored.etag),
      ...checksumResponseHeaders(stored.checksums),
      ...versionHeaders(stored.versioned, stored.versionId),
      ...encryptionResponseHeaders(stored.encryption),
      ...(expiration ? { [H.amzExpiration]: expiration } : {}),
    });
  }

  @HandlesS3('GetObject')
  async getObject(call: S3Call): Promise<S3Result> {
    const partNumber = partNumberParam(call.query);
    const { object, body, range, versioned, partChecksums } = await this.objects.get(call.bucket, call.key, {
      versionId: versionIdParam(call.query),
      conditions: readConditions(call.headers),
      partNumber,
      range: header(call.headers, H.range),
      customerKey: readCustomerKey(call.headers),
    });
    const headers = objectHeaders(call, object, range, partNumber, versioned, partChecksums);
    headers[H.amzExpiration] = await this.expiration(call, object);
    for (const [param, name] of Object.entries(RESPONSE_OVERRIDES)) {
      const v = call.query.get(param);
      if (v !== null) headers[name] = v;
    }
    const length = range ? range.end - range.start + 1 : object.size;
    return S3Result.stream(body, length, headers, range ? 206 : 200);
  }

  @HandlesS3('HeadObject')
  async headObject(call: S3Call): Promise<S3Result> {
    const partNumber = partNumberParam(call.query);
    const { object, range, versioned, partChecksums } = await this.objects.head(call.bucket, call.key, {
      versionId: versionIdParam(call.query),
      conditions: readConditions(call.headers),
      partNumber,
      range: header(call.headers, H.range),
      customerKey: readCustomerKey(call.headers),
    });
    const headers = objectHeaders(call, object, range, partNumber, versioned, partChecksums);
    headers[H.amzExpiration] = await this.expiration(call, object);
    headers['Content-Length'] = range ? range.end - range.start + 1 : object.size;
    return S3Result.empty(range ? 206 : 200, headers);
  }

  @HandlesS3('DeleteObject')
  async deleteObject(call: S3Call): Promise<S3Result> {
    const outcome = await this.objects.delete(call.bucket, call.key, {
      versionId: versionIdParam(call.query),
      owner: call.principal,
      canBypassGovernance: await canBypassGovernance(call),
      origin: eventOrigin(call),
      ifMatch: header(call.headers, H.ifMatch),
    });
    const headers: HeaderValues = outcome.deleteMarker ? { [H.amzDeleteMarker]: 'true' } : {};
    if (outcome.versionId !== undefined) headers[H.amzVersionId] = outcome.versionId;
    return S3Result.empty(204, headers);
  }

  @HandlesS3('DeleteObjects')
  async deleteObjects(call: S3Call): Promise<S3Result> {
    const body = await readSmallBody(call, 2 * 1024 * 1024);
    const doc = await readXml(body.toString('utf8'), 'Delete');
    const quiet = childText(doc, 'Quiet')?.trim().toLowerCase() === 'true';
    const entries = (doc.Object ?? []) as Array<Record<string, unknown[]>>;
    if (entries.length === 0) throw new S3Error('MalformedXML');
    if (entries.length > MAX_DELETE_KEYS) {
      throw new S3Error('MalformedXML', { message: `The request must contain no more than ${MAX_DELETE_KEYS} objects.` });
    }
    const objects = entries.map((e) => {
      const key = childText(e, 'Key');
      if (key === undefined) throw new S3Error('MalformedXML');
      return { key, versionId: childText(e, 'VersionId') };
    });
    // Each entry is its own s3:DeleteObject(Version) decision (a Deny on a prefix holds inside the batch).
    const denied = new Set<number>();
    for (const [i, { key, versionId }] of objects.entries()) {
      try {
        await call.authorize(versionId !== undefined ? 's3:DeleteObjectVersion' : 's3:DeleteObject', call.bucket, key, versionId);
      } catch (err) {
        if (!(err instanceof DomainError) || err.code !== 'AccessDenied') throw err;
        denied.add(i);
      }
    }
    const done = await this.objects.deleteMany(
      call.bucket,
      objects.filter((_o, i) => !denied.has(i)),
      { owner: call.principal, canBypassGovernance: await canBypassGovernance(call), origin: eventOrigin(call) },
    );
    const deleted: DeletedEntry[] = [];
    const errors: Array<{ key: string; versionId?: string; code: string; message: string }> = [];
    let next = 0;
    objects.forEach(({ key, versionId }, i) => {
      const r = denied.has(i) ? { key, versionId, error: new DomainError('AccessDenied'), outcome: undefined } : done[next++];
      if (r.error) {
        const e = domainToS3(r.error);
        errors.push({ key, versionId, code: e.code, message: e.message });
      } else {
        const created = r.outcome?.deleteMarker === true && versionId === undefined;
        deleted.push({
          key,
          versionId,
          deleteMarker: r.outcome?.deleteMarker,
          deleteMarkerVersionId: created ? r.outcome?.versionId : versionId,
        });
      }
    });
    return S3Result.xml(deleteResultXml(deleted, errors, quiet));
  }

  @HandlesS3('CopyObject')
  async copyObject(call: S3Call): Promise<S3Result> {
    const source = parseCopySource(header(call.headers, H.amzCopySource) ?? '');
    const directive = (header(call.headers, H.amzMetadataDirective) ?? 'COPY').toUpperCase();
    if (directive !== 'COPY' && directive !== 'REPLACE') {
      throw new S3Error('InvalidArgument', {
        message: 'Unknown metadata directive.',
        fields: { ArgumentName: H.amzMetadataDirective, ArgumentValue: directive },
      });
    }
    const taggingDirective = (header(call.headers, H.amzTaggingDirective) ?? 'COPY').toUpperCase();
    if (taggingDirective !== 'COPY' && taggingDirective !== 'REPLACE') {
      throw new S3Error('InvalidArgument', {
        message: 'Unknown tagging directive.',
        fields: { ArgumentName: H.amzTaggingDirective, ArgumentValue: taggingDirective },
      });
    }
    const lock = lockHeaders(call.headers);
    const encryption = readEncryptionRequest(call.headers);
    const sourceCustomerKey = readCustomerKey(call.headers, COPY_SOURCE_CUSTOMER_KEY_PREFIX);
    await drain(call);
    await authorizeCopySource(call, source);
    const stored = await this.objects.copy({
      srcBucket: source.bucket,
      srcKey: source.key,
      srcVersionId: source.versionId,
      dstBucket: call.bucket,
      dstKey: call.key,
      owner: call.principal,
      replaceMetadata: directive === 'REPLACE' ? metadataFromHeaders(call.headers) : undefined,
      tags: taggingDirective === 'REPLACE' ? (taggingHeader(call.headers) ?? {}) : undefined,
      lock,
      sourceConditions: copySourceConditions(call.headers),
      conditions: writeConditions(call),
      encryption,
      sourceCustomerKey,
      origin: eventOrigin(call),
    });
    return S3Result.xml(copyObjectResultXml(stored.etag, stored.lastModified, checksumElements(stored.checksums)), {
      ...versionHeaders(stored.versioned, stored.versionId),
      ...(stored.sourceVersioned ? { [H.amzCopySourceVersionId]: stored.sourceVersionId } : {}),
      ...encryptionResponseHeaders(stored.encryption),
    });
  }
}

/** Copy requests carry no body worth reading, but it must be consumed before the answer. */
async function drain(call: S3Call): Promise<void> {
  for await (const chunk of call.payload.body) {
    if ((chunk as Buffer).length > 0) throw new S3Error('InvalidRequest', { message: 'CopyObject takes no request body.' });
  }
}

function writeConditions(call: S3Call) {
  const ifNoneMatch = header(call.headers, H.ifNoneMatch);
  const ifMatch = header(call.headers, H.ifMatch);
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new S3Error('NotImplemented', { message: 'If-None-Match on writes only supports *.' });
  }
  return ifNoneMatch !== undefined || ifMatch !== undefined ? { ifNoneMatch, ifMatch } : undefined;
}

function partNumberParam(query: URLSearchParams): number | undefined {
  const v = query.get('partNumber');
  if (v === null) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 10000) {
    throw new S3Error('InvalidArgument', {
      message: 'Part number must be an integer between 1 and 10000, inclusive',
      fields: { ArgumentName: 'partNumber', ArgumentValue: v },
    });
  }
  return Number(v);
}

function objectHeaders(
  call: S3Call,
  o: ObjectView,
  range: { start: number; end: number } | undefined,
  partNumber: number | undefined,
  versioned: boolean,
  partChecksums?: ObjectChecksums | null,
): HeaderValues {
  const h: HeaderValues = {
    ETag: quoteEtag(o.etag),
    'Last-Modified': o.lastModified.toUTCString(),
    'Accept-Ranges': 'bytes',
    'Content-Type': o.metadata.headers[H.contentType] ?? 'binary/octet-stream',
  };
  for (const [name, value] of Object.entries(o.metadata.headers)) if (name !== H.contentType) h[name] = value;
  for (const [name, value] of Object.entries(o.metadata.user)) h[H.amzMetaPrefix + name] = value;
  if (range) h['Content-Range'] = `bytes ${range.start}-${range.end}/${o.size}`;
  if (partNumber !== undefined && o.partCount !== null) h[H.amzMpPartsCount] = o.partCount;
  if (o.storageClass !== 'STANDARD') h[H.amzStorageClass] = o.storageClass;
  // Stored checksums cover the whole object: only returned when the whole object is served; a part
  // of a multipart object (?partNumber) answers the checksums that part was uploaded with.
  if (header(call.headers, H.amzChecksumMode)?.toUpperCase() === 'ENABLED') {
    if (partChecksums !== undefined) Object.assign(h, checksumResponseHeaders(partChecksums));
    else if (!range) Object.assign(h, checksumResponseHeaders(o.checksums));
  }
  Object.assign(h, versionHeaders(versioned, o.versionId));
  if (o.tagCount > 0) h[H.amzTaggingCount] = o.tagCount;
  if (o.retention) {
    h[H.amzObjectLockMode] = o.retention.mode;
    h[H.amzObjectLockRetainUntilDate] = new Date(o.retention.retainUntil).toISOString();
  }
  if (o.legalHold !== null) h[H.amzObjectLockLegalHold] = o.legalHold ? 'ON' : 'OFF';
  Object.assign(h, encryptionResponseHeaders(o.encryption));
  if (o.replicationStatus !== null) h[H.amzReplicationStatus] = o.replicationStatus;
  return h;
}
