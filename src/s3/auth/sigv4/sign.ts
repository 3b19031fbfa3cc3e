import type { IncomingHttpHeaders } from 'node:http';
import { AUTH_QUERY, S3_SERVICE, SIGV4_ALGORITHM, UNSIGNED_PAYLOAD } from '../auth.constants';
import { canonicalRequest } from './canonical-request';
import { computeSignature } from './signature';
import { deriveSigningKey } from './signing-key';
import { credentialScope, stringToSign } from './string-to-sign';

/** The client side of SigV4, for presigned URLs the server hands out and for raw test requests. */
export interface SignV4Input {
  method: string;
  /** The path as it will be sent (percent-encoded). */
  rawPath: string;
  /** Decoded query parameters. */
  query: ReadonlyArray<readonly [string, string]>;
  /** Lower-cased headers as they will be sent, `host` included. */
  headers: IncomingHttpHeaders;
  accessKeyId: string;
  secretKey: string;
  region: string;
  /** Default `s3`. */
  service?: string;
  /** `yyyyMMdd'T'HHmmss'Z'`. For header signing, also send it as x-amz-date (or Date). */
  amzDate: string;
  /** Headers to sign; default all of `headers`, sorted. */
  signedHeaders?: readonly string[];
}

export interface SignedV4 {
  signature: string;
  scope: string;
  signingKey: Buffer;
}

function signedHeaderNames(input: SignV4Input): string[] {
  return [...(input.signedHeaders ?? Object.keys(input.headers))].map((h) => h.toLowerCase()).sort();
}

/** The `Authorization` header for a request whose x-amz-content-sha256 is `payloadHash`. */
export function signV4Header(input: SignV4Input & { payloadHash: string }): SignedV4 & { authorization: string } {
  const service = input.service ?? S3_SERVICE;
  const date = input.amzDate.slice(0, 8);
  const scope = credentialScope(date, input.region, service);
  const signingKey = deriveSigningKey(input.secretKey, date, input.region, service);
  const signedHeaders = signedHeaderNames(input);
  const creq = canonicalRequest({ ...input, signedHeaders, payloadHash: input.payloadHash });
  const signature = computeSignature(signingKey, stringToSign(input.amzDate, scope, creq));
  const authorization =
    `${SIGV4_ALGORITHM} Credential=${input.accessKeyId}/${scope}, ` + `SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return { authorization, signature, scope, signingKey };
}

/** The query of a presigned URL: `query` plus the X-Amz-* parameters, X-Amz-Signature last. */
export function presignV4(input: SignV4Input & { expiresSeconds: number }): SignedV4 & { query: Array<[string, string]> } {
  const service = input.service ?? S3_SERVICE;
  const date = input.amzDate.slice(0, 8);
  const scope = credentialScope(date, input.region, service);
  const signingKey = deriveSigningKey(input.secretKey, date, input.region, service);
  const signedHeaders = signedHeaderNames(input);
  const query: Array<[string, string]> = [
    ...input.query.map(([k, v]): [string, string] => [k, v]),
    [AUTH_QUERY.algorithm, SIGV4_ALGORITHM],
    [AUTH_QUERY.credential, `${input.accessKeyId}/${scope}`],
    [AUTH_QUERY.date, input.amzDate],
    [AUTH_QUERY.expires, String(input.expiresSeconds)],
    [AUTH_QUERY.signedHeaders, signedHeaders.join(';')],
  ];
  const creq = canonicalRequest({ ...input, query, signedHeaders, payloadHash: UNSIGNED_PAYLOAD });
  const signature = computeSignature(signingKey, stringToSign(input.amzDate, scope, creq));
  query.push([AUTH_QUERY.signature, signature]);
  return { query, signature, scope, signingKey };
}
