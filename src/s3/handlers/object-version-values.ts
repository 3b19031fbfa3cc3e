import { DomainError } from '../../common/domain-error';
import type { IncomingHttpHeaders } from 'node:http';
import { isLockMode, LockRequest } from '../../objects/object-lock';
import { ObjectTags, validateTags } from '../../objects/object-tags';
import { S3Error } from '../errors/s3-error';
import { ChecksumRequest } from '../http/checksum-headers';
import { H } from '../http/headers';
import { HeaderValues } from '../http/s3-result';
import { parseRetainUntil } from '../xml/object-lock-shapes';
import type { S3Call } from './handles-s3.decorator';
import { header } from './request-values';

/** Request values of versioning, object lock and tagging, shared by the object handlers. */

export const VERSION_ID = 'versionId';

/** The `versionId` query parameter, as given (the service refuses malformed ones with InvalidArgument). */
export function versionIdParam(query: URLSearchParams): string | undefined {
  return query.get(VERSION_ID) ?? undefined;
}

/** `x-amz-version-id`, sent once the bucket has a versioning state (S3 sends `null` for the null version then). */
export function versionHeaders(versioned: boolean, versionId: string): HeaderValues {
  return versioned ? { [H.amzVersionId]: versionId } : {};
}

/** `x-amz-tagging: k1=v1&k2=v2` (URL query form, `+` is a space), validated with S3's tag rules; undefined when absent. */
export function taggingHeader(headers: IncomingHttpHeaders): ObjectTags | undefined {
  const value = header(headers, H.amzTagging);
  if (value === undefined) return undefined;
  const pairs: Array<[string, string]> = [];
  for (const part of value.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push([decodeTagPart(eq < 0 ? part : part.slice(0, eq)), decodeTagPart(eq < 0 ? '' : part.slice(eq + 1))]);
  }
  return validateTags(pairs);
}

function decodeTagPart(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new S3Error('InvalidArgument', {
      message: 'The header x-amz-tagging shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.',
      fields: { ArgumentName: H.amzTagging },
    });
  }
}

/**
 * `x-amz-object-lock-mode`, `-retain-until-date` and `-legal-hold` of PutObject, CopyObject and
 * CreateMultipartUpload; undefined when none is present. Whether the date is in the future and the
 * bucket has object lock is the service's to check.
 */
export function lockHeaders(headers: IncomingHttpHeaders): LockRequest | undefined {
  const mode = header(headers, H.amzObjectLockMode)?.trim();
  const until = header(headers, H.amzObjectLockRetainUntilDate)?.trim();
  const hold = header(headers, H.amzObjectLockLegalHold)?.trim();
  if (mode === undefined && until === undefined && hold === undefined) return undefined;
  const lock: LockRequest = {};
  if ((mode === undefined) !== (until === undefined)) {
    throw new S3Error('InvalidArgument', {
      message: 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
    });
  }
  if (mode !== undefined && until !== undefined) {
    if (!isLockMode(mode)) {
      throw new S3Error('InvalidArgument', {
        message: 'Unknown wormMode directive.',
        fields: { ArgumentName: H.amzObjectLockMode, ArgumentValue: mode },
      });
    }
    lock.retention = { mode, retainUntil: parseRetainUntil(until) };
  }
  if (hold !== undefined) {
    if (hold !== 'ON' && hold !== 'OFF') {
      throw new S3Error('InvalidArgument', {
        message: "Legal Hold must be either of 'ON' or 'OFF'",
        fields: { ArgumentName: H.amzObjectLockLegalHold, ArgumentValue: hold },
      });
    }
    lock.legalHold = hold === 'ON';
  }
  return lock;
}

/**
 * S3 requires Content-MD5 or an x-amz-checksum (header, trailer or SDK algorithm) on writes with
 * object lock parameters and on PutObjectRetention, PutObjectLegalHold, PutObjectLockConfiguration.
 */
export function requireIntegrityCheck(checks: ChecksumRequest): void {
  if (checks.contentMd5 === undefined && checks.algorithms.length === 0) {
    throw new S3Error('InvalidRequest', {
      message: 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
    });
  }
}

/**
 * May this caller remove or weaken GOVERNANCE retention? It asked with
 * `x-amz-bypass-governance-retention: true`. The s3:BypassGovernanceRetention permission check
 * belongs here as well (IAM): until then any authenticated caller with the header may bypass.
 */
/**
 * GOVERNANCE retention may be bypassed by a request that asks for it with
 * `x-amz-bypass-governance-retention: true` AND whose caller holds s3:BypassGovernanceRetention
 * on the object (root/global admins and tenant admins do; tenant users need it in a policy).
 */
export async function canBypassGovernance(call: S3Call): Promise<boolean> {
  if (header(call.headers, H.amzBypassGovernanceRetention)?.trim().toLowerCase() !== 'true') return false;
  try {
    await call.authorize('s3:BypassGovernanceRetention', call.bucket, call.key || undefined);
    return true;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'AccessDenied') return false;
    throw err;
  }
}
