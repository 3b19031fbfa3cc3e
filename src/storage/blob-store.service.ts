import { pipeline, Readable } from 'node:stream';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { BlobEntity } from './blob.entity';
import { cipherRange, DecryptStream, SEALED_PACKAGE_SIZE } from './package-cipher';
import { RemoteBlobs } from './remote-blobs';
import { BlobWriteResult, ByteRange, STORAGE_BACKEND, StorageBackend } from './storage-backend';

/** Read size of encrypted blobs: 8 whole sealed packages (~512 KiB). */
const DECRYPT_CHUNK = 8 * SEALED_PACKAGE_SIZE;

const SWEEP_BATCH = 500;

/**
 * Blob bytes (through the StorageBackend) plus the registry of live blobs in the database.
 * Services write bytes first, then register the blob in the transaction that references it,
 * and release blobs after the transaction that dropped them commits. The sweeper removes
 * whatever a crash left between those steps.
 *
 * Cluster mode: a bucket's blobs live on its owner node. The byte methods take that node as
 * `holder` (a bucket's nodeId; null or this node: the local volume) and stream to or from
 * another node through RemoteBlobs. The registry is shared (one PostgreSQL).
 */
@Injectable()
export class BlobStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BlobStore.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<unknown>;
  private readonly bootTime = Date.now();

  constructor(
    @Inject(STORAGE_BACKEND) private readonly backend: StorageBackend,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    @Optional() private readonly remote?: RemoteBlobs,
  ) {}

  /** The node holding blobs of `holder`, when that is another node than this one; undefined: local. */
  remoteNode(holder: string | null | undefined): string | undefined {
    if (!holder || !this.remote || holder === this.remote.localNodeId) return undefined;
    return holder;
  }

  write(source: Readable, verify?: (size: number) => void | Promise<void>, holder?: string | null): Promise<BlobWriteResult> {
    const node = this.remoteNode(holder);
    return node ? this.remote!.write(node, source, verify) : this.backend.put(source, verify);
  }

  /** A new blob on this node's volume from bytes in memory (a small body, already verified). */
  writeBuffer(data: Buffer): Promise<BlobWriteResult> {
    return this.backend.putBuffer ? this.backend.putBuffer(data) : this.backend.put(Readable.from([data]));
  }

  /** Writes a blob under a given id (a blob moved here from another node). */
  writeAs(blobId: string, source: Readable, verify?: (size: number) => void | Promise<void>): Promise<BlobWriteResult> {
    return this.backend.put(source, verify, blobId);
  }

  /** Whether this node's volume has the blob. */
  hasLocal(blobId: string): Promise<boolean> {
    return this.backend.has(blobId);
  }

  /** Deletes blobs from this node's volume only (a moved bucket's old copy); the registry is left alone. */
  async deleteLocal(blobIds: string[]): Promise<void> {
    for (const id of blobIds) await this.backend.delete(id);
  }

  /** `chunkSize`: the size of the chunks read from the local volume. */
  read(blobId: string, range?: ByteRange, holder?: string | null, chunkSize?: number): Promise<Readable> {
    const node = this.remoteNode(holder);
    return node ? this.remote!.read(node, blobId, range) : this.backend.get(blobId, range, chunkSize);
  }

  /**
   * The plaintext bytes [start, end] of an encrypted blob (package-cipher.ts) holding `plainSize`
   * bytes: only the packages that hold the range are read and decrypted. Resolves once the first
   * package has authenticated, so a tampered blob fails before anything is sent.
   */
  async readDecrypted(
    blobId: string,
    dataKey: Buffer,
    plainSize: number,
    start: number,
    end: number,
    holder?: string | null,
  ): Promise<Readable> {
    const range = cipherRange(plainSize, start, end);
    // Chunks of whole packages (local volume): each decrypts in place of the chunk, none is copied to be reassembled.
    const raw = await this.read(blobId, { start: range.start, end: range.end }, holder, DECRYPT_CHUNK);
    const plain = new DecryptStream(dataKey, plainSize, range);
    pipeline(raw, plain, () => undefined);
    await plain.verified;
    return plain;
  }

  /**
   * A new blob with the same bytes: a hard link on one volume; streamed from `from` to `to` when
   * either is another node (`size`: the stored size, checked).
   */
  async copy(blobId: string, from?: string | null, to?: string | null, size?: number): Promise<string> {
    const src = this.remoteNode(from);
    const dst = this.remoteNode(to);
    if (!src && !dst) return this.backend.copy(blobId);
    const written = await this.write(
      await this.read(blobId, undefined, from),
      (n) => {
        if (size !== undefined && n !== size) throw new Error(`copy of blob ${blobId} ended after ${n} of ${size} bytes`);
      },
      to,
    );
    return written.blobId;
  }

  /** The rows register() inserts, for a caller that inserts them together with its own (one round trip). */
  rowsOf(blobs: Array<{ blobId: string; size: number }>): BlobEntity[] {
    const now = Date.now();
    return blobs.map((b) => Object.assign(new BlobEntity(), { id: b.blobId, size: b.size, createdAt: now }));
  }

  async register(m: EntityManager, blobs: Array<{ blobId: string; size: number }>): Promise<void> {
    if (blobs.length === 0) return;
    const rows = this.rowsOf(blobs);
    // One or a few (a PUT, a part, a copy): the prepared hot path; many: one multi-row INSERT.
    if (rows.length <= 4) await this.db.insert(m, BlobEntity, rows);
    else await m.insert(BlobEntity, rows);
  }

  async unregister(m: EntityManager, blobIds: string[]): Promise<void> {
    if (blobIds.length <= 4) {
      for (const id of blobIds) await this.db.delete(m, BlobEntity, { id });
      return;
    }
    for (let i = 0; i < blobIds.length; i += SWEEP_BATCH) {
      await m.delete(BlobEntity, { id: In(blobIds.slice(i, i + SWEEP_BATCH)) });
    }
  }

  /** Deletes blob bytes after their rows are gone; failures are left to the sweeper. */
  async release(blobIds: string[], holder?: string | null): Promise<void> {
    const node = this.remoteNode(holder);
    if (node) {
      if (blobIds.length === 0) return;
      await this.remote!.delete(node, blobIds).catch((err) =>
        this.logger.warn(`could not delete ${blobIds.length} blob(s) on ${node}: ${err}`),
      );
      return;
    }
    for (const id of blobIds) {
      await this.backend.delete(id).catch((err) => this.logger.warn(`could not delete blob ${id}: ${err}`));
    }
  }

  /** Discards a blob written but never registered (e.g. the metadata commit failed). */
  async discard(blobIds: string[], holder?: string | null): Promise<void> {
    await this.release(blobIds, holder);
  }

  checkWritable(): Promise<void> {
    return this.backend.checkWritable();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.backgroundJobs) return;
    // Nothing is in flight yet: every temp file is a leftover of a previous process.
    const removed = await this.backend.sweepTemp(this.bootTime);
    if (removed > 0) this.logger.warn(`removed ${removed} temp file(s) left by an interrupted write`);
    this.sweeping = this.sweep(this.bootTime).catch((err) => this.logger.error(`orphan sweep failed: ${err}`));
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweep(Date.now() - this.config.sweepGraceMs)
        .catch((err) => this.logger.error(`orphan sweep failed: ${err}`))
        .finally(() => (this.sweeping = undefined));
    }, this.config.sweepIntervalMs);
    this.timer.unref();
    await this.sweeping;
    this.sweeping = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  /**
   * Removes temp files and blobs with no registry row that were last written before `cutoff`
   * (the grace period protects writes in flight, which register only after the bytes land).
   */
  async sweep(cutoff: number): Promise<{ temp: number; orphans: number }> {
    const temp = await this.backend.sweepTemp(cutoff);
    let orphans = 0;
    let batch: string[] = [];
    const flush = async () => {
      const live = await this.db.repo(BlobEntity).find({ select: { id: true }, where: { id: In(batch) } });
      const liveSet = new Set(live.map((b) => b.id));
      const dead = batch.filter((id) => !liveSet.has(id));
      await this.release(dead);
      orphans += dead.length;
      batch = [];
    };
    for await (const { blobId, mtimeMs } of this.backend.list()) {
      if (mtimeMs >= cutoff) continue;
      batch.push(blobId);
      if (batch.length >= SWEEP_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    if (orphans > 0) this.logger.warn(`removed ${orphans} orphan blob(s)`);
    return { temp, orphans };
  }
}
