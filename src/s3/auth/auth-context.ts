import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../errors/s3-error';
import type { AccessKeySecret, SecretLookup } from './auth.types';
import type { SigningKeyCache } from './sigv4/signing-key';

/** What the SigV4/SigV2 verifiers share for one request. */
export interface AuthContext {
  /** The server's region; SigV4 credential scopes must name it. */
  region: string;
  nowMs: number;
  maxSkewMs: number;
  keyCache: SigningKeyCache;
  lookup: SecretLookup;
}

/** A header's value; repeated headers (arrays) are joined with `,`. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined || typeof value === 'string') return value;
  return value.join(',');
}

/** `2013-05-24T00:00:00Z`: the timestamp format of S3 error documents. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

export function missingDateError(): S3Error {
  return new S3Error('AccessDenied', { message: 'AWS authentication requires a valid Date or x-amz-date header' });
}

/** RequestTimeTooSkewed unless `requestMs` is within `maxSkewMs` of the server's clock. */
export function assertNotSkewed(requestMs: number, requestTime: string, ctx: AuthContext): void {
  if (Math.abs(ctx.nowMs - requestMs) <= ctx.maxSkewMs) return;
  throw new S3Error('RequestTimeTooSkewed', {
    fields: {
      RequestTime: requestTime,
      ServerTime: isoSeconds(ctx.nowMs),
      MaxAllowedSkewMilliseconds: ctx.maxSkewMs,
    },
  });
}

/** The secret of an access key id, or InvalidAccessKeyId. */
export async function resolveSecret(ctx: AuthContext, accessKeyId: string): Promise<AccessKeySecret> {
  const secret = accessKeyId.length > 0 ? await ctx.lookup(accessKeyId) : null;
  if (secret === null) {
    throw new S3Error('InvalidAccessKeyId', { fields: { AWSAccessKeyId: accessKeyId } });
  }
  return secret;
}

/** The first value of a query parameter, or undefined. */
export function queryParam(query: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  for (const [key, value] of query) if (key === name) return value;
  return undefined;
}
