import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, BlobWriteResult, ByteRange, StorageBackend } from './storage-backend';

const BLOB_ID = /^[0-9a-f]{32}$/;

/**
 * Blobs as files under `<root>/blobs/ab/cd/<id>`; writes go to `<root>/tmp/<id>`, are fsynced,
 * then renamed into place (and the directory fsynced), so a crash leaves either no blob or a
 * whole one. Copies are hard links: the bytes are shared and each link is deleted on its own.
 */
export class FilesystemBackend implements StorageBackend {
  private readonly blobsDir: string;
  private readonly tmpDir: string;
  private readonly knownDirs = new Set<string>();

  constructor(
    root: string,
    private readonly fsync: boolean,
  ) {
    this.blobsDir = join(root, 'blobs');
    this.tmpDir = join(root, 'tmp');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.blobsDir, { recursive: true });
    await fs.mkdir(this.tmpDir, { recursive: true });
  }

  private newId(): string {
    return randomUUID().replace(/-/g, '');
  }

  private dirOf(id: string): string {
    return join(this.blobsDir, id.slice(0, 2), id.slice(2, 4));
  }

  private pathOf(id: string): string {
    if (!BLOB_ID.test(id)) throw new BlobNotFoundError(id);
    return join(this.dirOf(id), id);
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    await fs.mkdir(dir, { recursive: true });
    this.knownDirs.add(dir);
  }

  private async syncDir(dir: string): Promise<void> {
    if (!this.fsync) return;
    const fh = await fs.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  async put(source: Readable, verify?: (size: number) => void | Promise<void>, blobId?: string): Promise<BlobWriteResult> {
    if (blobId !== undefined && !BLOB_ID.test(blobId)) throw new Error(`invalid blob id ${blobId}`);
    const id = blobId ?? this.newId();
    // A kept id may be written again (a retried move): each attempt has its own temp file.
    const tmp = join(this.tmpDir, blobId === undefined ? id : `${id}.${this.newId()}`);
    const fh = await fs.open(tmp, 'wx');
    let closed = false;
    try {
      const out = new FileSink(fh, this.fsync);
      await pipeline(source, out);
      const size = out.bytes;
      await fh.close();
      closed = true;
      if (verify) await verify(size);
      const dir = this.dirOf(id);
      await this.ensureDir(dir);
      await fs.rename(tmp, join(dir, id));
      await this.syncDir(dir);
      return { blobId: id, size };
    } catch (err) {
      if (!closed) await fh.close().catch(() => undefined);
      source.destroy();
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  /**
   * put() of a small body already in memory: the same temp file, fsync, rename and directory
   * fsync, without the streams (two pipelines, a file sink) that cost more than the bytes here.
   */
  async putBuffer(data: Buffer): Promise<BlobWriteResult> {
    const id = this.newId();
    const tmp = join(this.tmpDir, id);
    const fh = await fs.open(tmp, 'wx');
    let closed = false;
    try {
      for (let at = 0; at < data.length;) at += (await fh.write(data, at, data.length - at)).bytesWritten;
      if (this.fsync) await fh.sync();
      await fh.close();
      closed = true;
      const dir = this.dirOf(id);
      await this.ensureDir(dir);
      await fs.rename(tmp, join(dir, id));
      await this.syncDir(dir);
      return { blobId: id, size: data.length };
    } catch (err) {
      if (!closed) await fh.close().catch(() => undefined);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  async get(blobId: string, range?: ByteRange, chunkSize = 256 * 1024): Promise<Readable> {
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(this.pathOf(blobId), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(blobId);
      throw err;
    }
    return fh.createReadStream({ start: range?.start, end: range?.end, highWaterMark: chunkSize });
  }

  async copy(blobId: string): Promise<string> {
    const id = this.newId();
    const dir = this.dirOf(id);
    await this.ensureDir(dir);
    try {
      await fs.link(this.pathOf(blobId), join(dir, id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(blobId);
      throw err;
    }
    // A fresh mtime keeps the new link out of the orphan sweep's reach until it is registered.
    const now = new Date();
    await fs.utimes(join(dir, id), now, now);
    await this.syncDir(dir);
    return id;
  }

  async delete(blobId: string): Promise<void> {
    if (!BLOB_ID.test(blobId)) return;
    // unlink, not rm({ force }): rm stats first (two syscalls where one does).
    await fs.unlink(this.pathOf(blobId)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  async has(blobId: string): Promise<boolean> {
    if (!BLOB_ID.test(blobId)) return false;
    return fs.access(this.pathOf(blobId)).then(
      () => true,
      () => false,
    );
  }

  async *list(): AsyncIterable<{ blobId: string; mtimeMs: number }> {
    for (const a of await readdirSafe(this.blobsDir)) {
      for (const b of await readdirSafe(join(this.blobsDir, a))) {
        const dir = join(this.blobsDir, a, b);
        for (const name of await readdirSafe(dir)) {
          if (!BLOB_ID.test(name)) continue;
          const st = await fs.stat(join(dir, name)).catch(() => null);
          if (st) yield { blobId: name, mtimeMs: st.mtimeMs };
        }
      }
    }
  }

  async sweepTemp(olderThan: number): Promise<number> {
    let removed = 0;
    for (const name of await readdirSafe(this.tmpDir)) {
      const p = join(this.tmpDir, name);
      const st = await fs.stat(p).catch(() => null);
      if (st && st.mtimeMs < olderThan) {
        await fs.rm(p, { force: true, recursive: true });
        removed++;
      }
    }
    return removed;
  }

  async checkWritable(): Promise<void> {
    const probe = join(this.tmpDir, `.ready-${process.pid}`);
    await fs.writeFile(probe, 'ok');
    await fs.rm(probe, { force: true });
  }
}

async function readdirSafe(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Writes a stream into an open file, fsyncing (when asked) before it reports finished. */
class FileSink extends Writable {
  bytes = 0;

  constructor(
    private readonly fh: fs.FileHandle,
    private readonly fsync: boolean,
  ) {
    // 1 MiB: fewer, larger writev calls (a 64 MiB PUT measured 20 % less CPU than with 256 KiB).
    super({ highWaterMark: 1024 * 1024 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.writeAll([chunk]).then(() => done(), done);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, done: (err?: Error | null) => void): void {
    this.writeAll(chunks.map((c) => c.chunk)).then(() => done(), done);
  }

  override _final(done: (err?: Error | null) => void): void {
    (this.fsync ? this.fh.sync() : Promise.resolve()).then(() => done(), done);
  }

  private async writeAll(buffers: Buffer[]): Promise<void> {
    let pending = buffers;
    while (pending.length > 0) {
      const total = pending.reduce((n, b) => n + b.length, 0);
      const { bytesWritten } = await this.fh.writev(pending);
      this.bytes += bytesWritten;
      if (bytesWritten === total) return;
      // A short write: continue from where the file stopped taking bytes.
      let skip = bytesWritten;
      const rest: Buffer[] = [];
      for (const b of pending) {
        if (skip >= b.length) {
          skip -= b.length;
          continue;
        }
        rest.push(skip > 0 ? b.subarray(skip) : b);
        skip = 0;
      }
      pending = rest;
    }
  }
}
