import { pipeline } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ObjectMetadata } from '../../objects/entities/object.entity';
import type { GetObjectResult } from '../../objects/objects.service';
import { STORED_HEADERS } from '../../s3/http/headers';
import { ConsoleValidationError } from './console-errors';

/**
 * HTTP details of the console's object routes: object keys taken from the raw URL (`{key+}`),
 * upload bodies kept away from the JSON parser (console.setup.ts skips it for isUploadRequest), and downloads streamed with their headers.
 */

/** PUT /api/v1/buckets/{bucket}/objects/{key+} is an upload: its body is the object, whatever its type. */
const UPLOAD_PATH = /^\/api\/v1\/buckets\/[^/]+\/objects\/.+/;
/** PUT /api/v1/buckets/{bucket}/uploads/{uploadId}/parts/{n}: one part of a multipart upload. */
const PART_PATH = /^\/api\/v1\/buckets\/[^/]+\/uploads\/[^/]+\/parts\/[^/]+$/;
/** …except the sub-resources whose body is JSON. */
const JSON_SUBRESOURCE = /\/(acl|legal-hold|tagging|retention)$/;

export function isUploadRequest(method: string, path: string): boolean {
  return method === 'PUT' && ((UPLOAD_PATH.test(path) && !JSON_SUBRESOURCE.test(path)) || PART_PATH.test(path));
}

/** The Content-Type an upload was sent with. */
export function uploadContentType(req: Request): string | undefined {
  return req.get('content-type');
}

/**
 * The object key of a `…/objects/{key+}[/suffix]` route, from the raw URL: every byte of the key
 * kept (empty segments, trailing slash), percent-decoded once. A key ending with a sub-resource
 * name (`a/acl`) is reached by encoding its last slash (`a%2Facl`).
 */
export function objectKeyOf(req: Request, suffix = ''): string {
  const path = (req.originalUrl ?? req.url).split('?')[0];
  const segments = path.split('/');
  // ['', 'api', 'v1', 'buckets', <bucket>, 'objects', ...key]
  let raw = segments.slice(6).join('/');
  if (suffix) raw = raw.slice(0, raw.length - suffix.length);
  try {
    const key = decodeURIComponent(raw);
    if (key.length === 0) throw new Error('empty');
    return key;
  } catch {
    throw new ConsoleValidationError({ key: ['key must be a non-empty, correctly percent-encoded object key'] });
  }
}

/** S3's limit on user-defined metadata: 2 KiB of names and values. */
const MAX_USER_METADATA = 2 * 1024;

/** Content-Type and friends plus x-amz-meta-* of an upload, as S3 stores them. */
export function uploadMetadata(req: Request): ObjectMetadata {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const v = name === 'content-type' ? uploadContentType(req) : req.get(name);
    if (v !== undefined) headers[name] = v;
  }
  const user: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const v = Array.isArray(value) ? value.join(',') : value;
    user[name.slice('x-amz-meta-'.length)] = v;
    size += name.length - 'x-amz-meta-'.length + Buffer.byteLength(v);
  }
  if (size > MAX_USER_METADATA)
    throw new ConsoleValidationError({ 'x-amz-meta-*': [`user metadata is limited to ${MAX_USER_METADATA} bytes`] });
  return { headers, user };
}

/** `attachment; filename="x.txt"; filename*=UTF-8''x.txt` (RFC 6266 / 5987), ASCII fallback included. */
export function contentDisposition(key: string, type: 'attachment' | 'inline'): string {
  const name = key.split('/').filter(Boolean).pop() ?? 'download';
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

const logger = new Logger('ConsoleDownload');

/**
 * Streams an object (or the range ObjectsService selected) with its headers: Content-Type, Length,
 * Disposition, ETag, Last-Modified, Accept-Ranges, and 206 + Content-Range for a range. User content
 * is served with nosniff and a sandboxing CSP, as it shares the console's origin.
 */
export function sendObject(req: Request, res: Response, result: GetObjectResult, disposition: 'attachment' | 'inline'): void {
  const o = result.object;
  const length = result.range ? result.range.end - result.range.start + 1 : o.size;
  res.status(result.range ? 206 : 200);
  res.setHeader('Content-Type', o.metadata.headers['content-type'] ?? 'application/octet-stream');
  res.setHeader('Content-Length', String(length));
  res.setHeader('Content-Disposition', contentDisposition(o.key, disposition));
  res.setHeader('ETag', `"${o.etag}"`);
  res.setHeader('Last-Modified', o.lastModified.toUTCString());
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Cache-Control', 'private, no-cache');
  if (result.versioned) res.setHeader('x-amz-version-id', o.versionId);
  if (result.range) res.setHeader('Content-Range', `bytes ${result.range.start}-${result.range.end}/${o.size}`);
  if (req.method === 'HEAD') {
    result.body.destroy();
    res.end();
    return;
  }
  pipeline(result.body, res, (err) => {
    if (err && !res.writableFinished) logger.warn(`download of ${o.key} ended early: ${err.message}`);
  });
}
