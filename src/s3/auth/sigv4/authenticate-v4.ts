import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../../errors/s3-error';
import type { S3ErrorCode } from '../../errors/s3-error-catalog';
import {
  AMZ_HEADER_PREFIX,
  AUTH_HEADER,
  AUTH_QUERY,
  MAX_PRESIGNED_EXPIRES_SECONDS,
  MIN_PRESIGNED_EXPIRES_SECONDS,
  S3_SERVICE,
  SIGV4_ALGORITHM,
  SIGV4_TERMINATOR,
  STREAMING_SIGNED_PAYLOAD,
  STREAMING_SIGNED_PAYLOAD_TRAILER,
  STREAMING_UNSIGNED_PAYLOAD_TRAILER,
  UNSIGNABLE_AMZ_HEADERS,
  UNSIGNED_PAYLOAD,
} from '../auth.constants';
import type { AuthRequest, AuthResult, PayloadMode } from '../auth.types';
import { assertNotSkewed, headerValue, isoSeconds, missingDateError, queryParam, resolveSecret, type AuthContext } from '../auth-context';
import { formatAmzDate, parseAmzDate, parseRequestDate } from './amz-date';
import { canonicalRequest } from './canonical-request';
import { computeSignature, signaturesEqual } from './signature';
import { credentialScope, stringToSign } from './string-to-sign';

/** The five parts of `AKID/yyyymmdd/region/service/aws4_request`. */
export interface SigV4Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
}

/** Splits a credential; null unless it has exactly five non-empty parts. */
export function parseCredential(value: string): SigV4Credential | null {
  const parts = value.split('/');
  if (parts.length !== 5 || parts.some((p) => p.length === 0)) return null;
  const [accessKeyId, date, region, service, terminator] = parts;
  return { accessKeyId, date, region, service, terminator };
}

/** How the request's x-amz-content-sha256 (or presigned equivalent) says the body is protected. */
type PayloadKind = { kind: 'none' } | { kind: 'sha256'; sha256: string } | { kind: 'chunked'; signed: boolean; trailer: boolean };

const STREAMING_MODES: Readonly<Record<string, { signed: boolean; trailer: boolean }>> = {
  [STREAMING_SIGNED_PAYLOAD]: { signed: true, trailer: false },
  [STREAMING_SIGNED_PAYLOAD_TRAILER]: { signed: true, trailer: true },
  [STREAMING_UNSIGNED_PAYLOAD_TRAILER]: { signed: false, trailer: true },
};

function isSha256Hex(value: string): boolean {
  if (value.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))) return false;
  }
  return true;
}

function parsePayloadKind(value: string): PayloadKind {
  if (value === UNSIGNED_PAYLOAD) return { kind: 'none' };
  if (isSha256Hex(value)) return { kind: 'sha256', sha256: value.toLowerCase() };
  const streaming = STREAMING_MODES[value];
  if (streaming !== undefined && Object.prototype.hasOwnProperty.call(STREAMING_MODES, value)) {
    return { kind: 'chunked', ...streaming };
  }
  throw new S3Error('InvalidArgument', {
    message:
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, ' +
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    fields: { ArgumentName: AUTH_HEADER.amzContentSha256, ArgumentValue: value },
  });
}

function decodedContentLength(headers: IncomingHttpHeaders): number | undefined {
  const value = headerValue(headers, AUTH_HEADER.amzDecodedContentLength);
  if (value === undefined) return undefined;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new S3Error('InvalidArgument', {
      message: 'Invalid x-amz-decoded-content-length',
      fields: { ArgumentName: AUTH_HEADER.amzDecodedContentLength, ArgumentValue: value },
    });
  }
  return n;
}

/** Splits SignedHeaders; null when empty or containing an empty name. */
function parseSignedHeaders(value: string): string[] | null {
  const names = value.split(';');
  for (const name of names) if (name.length === 0) return null;
  return names;
}

/** AccessDenied when `host` or an x-amz-* header was sent but not signed (as S3 does). */
function assertHeadersSigned(headers: IncomingHttpHeaders, signedHeaders: readonly string[]): void {
  const signed = new Set(signedHeaders.map((h) => h.toLowerCase()));
  let notSigned: string[] | undefined;
  for (const name of Object.keys(headers)) {
    if ((name === AUTH_HEADER.host || name.startsWith(AMZ_HEADER_PREFIX)) && !signed.has(name) && !UNSIGNABLE_AMZ_HEADERS.has(name)) {
      (notSigned ??= []).push(name);
    }
  }
  if (notSigned !== undefined) {
    throw new S3Error('AccessDenied', {
      message: 'There were headers present in the request which were not signed',
      fields: { HeadersNotSigned: notSigned.join(', ') },
    });
  }
}

/** Scope checks shared by header and query auth; `code`/`prefix` say how S3 reports them. */
function assertCredentialScope(credential: SigV4Credential, amzDate: string, ctx: AuthContext, code: S3ErrorCode, prefix: string): void {
  const fail = (detail: string, fields?: Record<string, string>): never => {
    throw new S3Error(code, { message: prefix + detail, fields });
  };
  const day = amzDate.slice(0, 8);
  if (credential.date !== day) {
    fail(`Invalid credential date "${credential.date}". This date is not the same as X-Amz-Date: "${day}".`);
  }
  if (credential.region !== ctx.region) {
    fail(`the region '${credential.region}' is wrong; expecting '${ctx.region}'`, { Region: ctx.region });
  }
  if (credential.service !== S3_SERVICE) {
    fail(`incorrect service "${credential.service}". This endpoint belongs to "${S3_SERVICE}".`);
  }
  if (credential.terminator !== SIGV4_TERMINATOR) {
    fail(`incorrect terminal "${credential.terminator}". This endpoint uses "${SIGV4_TERMINATOR}".`);
  }
}

interface SignedMaterial {
  credential: SigV4Credential;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  payloadHash: string;
  excludeQueryParam?: string;
}

interface Verified {
  principalId: string;
  accessKeyId: string;
  signingKey: Buffer;
  scope: string;
  signature: string;
}

/** Looks the key up, recomputes the signature and compares it in constant time. */
async function verifySignature(req: AuthRequest, ctx: AuthContext, m: SignedMaterial): Promise<Verified> {
  const secret = await resolveSecret(ctx, m.credential.accessKeyId);
  const scope = credentialScope(m.credential.date, m.credential.region, m.credential.service);
  const signingKey = ctx.keyCache.get(secret.secretKey, m.credential.date, m.credential.region, m.credential.service);
  const creq = canonicalRequest({
    method: req.method,
    rawPath: req.rawPath,
    query: req.query,
    headers: req.headers,
    signedHeaders: m.signedHeaders,
    payloadHash: m.payloadHash,
    excludeQueryParam: m.excludeQueryParam,
  });
  const expected = computeSignature(signingKey, stringToSign(m.amzDate, scope, creq));
  if (!signaturesEqual(expected, m.signature)) {
    throw new S3Error('SignatureDoesNotMatch', { fields: { AWSAccessKeyId: m.credential.accessKeyId } });
  }
  return { principalId: secret.principalId, accessKeyId: secret.accessKeyId, signingKey, scope, signature: expected };
}

function payloadMode(kind: PayloadKind, verified: Verified, amzDate: string, headers: IncomingHttpHeaders): PayloadMode {
  if (kind.kind !== 'chunked') return kind;
  const decodedLength = decodedContentLength(headers);
  const mode: PayloadMode = { kind: 'chunked', signed: kind.signed, trailer: kind.trailer };
  if (decodedLength !== undefined) mode.decodedLength = decodedLength;
  if (kind.signed) {
    mode.seedSignature = verified.signature;
    mode.signingKey = verified.signingKey;
    mode.scope = verified.scope;
    mode.amzDate = amzDate;
  }
  return mode;
}

const HEADER_MALFORMED = 'The authorization header is malformed; ';

function headerMalformed(detail: string): S3Error {
  return new S3Error('AuthorizationHeaderMalformed', { message: HEADER_MALFORMED + detail });
}

/** Credential, SignedHeaders and Signature of `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
function parseAuthorizationHeader(value: string): { credential: string; signedHeaders: string; signature: string } {
  const fields: Record<string, string | undefined> = {
    Credential: undefined,
    SignedHeaders: undefined,
    Signature: undefined,
  };
  for (const raw of value.slice(SIGV4_ALGORITHM.length).split(',')) {
    const component = raw.trim();
    const eq = component.indexOf('=');
    const name = eq > 0 ? component.slice(0, eq) : component;
    if (eq <= 0 || !Object.prototype.hasOwnProperty.call(fields, name) || fields[name] !== undefined) {
      throw headerMalformed(`the authorization component "${component}" is malformed.`);
    }
    fields[name] = component.slice(eq + 1);
  }
  const { Credential: credential, SignedHeaders: signedHeaders, Signature: signature } = fields;
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw headerMalformed('the authorization header requires three components: Credential, SignedHeaders and Signature.');
  }
  return { credential, signedHeaders, signature };
}

/** SigV4 with `Authorization: AWS4-HMAC-SHA256 …`. */
export async function authenticateV4Header(req: AuthRequest, authorization: string, ctx: AuthContext): Promise<AuthResult> {
  const parsed = parseAuthorizationHeader(authorization);
  const credential = parseCredential(parsed.credential);
  if (credential === null) {
    throw headerMalformed('the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  }
  const signedHeaders = parseSignedHeaders(parsed.signedHeaders);
  if (signedHeaders === null) throw headerMalformed(`the authorization component "SignedHeaders=${parsed.signedHeaders}" is malformed.`);

  // The timestamp: x-amz-date (ISO 8601 basic), else Date (HTTP date) converted for the string to sign.
  const xAmzDate = headerValue(req.headers, AUTH_HEADER.amzDate);
  let amzDate: string;
  let requestMs: number | null;
  if (xAmzDate !== undefined) {
    amzDate = xAmzDate;
    requestMs = parseAmzDate(xAmzDate);
  } else {
    const date = headerValue(req.headers, AUTH_HEADER.date);
    requestMs = date === undefined ? null : parseRequestDate(date);
    amzDate = requestMs === null ? '' : formatAmzDate(requestMs);
  }
  if (requestMs === null) throw missingDateError();

  assertCredentialScope(credential, amzDate, ctx, 'AuthorizationHeaderMalformed', HEADER_MALFORMED);
  assertNotSkewed(requestMs, amzDate, ctx);

  const payloadHash = headerValue(req.headers, AUTH_HEADER.amzContentSha256);
  if (payloadHash === undefined) {
    throw new S3Error('InvalidRequest', {
      message: `Missing required header for this request: ${AUTH_HEADER.amzContentSha256}`,
    });
  }
  const kind = parsePayloadKind(payloadHash);
  assertHeadersSigned(req.headers, signedHeaders);

  const verified = await verifySignature(req, ctx, {
    credential,
    amzDate,
    signedHeaders,
    signature: parsed.signature,
    payloadHash,
  });
  return {
    principalId: verified.principalId,
    accessKeyId: verified.accessKeyId,
    method: 'v4-header',
    payload: payloadMode(kind, verified, amzDate, req.headers),
  };
}

function queryError(message: string, fields?: Record<string, string>, status?: number): S3Error {
  return new S3Error('AuthorizationQueryParametersError', { message, fields, status });
}

const CREDENTIAL_PARSE_ERROR = 'Error parsing the X-Amz-Credential parameter; ';

/** SigV4 presigned URL (`X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…`). */
export async function authenticateV4Query(req: AuthRequest, ctx: AuthContext): Promise<AuthResult> {
  const q = req.query;
  const algorithm = queryParam(q, AUTH_QUERY.algorithm);
  const rawCredential = queryParam(q, AUTH_QUERY.credential);
  const amzDate = queryParam(q, AUTH_QUERY.date);
  const rawExpires = queryParam(q, AUTH_QUERY.expires);
  const rawSignedHeaders = queryParam(q, AUTH_QUERY.signedHeaders);
  const signature = queryParam(q, AUTH_QUERY.signature);
  if (
    algorithm === undefined ||
    rawCredential === undefined ||
    amzDate === undefined ||
    rawExpires === undefined ||
    rawSignedHeaders === undefined ||
    signature === undefined
  ) {
    throw queryError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, ' +
        'X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (algorithm !== SIGV4_ALGORITHM) throw queryError(`X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}"`);
  const credential = parseCredential(rawCredential);
  if (credential === null) {
    throw queryError(
      CREDENTIAL_PARSE_ERROR + 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    );
  }
  const requestMs = parseAmzDate(amzDate);
  if (requestMs === null) throw queryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  if (!/^\d+$/.test(rawExpires)) throw queryError('X-Amz-Expires should be a number');
  const expires = Number(rawExpires);
  // An X-Amz-Expires out of its bounds is a 403 on S3 (the parse errors above are 400s).
  if (expires < MIN_PRESIGNED_EXPIRES_SECONDS) throw queryError('X-Amz-Expires must be greater than 0', undefined, 403);
  if (expires > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw queryError(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ' +
        `${MAX_PRESIGNED_EXPIRES_SECONDS} seconds`,
      undefined,
      403,
    );
  }
  const signedHeaders = parseSignedHeaders(rawSignedHeaders);
  if (signedHeaders === null) throw queryError('X-Amz-SignedHeaders is malformed');

  assertCredentialScope(credential, amzDate, ctx, 'AuthorizationQueryParametersError', CREDENTIAL_PARSE_ERROR);
  if (requestMs - ctx.nowMs > ctx.maxSkewMs) {
    throw new S3Error('AccessDenied', { message: 'Request is not valid yet' });
  }
  const expiresAtMs = requestMs + expires * 1000;
  if (ctx.nowMs > expiresAtMs) {
    throw new S3Error('AccessDenied', {
      message: 'Request has expired',
      fields: { 'X-Amz-Expires': rawExpires, Expires: isoSeconds(expiresAtMs), ServerTime: isoSeconds(ctx.nowMs) },
    });
  }

  const payloadHash = queryParam(q, AUTH_QUERY.contentSha256) ?? headerValue(req.headers, AUTH_HEADER.amzContentSha256) ?? UNSIGNED_PAYLOAD;
  const kind = parsePayloadKind(payloadHash);
  assertHeadersSigned(req.headers, signedHeaders);

  const verified = await verifySignature(req, ctx, {
    credential,
    amzDate,
    signedHeaders,
    signature,
    payloadHash,
    excludeQueryParam: AUTH_QUERY.signature,
  });
  return {
    principalId: verified.principalId,
    accessKeyId: verified.accessKeyId,
    method: 'v4-query',
    payload: payloadMode(kind, verified, amzDate, req.headers),
  };
}
