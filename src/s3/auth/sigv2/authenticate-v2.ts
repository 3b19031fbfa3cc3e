import { S3Error } from '../../errors/s3-error';
import { AUTH_HEADER, AUTH_QUERY, SIGV2_HEADER_PREFIX } from '../auth.constants';
import type { AuthRequest, AuthResult } from '../auth.types';
import { assertNotSkewed, headerValue, isoSeconds, missingDateError, queryParam, resolveSecret, type AuthContext } from '../auth-context';
import { parseRequestDate } from '../sigv4/amz-date';
import { signaturesEqual } from '../sigv4/signature';
import { signV2, stringToSignV2 } from './string-to-sign';

async function verifyV2(
  req: AuthRequest,
  ctx: AuthContext,
  accessKeyId: string,
  signature: string,
  date: string,
): Promise<{ principalId: string; accessKeyId: string }> {
  const secret = await resolveSecret(ctx, accessKeyId);
  const resource = req.virtualHostBucket === undefined ? req.rawPath : `/${req.virtualHostBucket}${req.rawPath}`;
  const sign = (rawPath: string) =>
    signV2(
      secret.secretKey,
      stringToSignV2({
        method: req.method,
        rawPath,
        query: req.query,
        headers: req.headers,
        date,
        contentMd5: headerValue(req.headers, AUTH_HEADER.contentMd5)?.trim() ?? '',
        contentType: headerValue(req.headers, AUTH_HEADER.contentType)?.trim() ?? '',
      }),
    );
  let matches = signaturesEqual(sign(resource), signature);
  // A bucket-level request: clients sign `/bucket/` or `/bucket` whatever path they send (S3 accepts both).
  const bucketOnly = /^\/[^/]+\/?$/.exec(resource);
  if (!matches && bucketOnly) matches = signaturesEqual(sign(resource.endsWith('/') ? resource.slice(0, -1) : `${resource}/`), signature);
  if (!matches) {
    throw new S3Error('SignatureDoesNotMatch', { fields: { AWSAccessKeyId: accessKeyId } });
  }
  return { principalId: secret.principalId, accessKeyId: secret.accessKeyId };
}

/** SigV2 with `Authorization: AWS AKID:base64(HMAC-SHA1)`. */
export async function authenticateV2Header(req: AuthRequest, authorization: string, ctx: AuthContext): Promise<AuthResult> {
  const credentials = authorization.slice(SIGV2_HEADER_PREFIX.length);
  const colon = credentials.indexOf(':');
  if (colon <= 0 || colon === credentials.length - 1) {
    throw new S3Error('InvalidArgument', {
      message: 'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature',
      fields: { ArgumentName: 'Authorization', ArgumentValue: authorization },
    });
  }
  const accessKeyId = credentials.slice(0, colon);
  const signature = credentials.slice(colon + 1);

  // x-amz-date wins over Date; when it is sent, the Date line of the string to sign is empty.
  const xAmzDate = headerValue(req.headers, AUTH_HEADER.amzDate);
  const date = headerValue(req.headers, AUTH_HEADER.date);
  const timestamp = xAmzDate ?? date;
  const requestMs = timestamp === undefined ? null : parseRequestDate(timestamp);
  if (timestamp === undefined || requestMs === null) throw missingDateError();
  assertNotSkewed(requestMs, timestamp, ctx);

  const verified = await verifyV2(req, ctx, accessKeyId, signature, xAmzDate !== undefined ? '' : timestamp);
  return { ...verified, method: 'v2-header', payload: { kind: 'none' } };
}

/** SigV2 query auth (`?AWSAccessKeyId=…&Expires=<epoch seconds>&Signature=…`). */
export async function authenticateV2Query(req: AuthRequest, ctx: AuthContext): Promise<AuthResult> {
  const accessKeyId = queryParam(req.query, AUTH_QUERY.v2AccessKeyId);
  const signature = queryParam(req.query, AUTH_QUERY.v2Signature);
  const expires = queryParam(req.query, AUTH_QUERY.v2Expires);
  if (accessKeyId === undefined || signature === undefined || expires === undefined) {
    throw new S3Error('AccessDenied', {
      message: 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
    });
  }
  if (!/^\d{1,12}$/.test(expires)) {
    throw new S3Error('AccessDenied', { message: `Invalid date (should be seconds since epoch): ${expires}` });
  }
  const expiresMs = Number(expires) * 1000;
  if (ctx.nowMs > expiresMs) {
    throw new S3Error('AccessDenied', {
      message: 'Request has expired',
      fields: { Expires: isoSeconds(expiresMs), ServerTime: isoSeconds(ctx.nowMs) },
    });
  }
  const verified = await verifyV2(req, ctx, accessKeyId, signature, expires);
  return { ...verified, method: 'v2-query', payload: { kind: 'none' } };
}
