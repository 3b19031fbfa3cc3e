import type { IncomingHttpHeaders } from 'node:http';

/** What authentication needs to know of a request: no body, no framework objects. */
export interface AuthRequest {
  method: string;
  /** The path exactly as received, percent-encoded, without the query string (e.g. `/bucket/a%20b`). */
  rawPath: string;
  /** Query parameters in the order received, already percent-decoded. A flag like `?uploads` has value ''. */
  query: Array<[string, string]>;
  /** Node's lower-cased header map. */
  headers: IncomingHttpHeaders;
  /**
   * The bucket when the Host header named it (virtual-hosted-style, `bucket.<domain>`): SigV2
   * signs it as a path prefix (`/bucket/key`), SigV4 signs the path as sent.
   */
  virtualHostBucket?: string;
}

/** A resolved secret for an access key id. */
export interface AccessKeySecret {
  accessKeyId: string;
  secretKey: string;
  /** Opaque id of the principal that owns the key; passed through to the result. */
  principalId: string;
}

export type SecretLookup = (accessKeyId: string) => Promise<AccessKeySecret | null>;

/**
 * How the request body must be read after authentication:
 * - `none`: no payload signature to check (SigV2, UNSIGNED-PAYLOAD, presigned URLs)
 * - `sha256`: the body must hash to `sha256` (hex); else XAmzContentSHA256Mismatch
 * - `chunked`: the body is aws-chunked; decode it with createAwsChunkedDecoder(payload)
 */
export type PayloadMode =
  | { kind: 'none' }
  | { kind: 'sha256'; sha256: string }
  | {
      kind: 'chunked';
      /** true for STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]: each chunk carries a verified signature */
      signed: boolean;
      /** true for the *-TRAILER variants: trailing headers (checksums) follow the last chunk */
      trailer: boolean;
      /** x-amz-decoded-content-length, when sent */
      decodedLength?: number;
      /** for signed chunks: the seed (header) signature, the signing key, the scope and the amz date */
      seedSignature?: string;
      signingKey?: Buffer;
      scope?: string;
      amzDate?: string;
    };

export interface AuthResult {
  /** null when the request carried no credentials at all (anonymous). */
  principalId: string | null;
  accessKeyId: string | null;
  /** 'v4-header' | 'v4-query' | 'v2-header' | 'v2-query' | 'anonymous' */
  method: 'v4-header' | 'v4-query' | 'v2-header' | 'v2-query' | 'anonymous';
  payload: PayloadMode;
}
