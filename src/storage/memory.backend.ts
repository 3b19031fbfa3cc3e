import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { BlobNotFoundError, BlobWriteResult, ByteRange, StorageBackend } from './storage-backend';

/** In-memory blobs, for service tests. Buffers whole blobs: never use it for the server itself. */
export class MemoryBackend implements StorageBackend {
  private readonly blobs = new Map<string, { data: Buffer; mtimeMs: number }>();

  async put(source: Readable, verify?: (size: number) => void | Promise<void>, keepId?: string): Promise<BlobWriteResult> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of source) chunks.push(Buffer.from(chunk as Buffer));
    } catch (err) {
      source.destroy();
      throw err;
    }
    const data = Buffer.concat(chunks);
    if (verify) await verify(data.length);
    const blobId = keepId ?? randomUUID().replace(/-/g, '');
    this.blobs.set(blobId, { data, mtimeMs: Date.now() });
    return { blobId, size: data.length };
  }

  async get(blobId: string, range?: ByteRange): Promise<Readable> {
    const blob = this.blobs.get(blobId);
    if (!blob) throw new BlobNotFoundError(blobId);
    return Readable.from([range ? blob.data.subarray(range.start, range.end + 1) : blob.data]);
  }

  async copy(blobId: string): Promise<string> {
    const blob = this.blobs.get(blobId);
    if (!blob) throw new BlobNotFoundError(blobId);
    const id = randomUUID().replace(/-/g, '');
    this.blobs.set(id, { ...blob });
    return id;
  }

  async has(blobId: string): Promise<boolean> {
    return this.blobs.has(blobId);
  }

  async delete(blobId: string): Promise<void> {
    this.blobs.delete(blobId);
  }

  async *list(): AsyncIterable<{ blobId: string; mtimeMs: number }> {
    for (const [blobId, b] of [...this.blobs]) yield { blobId, mtimeMs: b.mtimeMs };
  }

  async sweepTemp(): Promise<number> {
    return 0;
  }

  async checkWritable(): Promise<void> {}
}
