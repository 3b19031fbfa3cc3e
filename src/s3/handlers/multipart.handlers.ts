import { LifecycleService } from '../../lifecycle/lifecycle.service';
import { expirationHeader } from '../http/expiration-header';
import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';
import { IamService } from '../../iam/iam.service';
import { ChecksumType, MAX_PART_NUMBER, MultipartService, UploadView } from '../../multipart/multipart.service';
import { ChecksumAlgorithm, isChecksumAlgorithm } from '../../objects/checksums';
import type { WriteConditions } from '../../objects/objects.service';
import { S3Error } from '../errors/s3-error';
import { checksumResponseHeaders, expectedChecksums, readChecksumRequest } from '../http/checksum-headers';
import { H } from '../http/headers';
import { readSmallBody } from '../http/read-body';
import { S3Result } from '../http/s3-result';
import {
  COPY_SOURCE_CUSTOMER_KEY_PREFIX,
  encryptionResponseHeaders,
  readCustomerKey,
  readEncryptionRequest,
} from '../http/server-side-encryption';
import {
  completeMultipartUploadResultXml,
  initiateMultipartUploadResultXml,
  listMultipartUploadsResultXml,
  listPartsResultXml,
  readCompletedParts,
} from '../xml/multipart-shapes';
import { checksumElements, copyPartResultXml, Owner, quoteEtag, urlEncodeKey } from '../xml/shapes';
import { readXml } from '../xml/read-xml';
import { HandlesS3, S3Call } from './handles-s3.decorator';
import { lockHeaders, taggingHeader, versionHeaders } from './object-version-values';
import {
  authorizeCopySource,
  copySourceConditions,
  encodingType,
  eventOrigin,
  header,
  maxParam,
  metadataFromHeaders,
  parseCopySource,
  requireContentLength,
  replicaRequest,
} from './request-values';

const UPLOAD_ID = 'uploadId';
const PART_NUMBER = 'partNumber';
/** CompleteMultipartUpload: the size the client expects the object to have. */
const MP_OBJECT_SIZE = 'x-amz-mp-object-size';
const CHECKSUM_TYPES: readonly ChecksumType[] = ['COMPOSITE', 'FULL_OBJECT'];

/** Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts, ListMultipartUploads. */
@Injectable()
export class MultipartHandlers {
  constructor(
    private readonly multipart: MultipartService,
    private readonly iam: IamService,
    private readonly lifecycle: LifecycleService,
  ) {}

  @HandlesS3('CreateMultipartUpload')
  async createMultipartUpload(call: S3Call): Promise<S3Result> {
    const { algorithm, type } = uploadChecksumMode(call.headers);
    const upload = await this.multipart.create({
      bucket: call.bucket,
      key: call.key,
      owner: call.principal,
      metadata: metadataFromHeaders(call.headers),
      checksumAlgorithm: algorithm,
      checksumType: type,
      tags: taggingHeader(call.headers),
      lock: lockHeaders(call.headers),
      encryption: readEncryptionRequest(call.headers),
    });
    const headers: Record<string, string | number | undefined> = { ...encryptionResponseHeaders(upload.encryption) };
    if (upload.checksumAlgorithm) headers[H.amzChecksumAlgorithm] = upload.checksumAlgorithm.toUpperCase();
    if (upload.checksumType) headers[H.amzChecksumType] = upload.checksumType;
    return S3Result.xml(initiateMultipartUploadResultXml(call.bucket, call.key, upload.uploadId), headers);
  }

  @HandlesS3('UploadPart')
  async uploadPart(call: S3Call): Promise<S3Result> {
    requireContentLength(call);
    const partNumber = partNumberParam(call.query);
    const checks = readChecksumRequest(call.headers);
    const part = await this.multipart.uploadPart({
      bucket: call.bucket,
      key: call.key,
      uploadId: uploadIdParam(call.query),
      partNumber,
      body: call.payload.body,
      size: call.payload.length,
      contentMd5: checks.contentMd5,
      algorithms: checks.algorithms,
      expectedChecksums: () => expectedChecksums(checks, call.payload.trailers()),
      payloadSha256: call.payload.sha256,
      customerKey: readCustomerKey(call.headers),
    });
    return S3Result.empty(200, {
      ETag: quoteEtag(part.etag),
      ...checksumResponseHeaders(part.checksums),
      ...encryptionResponseHeaders(part.encryption),
    });
  }

  @HandlesS3('UploadPartCopy')
  async uploadPartCopy(call: S3Call): Promise<S3Result> {
    const partNumber = partNumberParam(call.query);
    const uploadId = uploadIdParam(call.query);
    const source = parseCopySource(header(call.headers, H.amzCopySource) ?? '');
    const range = copySourceRange(header(call.headers, H.amzCopySourceRange));
    const customerKey = readCustomerKey(call.headers);
    const sourceCustomerKey = readCustomerKey(call.headers, COPY_SOURCE_CUSTOMER_KEY_PREFIX);
    await drain(call);
    await authorizeCopySource(call, source);
    const part = await this.multipart.uploadPartCopy({
      bucket: call.bucket,
      key: call.key,
      uploadId,
      partNumber,
      srcBucket: source.bucket,
      srcKey: source.key,
      srcVersionId: source.versionId,
      range,
      sourceConditions: copySourceConditions(call.headers),
      customerKey,
      sourceCustomerKey,
    });
    return S3Result.xml(copyPartResultXml(part.etag, part.lastModified, checksumElements(part.checksums)), {
      ...(part.sourceVersioned ? { [H.amzCopySourceVersionId]: part.sourceVersionId } : {}),
      ...encryptionResponseHeaders(part.encryption),
    });
  }

  @HandlesS3('CompleteMultipartUpload')
  async completeMultipartUpload(call: S3Call): Promise<S3Result> {
    const uploadId = uploadIdParam(call.query);
    // x-amz-checksum-* of this request describe the object, not the XML body.
    const objectChecksums = readChecksumRequest(call.headers).headerValues;
    const body = await readSmallBody({ ...call, headers: withoutChecksumHeaders(call.headers) });
    const parts = readCompletedParts(await readXml(body.toString('utf8'), 'CompleteMultipartUpload'));
    const done = await this.multipart.complete({
      bucket: call.bucket,
      key: call.key,
      uploadId,
      parts,
      expectedChecksums: objectChecksums,
      expectedSize: mpObjectSize(call.headers),
      conditions: writeConditions(call.headers),
      origin: eventOrigin(call),
      replica: await replicaRequest(call),
    });
    // x-amz-expiration when a lifecycle rule expires the new object (advisory: never fails the request).
    const expiration = expirationHeader(
      await this.lifecycle
        .expirationOfWritten(call.bucket, { key: call.key, size: done.size, lastModified: done.lastModified, tags: done.tags })
        .catch(() => undefined),
    );
    return S3Result.xml(
      completeMultipartUploadResultXml({
        location: objectLocation(call),
        bucket: call.bucket,
        key: call.key,
        etag: done.etag,
        checksums: done.checksums,
      }),
      {
        ...versionHeaders(done.versioned, done.versionId),
        ...encryptionResponseHeaders(done.encryption),
        ...(expiration ? { [H.amzExpiration]: expiration } : {}),
      },
    );
  }

  @HandlesS3('AbortMultipartUpload')
  async abortMultipartUpload(call: S3Call): Promise<S3Result> {
    await this.multipart.abort(call.bucket, call.key, uploadIdParam(call.query));
    return S3Result.empty(204);
  }

  @HandlesS3('ListParts')
  async listParts(call: S3Call): Promise<S3Result> {
    const partNumberMarker = partNumberMarkerParam(call.query);
    const maxParts = maxParam(call.query, 'max-parts');
    const page = await this.multipart.listParts(call.bucket, call.key, uploadIdParam(call.query), { partNumberMarker, maxParts });
    const owner = await this.iam.owner(page.upload.ownerId);
    return S3Result.xml(
      listPartsResultXml({
        bucket: call.bucket,
        upload: page.upload,
        partNumberMarker,
        maxParts,
        parts: page.parts,
        isTruncated: page.isTruncated,
        initiator: owner,
        owner,
      }),
    );
  }

  @HandlesS3('ListMultipartUploads')
  async listMultipartUploads({ bucket, query }: S3Call): Promise<S3Result> {
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') || undefined;
    const keyMarker = query.get('key-marker') ?? '';
    // Without a key-marker, S3 ignores upload-id-marker.
    const uploadIdMarker = keyMarker ? (query.get('upload-id-marker') ?? '') : '';
    const maxUploads = maxParam(query, 'max-uploads');
    const enc = encodingType(query);
    const page = await this.multipart.listUploads(bucket, { prefix, delimiter, keyMarker, uploadIdMarker, maxUploads });
    const owners = await this.ownersOf(page.uploads);
    return S3Result.xml(
      listMultipartUploadsResultXml({
        bucket,
        keyMarker,
        uploadIdMarker,
        nextKeyMarker: page.isTruncated ? page.nextKeyMarker : undefined,
        nextUploadIdMarker: page.isTruncated ? page.nextUploadIdMarker : undefined,
        prefix,
        delimiter,
        maxUploads,
        isTruncated: page.isTruncated,
        uploads: page.uploads,
        commonPrefixes: page.commonPrefixes,
        encodingType: enc,
        owner: (u) => owners.get(u.ownerId)!,
      }),
    );
  }

  private async ownersOf(uploads: UploadView[]): Promise<Map<string, Owner>> {
    const map = new Map<string, Owner>();
    for (const id of new Set(uploads.map((u) => u.ownerId))) map.set(id, await this.iam.owner(id));
    return map;
  }
}

function uploadIdParam(query: URLSearchParams): string {
  const v = query.get(UPLOAD_ID);
  // An empty id names no upload.
  if (!v) throw new S3Error('NoSuchUpload', { fields: { UploadId: v ?? '' } });
  return v;
}

function partNumberParam(query: URLSearchParams): number {
  const v = query.get(PART_NUMBER) ?? '';
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > MAX_PART_NUMBER) {
    throw new S3Error('InvalidArgument', {
      message: `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
      fields: { ArgumentName: PART_NUMBER, ArgumentValue: v },
    });
  }
  return Number(v);
}

function partNumberMarkerParam(query: URLSearchParams): number {
  const v = query.get('part-number-marker');
  if (v === null || v === '') return 0;
  if (!/^\d+$/.test(v)) {
    throw new S3Error('InvalidArgument', {
      message: 'Provided part-number-marker not an integer or within integer range',
      fields: { ArgumentName: 'part-number-marker', ArgumentValue: v },
    });
  }
  return Number(v);
}

/** x-amz-checksum-algorithm and x-amz-checksum-type of CreateMultipartUpload. */
function uploadChecksumMode(headers: IncomingHttpHeaders): { algorithm?: ChecksumAlgorithm; type?: ChecksumType } {
  const a = header(headers, H.amzChecksumAlgorithm)?.trim().toLowerCase();
  const t = header(headers, H.amzChecksumType)?.trim().toUpperCase();
  if (a !== undefined && !isChecksumAlgorithm(a)) {
    throw new S3Error('InvalidRequest', {
      message:
        'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
    });
  }
  if (t !== undefined && !(CHECKSUM_TYPES as readonly string[]).includes(t)) {
    throw new S3Error('InvalidRequest', { message: 'Value for x-amz-checksum-type header is invalid.' });
  }
  return { algorithm: a, type: t as ChecksumType | undefined };
}

/** `x-amz-copy-source-range: bytes=first-last`; whether it fits the source is the service's to check. */
function copySourceRange(value: string | undefined): { start: number; end: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!m || Number(m[2]) < Number(m[1])) {
    throw new S3Error('InvalidArgument', {
      message:
        'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      fields: { ArgumentName: H.amzCopySourceRange, ArgumentValue: value },
    });
  }
  return { start: Number(m[1]), end: Number(m[2]) };
}

function mpObjectSize(headers: IncomingHttpHeaders): number | undefined {
  const v = header(headers, MP_OBJECT_SIZE);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim())) {
    throw new S3Error('InvalidArgument', {
      message: `Invalid ${MP_OBJECT_SIZE} header`,
      fields: { ArgumentName: MP_OBJECT_SIZE, ArgumentValue: v },
    });
  }
  return Number(v);
}

function withoutChecksumHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(H.amzChecksumPrefix) && isChecksumAlgorithm(name.slice(H.amzChecksumPrefix.length))) continue;
    out[name] = value;
  }
  return out;
}

function writeConditions(headers: IncomingHttpHeaders): WriteConditions | undefined {
  const ifNoneMatch = header(headers, H.ifNoneMatch);
  const ifMatch = header(headers, H.ifMatch);
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new S3Error('NotImplemented', { message: 'If-None-Match on writes only supports *.' });
  }
  return ifNoneMatch !== undefined || ifMatch !== undefined ? { ifNoneMatch, ifMatch } : undefined;
}

/** The URL of the completed object, in the addressing style of the request. */
function objectLocation(call: S3Call): string {
  const host = header(call.headers, H.host) ?? '';
  const scheme = call.secure ? 'https' : 'http';
  const key = urlEncodeKey(call.key);
  return host.startsWith(`${call.bucket}.`) ? `${scheme}://${host}/${key}` : `${scheme}://${host}/${call.bucket}/${key}`;
}

/** Copy requests carry no body worth reading, but it must be consumed before the answer. */
async function drain(call: S3Call): Promise<void> {
  for await (const chunk of call.payload.body) {
    if ((chunk as Buffer).length > 0) throw new S3Error('InvalidRequest', { message: 'UploadPartCopy takes no request body.' });
  }
}
