import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../errors/s3-error';
import { AUTH_HEADER, AUTH_QUERY, DEFAULT_MAX_SKEW_MS, SIGV2_HEADER_PREFIX, SIGV4_ALGORITHM } from './auth.constants';
import type { AuthRequest, AuthResult, SecretLookup } from './auth.types';
import { headerValue, type AuthContext } from './auth-context';
import { authenticateV2Header, authenticateV2Query } from './sigv2/authenticate-v2';
import { authenticateV4Header, authenticateV4Query } from './sigv4/authenticate-v4';
import { defaultSigningKeyCache, type SigningKeyCache } from './sigv4/signing-key';

export interface AuthenticateOptions {
  /** The server's region: SigV4 credential scopes must name it. */
  region: string;
  /** The server's clock (inject it; tests pass a fixed date). */
  now: Date;
  /** Allowed distance between the request's timestamp and `now`; default 15 minutes. */
  maxSkewMs?: number;
  /** Signing-key cache; default: the process-wide one. */
  signingKeyCache?: SigningKeyCache;
}

const SIGV4_HEADER_PREFIX = SIGV4_ALGORITHM + ' ';
const NON_ASCII = /[\u0080-\u00ff]/;

/**
 * Node hands header values over as latin1 (one character per byte); clients sign the UTF-8 text
 * those bytes spell (non-ASCII user metadata). Values that are valid UTF-8 are decoded as such,
 * so the canonical request hashes the bytes that were sent. The same object when all is ASCII.
 */
export function utf8HeaderValues(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  let copy: IncomingHttpHeaders | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string' || !NON_ASCII.test(value)) continue;
    const bytes = Buffer.from(value, 'latin1');
    if (!isUtf8(bytes)) continue;
    (copy ??= { ...headers })[name] = bytes.toString('utf8');
  }
  return copy ?? headers;
}

/** Which query-string auth a request carries, if any. */
function queryAuthKind(req: AuthRequest): { v4: boolean; v2: boolean } {
  let v4 = false;
  let v2 = false;
  for (const [name] of req.query) {
    if (name === AUTH_QUERY.algorithm || name === AUTH_QUERY.credential || name === AUTH_QUERY.signature) v4 = true;
    else if (name === AUTH_QUERY.v2AccessKeyId || name === AUTH_QUERY.v2Signature) v2 = true;
  }
  return { v4, v2 };
}

/**
 * Who sent this request: verifies SigV4 (header or presigned URL) or SigV2 (header or query)
 * and says how the body must be read. No credentials at all → anonymous (the caller decides).
 * Throws S3Error: AccessDenied, AuthorizationHeaderMalformed, AuthorizationQueryParametersError,
 * InvalidAccessKeyId, InvalidArgument, InvalidRequest, RequestTimeTooSkewed, SignatureDoesNotMatch.
 */
export async function authenticate(req: AuthRequest, lookup: SecretLookup, opts: AuthenticateOptions): Promise<AuthResult> {
  const authorization = headerValue(req.headers, AUTH_HEADER.authorization);
  const inQuery = queryAuthKind(req);
  if ((authorization !== undefined && (inQuery.v4 || inQuery.v2)) || (inQuery.v4 && inQuery.v2)) {
    throw new S3Error('InvalidArgument', {
      message:
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string ' +
        'parameter or the Authorization header should be specified',
      fields: { ArgumentName: 'Authorization', ArgumentValue: authorization ?? '' },
    });
  }
  if (authorization === undefined && !inQuery.v4 && !inQuery.v2) {
    return { principalId: null, accessKeyId: null, method: 'anonymous', payload: { kind: 'none' } };
  }

  req = { ...req, headers: utf8HeaderValues(req.headers) };
  const ctx: AuthContext = {
    region: opts.region,
    nowMs: opts.now.getTime(),
    maxSkewMs: opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS,
    keyCache: opts.signingKeyCache ?? defaultSigningKeyCache,
    lookup,
  };
  if (authorization === undefined) {
    return inQuery.v4 ? authenticateV4Query(req, ctx) : authenticateV2Query(req, ctx);
  }
  if (authorization.startsWith(SIGV4_HEADER_PREFIX)) return authenticateV4Header(req, authorization, ctx);
  if (authorization.startsWith(SIGV2_HEADER_PREFIX)) return authenticateV2Header(req, authorization, ctx);
  throw new S3Error('InvalidArgument', {
    message: 'Unsupported Authorization Type',
    fields: { ArgumentName: 'Authorization', ArgumentValue: authorization },
  });
}
