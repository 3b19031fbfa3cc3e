/**
 * Names and limits of the S3 authentication protocols (SigV4, SigV2, aws-chunked).
 * Header names are Node's lower-cased spelling; query parameter names are case-sensitive.
 */

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const SIGV4_TERMINATOR = 'aws4_request';
export const SIGV4_KEY_PREFIX = 'AWS4';
export const S3_SERVICE = 's3';
export const SIGV2_HEADER_PREFIX = 'AWS ';

/** x-amz-content-sha256 values other than a hex digest. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED_PAYLOAD = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_PAYLOAD_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_PAYLOAD_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

/** Algorithms of the per-chunk and trailer strings to sign of aws-chunked bodies. */
export const CHUNK_PAYLOAD_ALGORITHM = 'AWS4-HMAC-SHA256-PAYLOAD';
export const CHUNK_TRAILER_ALGORITHM = 'AWS4-HMAC-SHA256-TRAILER';
export const CHUNK_SIGNATURE_EXTENSION = 'chunk-signature';
export const TRAILER_SIGNATURE_HEADER = 'x-amz-trailer-signature';

/** sha256("") in hex. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export const AUTH_HEADER = {
  authorization: 'authorization',
  host: 'host',
  date: 'date',
  amzDate: 'x-amz-date',
  amzContentSha256: 'x-amz-content-sha256',
  amzDecodedContentLength: 'x-amz-decoded-content-length',
  contentMd5: 'content-md5',
  contentType: 'content-type',
} as const;

/** Every x-amz-* request header must be signed (S3: "headers present ... which were not signed"). */
export const AMZ_HEADER_PREFIX = 'x-amz-';
/** x-amz-* headers that intermediaries add after signing (CloudFront's request id). */
export const UNSIGNABLE_AMZ_HEADERS: ReadonlySet<string> = new Set(['x-amz-cf-id']);

export const AUTH_QUERY = {
  algorithm: 'X-Amz-Algorithm',
  credential: 'X-Amz-Credential',
  date: 'X-Amz-Date',
  expires: 'X-Amz-Expires',
  signedHeaders: 'X-Amz-SignedHeaders',
  signature: 'X-Amz-Signature',
  contentSha256: 'X-Amz-Content-Sha256',
  v2AccessKeyId: 'AWSAccessKeyId',
  v2Signature: 'Signature',
  v2Expires: 'Expires',
} as const;

/** Amazon S3 rejects requests more than 15 minutes away from its clock. */
export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;
/** X-Amz-Expires bounds: 1 second to 7 days. */
export const MIN_PRESIGNED_EXPIRES_SECONDS = 1;
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604800;

/** Signing keys kept by the default cache (one per secret, day, region and service). */
export const SIGNING_KEY_CACHE_SIZE = 4096;

/** Longest aws-chunked chunk-header or trailer line, CR included. */
export const MAX_CHUNK_LINE_BYTES = 4096;
/** Most trailer bytes accepted after the final chunk. */
export const MAX_TRAILER_BYTES = 16 * 1024;

/** SigV2 sub-resources that are part of the CanonicalizedResource, sorted. */
export const SIGV2_SUB_RESOURCES: ReadonlySet<string> = new Set([
  'acl',
  'cors',
  'delete',
  'legal-hold',
  'lifecycle',
  'location',
  'logging',
  'notification',
  'object-lock',
  'partNumber',
  'policy',
  'requestPayment',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'retention',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
]);
