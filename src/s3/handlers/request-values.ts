import type { S3Call } from './handles-s3.decorator';
import type { IncomingHttpHeaders } from 'node:http';
import type { EventOrigin } from '../../events/event-record';
import type { ReadConditions } from '../../objects/conditions';
import type { ObjectMetadata } from '../../objects/entities/object.entity';
import { S3Error } from '../errors/s3-error';
import { H, STORED_HEADERS } from '../http/headers';

/** S3's limit on user-defined metadata: 2 KiB of names and values. */
const MAX_USER_METADATA = 2 * 1024;

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Content-Type and friends plus x-amz-meta-*, as stored with an object. */
export function metadataFromHeaders(headers: IncomingHttpHeaders): ObjectMetadata {
  const stored: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let v = header(headers, name);
    // aws-chunked is the framing of this upload, not an encoding of the object: S3 drops it.
    if (v !== undefined && name === H.contentEncoding) v = withoutAwsChunked(v);
    if (v !== undefined) stored[name] = v;
  }
  const user: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(H.amzMetaPrefix) || value === undefined) continue;
    const key = name.slice(H.amzMetaPrefix.length);
    const v = Array.isArray(value) ? value.join(',') : value;
    user[key] = v;
    size += key.length + Buffer.byteLength(v);
  }
  if (size > MAX_USER_METADATA) throw new S3Error('MetadataTooLarge', { fields: { MaxSizeAllowed: MAX_USER_METADATA } });
  return { headers: stored, user };
}

/** A Content-Encoding without its `aws-chunked` token(s); undefined when nothing else is left. */
export function withoutAwsChunked(value: string): string | undefined {
  const rest = value
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '' && t.toLowerCase() !== 'aws-chunked');
  return rest.length ? rest.join(',') : undefined;
}

export function httpDate(headers: IncomingHttpHeaders, name: string): Date | undefined {
  const v = header(headers, name);
  if (v === undefined) return undefined;
  const d = new Date(v);
  // An unparseable date is ignored, as HTTP says and S3 does.
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function readConditions(headers: IncomingHttpHeaders): ReadConditions | undefined {
  const c: ReadConditions = {
    ifMatch: header(headers, H.ifMatch),
    ifNoneMatch: header(headers, H.ifNoneMatch),
    ifModifiedSince: httpDate(headers, H.ifModifiedSince),
    ifUnmodifiedSince: httpDate(headers, H.ifUnmodifiedSince),
  };
  return c.ifMatch || c.ifNoneMatch || c.ifModifiedSince || c.ifUnmodifiedSince ? c : undefined;
}

export function copySourceConditions(headers: IncomingHttpHeaders): ReadConditions | undefined {
  const c: ReadConditions = {
    ifMatch: header(headers, H.amzCopySourceIfMatch),
    ifNoneMatch: header(headers, H.amzCopySourceIfNoneMatch),
    ifModifiedSince: httpDate(headers, H.amzCopySourceIfModifiedSince),
    ifUnmodifiedSince: httpDate(headers, H.amzCopySourceIfUnmodifiedSince),
  };
  return c.ifMatch || c.ifNoneMatch || c.ifModifiedSince || c.ifUnmodifiedSince ? c : undefined;
}

/** `x-amz-copy-source: /bucket/key?versionId=…` (leading slash optional, key percent-encoded). */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  let v = value;
  let versionId: string | undefined;
  const q = v.indexOf('?');
  if (q >= 0) {
    versionId = new URLSearchParams(v.slice(q + 1)).get('versionId') ?? undefined;
    v = v.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(v);
  } catch {
    throw new S3Error('InvalidArgument', {
      message: 'Invalid copy source encoding',
      fields: { ArgumentName: 'x-amz-copy-source', ArgumentValue: value },
    });
  }
  if (decoded.startsWith('/')) decoded = decoded.slice(1);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error('InvalidArgument', {
      message: 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      fields: { ArgumentName: 'x-amz-copy-source', ArgumentValue: value },
    });
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/** max-keys / max-uploads / max-parts: an integer 0..limit (larger values are capped, as S3 does). */
export function maxParam(query: URLSearchParams, name: string, limit = 1000): number {
  const v = query.get(name);
  if (v === null || v === '') return limit;
  if (!/^-?\d+$/.test(v) || Number(v) < 0) {
    throw new S3Error('InvalidArgument', {
      message: `Provided ${name} not an integer or within integer range`,
      fields: { ArgumentName: name, ArgumentValue: v },
    });
  }
  return Math.min(Number(v), limit);
}

export function encodingType(query: URLSearchParams): 'url' | undefined {
  const v = query.get('encoding-type');
  if (v === null) return undefined;
  if (v.toLowerCase() !== 'url') {
    throw new S3Error('InvalidArgument', {
      message: 'Invalid Encoding Method specified in Request',
      fields: { ArgumentName: 'encoding-type', ArgumentValue: v },
    });
  }
  return 'url';
}

/** A copy reads its source with the caller's own permissions: s3:GetObject (or GetObjectVersion). */
export function authorizeCopySource(call: S3Call, source: { bucket: string; key: string; versionId?: string }): Promise<void> {
  return call.authorize(
    source.versionId !== undefined ? 's3:GetObjectVersion' : 's3:GetObject',
    source.bucket,
    source.key,
    source.versionId,
  );
}

/** PutObject and UploadPart need a length: Content-Length, or an aws-chunked body (S3: 411 MissingContentLength). */
export function requireContentLength(call: S3Call): void {
  if (call.payload.length === undefined && !call.payload.awsChunked) throw new S3Error('MissingContentLength');
}

/** The request's facts for a bucket notification's record (userIdentity, sourceIPAddress, responseElements). */
export function eventOrigin(call: S3Call): EventOrigin {
  return {
    principalId: call.principal.accessKeyId ?? call.principal.userId,
    sourceIp: call.req.socket?.remoteAddress ?? '',
    requestId: call.requestId,
    hostId: call.hostId,
  };
}

/**
 * A write by another server's replication (our replicator sends `x-amz-replication-status: REPLICA`):
 * allowed with s3:ReplicateObject; the version then reads REPLICA and is not replicated again.
 */
export async function replicaRequest(call: S3Call): Promise<boolean> {
  if (header(call.headers, H.amzReplicationStatus)?.toUpperCase() !== 'REPLICA') return false;
  await call.authorize('s3:ReplicateObject', call.bucket, call.key);
  return true;
}
