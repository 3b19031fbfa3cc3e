import type { Readable } from 'node:stream';

export const STORAGE_BACKEND = Symbol('STORAGE_BACKEND');

export interface ByteRange {
  /** first byte, inclusive */
  start: number;
  /** last byte, inclusive */
  end: number;
}

export interface BlobWriteResult {
  blobId: string;
  size: number;
}

/**
 * The byte store seam: immutable blobs addressed by opaque ids, never by object keys.
 * It knows nothing of buckets or metadata.
 *
 * Contract:
 * - put() consumes `source` to its end. The bytes become a blob only after they are durable
 *   (fsync when configured) AND `verify` has returned; if the source errors or `verify` throws,
 *   no blob exists afterwards and the error is rethrown. put() never leaves a readable partial blob.
 * - get() resolves once the blob is open (rejects with BlobNotFoundError if it does not exist);
 *   the caller must consume or destroy the returned stream, which closes the file either way.
 * - copy() makes a new blob with the same bytes, sharing storage where the driver can (hard link).
 * - delete() is idempotent.
 * - Blobs are listed for the orphan sweep; temp files of interrupted writes are removed by sweepTemp().
 */
export interface StorageBackend {
  /** `blobId`: keep this id (a blob moved from another node); a new one otherwise. */
  put(source: Readable, verify?: (size: number) => void | Promise<void>, blobId?: string): Promise<BlobWriteResult>;
  /** put() of bytes already in memory (a small body): the same contract, without a stream. */
  putBuffer?(data: Buffer): Promise<BlobWriteResult>;
  /** `chunkSize`: the size of the chunks read (encrypted blobs read whole packages per chunk: no copy to reassemble one). */
  get(blobId: string, range?: ByteRange, chunkSize?: number): Promise<Readable>;
  copy(blobId: string): Promise<string>;
  delete(blobId: string): Promise<void>;
  /** Whether the blob exists here. */
  has(blobId: string): Promise<boolean>;
  list(): AsyncIterable<{ blobId: string; mtimeMs: number }>;
  /** Removes temp files last touched before `olderThan` (epoch ms); returns how many. */
  sweepTemp(olderThan: number): Promise<number>;
  /** Throws when the store cannot take writes (readiness). */
  checkWritable(): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(blobId: string) {
    super(`blob ${blobId} not found`);
    this.name = 'BlobNotFoundError';
  }
}
