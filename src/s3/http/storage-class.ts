import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../errors/s3-error';
import { H } from './headers';

/** The storage classes of the S3 API (`StorageClass`). */
const S3_STORAGE_CLASSES = new Set([
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
  'FSX_OPENZFS',
]);

/**
 * `x-amz-storage-class` on a write. This server has one tier: every class S3 knows is accepted
 * and the object is stored (and listed) as STANDARD, readable at once; a value S3 does not know
 * is InvalidStorageClass, as S3 answers.
 */
export function assertKnownStorageClass(headers: IncomingHttpHeaders): void {
  const value = headers[H.amzStorageClass];
  if (value === undefined) return;
  if (typeof value !== 'string' || !S3_STORAGE_CLASSES.has(value)) {
    throw new S3Error('InvalidStorageClass', { fields: { StorageClassRequested: String(value) } });
  }
}
