/** How an object version (or an upload's parts) is encrypted at rest; stored with it as JSON. Never holds a key. */
export interface ObjectEncryption {
  /** AES256 = SSE-S3, SSE-C = customer-provided key (x-amz-server-side-encryption-customer-*), aws:kms = SSE-KMS. */
  mode: 'AES256' | 'SSE-C' | 'aws:kms';
  /** SSE-C: base64 MD5 of the customer key (S3 echoes it in x-amz-server-side-encryption-customer-key-MD5). */
  customerKeyMd5?: string;
  /** SSE-C: `salt:hmac` (base64) of the customer key under a server secret: verifies a key, never reveals it. */
  customerKeyHmac?: string;
  /** SSE-KMS: the id of the KMS key that wraps the data keys. */
  kmsKeyId?: string;
  /** SSE-KMS: its ARN, as S3 answers it in x-amz-server-side-encryption-aws-kms-key-id. */
  kmsKeyArn?: string;
  /** SSE-KMS: the encryption context as canonical JSON (bound to every wrapped data key); absent = none given. */
  kmsContext?: string;
  /** SSE-KMS: x-amz-server-side-encryption-bucket-key-enabled. */
  bucketKeyEnabled?: boolean;
}

/** A customer-provided key (SSE-C) as a request carries it, already checked against its MD5. */
export interface CustomerKey {
  key: Buffer;
  keyMd5: string;
}

/** SSE-KMS as a request asks for it: a key (id, ARN or alias/name; none = the default key), a context, bucket key. */
export interface KmsRequest {
  mode: 'aws:kms';
  keyId?: string;
  /** The context as canonical JSON (sorted keys). */
  context?: string;
  bucketKeyEnabled?: boolean;
}

/** What a write asks for: SSE-S3, SSE-C with its key, or SSE-KMS. */
export type EncryptionRequest = { mode: 'AES256' } | { mode: 'SSE-C'; customer: CustomerKey } | KmsRequest;
