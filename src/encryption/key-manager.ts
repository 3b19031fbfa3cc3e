/** A data key for one blob: the key itself (kept in memory only) and its wrapped form (stored). */
export interface DataKey {
  plaintext: Buffer;
  wrapped: string;
}

/**
 * Who wraps and unwraps data keys. The built-in keyring (`LocalKeyManager`) derives its
 * key-encryption key from MASTER_KEY; an external KMS (e.g. Vault Transit) implements the same
 * three calls. `context` is bound to the wrapped key (additional authenticated data): a wrapped key
 * moved to another object does not unwrap.
 */
export interface KeyManager {
  /** A fresh random data key wrapped under `keyId` (null = the server's SSE-S3 key). */
  generateDataKey(keyId: string | null, context: string): Promise<DataKey>;
  /** An existing data key wrapped under `keyId` (CopyObject into SSE-S3 from another mode keeps the blob's key). */
  wrapDataKey(keyId: string | null, key: Buffer, context: string): Promise<string>;
  /** The data key of `wrapped`; throws if it was not wrapped by this manager (or the context differs). */
  decryptDataKey(wrapped: string, context: string): Promise<Buffer>;
  /** `wrapped` re-wrapped under the current key-encryption key (master-key rotation); the data key is unchanged. */
  rewrap(wrapped: string, context: string): Promise<string>;
}

export const KEY_MANAGER = Symbol('KEY_MANAGER');
