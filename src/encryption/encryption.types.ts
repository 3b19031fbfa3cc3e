/** How an object version (or an upload's parts) is encrypted at rest; stored with it as JSON. Never holds a key. */
export interface ObjectEncryption {
  /** AES256 = SSE-S3, SSE-C = customer-provided key (x-amz-server-side-encryption-customer-*). */
  mode: 'AES256' | 'SSE-C';
  /** SSE-C: base64 MD5 of the customer key (S3 echoes it in x-amz-server-side-encryption-customer-key-MD5). */
  customerKeyMd5?: string;
  /** SSE-C: `salt:hmac` (base64) of the customer key under a server secret: verifies a key, never reveals it. */
  customerKeyHmac?: string;
}

/** A customer-provided key (SSE-C) as a request carries it, already checked against its MD5. */
export interface CustomerKey {
  key: Buffer;
  keyMd5: string;
}

/** What a write asks for: SSE-S3, or SSE-C with its key. */
export type EncryptionRequest = { mode: 'AES256' } | { mode: 'SSE-C'; customer: CustomerKey };
