import { pipeline, Readable } from 'node:stream';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { BlobEntity } from './blob.entity';
import { cipherRange, DecryptStream } from './package-cipher';
import { BlobWriteResult, ByteRange, STORAGE_BACKEND, StorageBackend } from './storage-backend';

const SWEEP_BATCH = 500;

/**
 * Blob bytes (through the StorageBackend) plus the registry of live blobs in the database.
 * Services write bytes first, then register the blob in the transaction that references it,
 * and release blobs after the transaction that dropped them commits. The sweeper removes
 * whatever a crash left between those steps.
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
  ) {}

  write(source: Readable, verify?: (size: number) => void | Promise<void>): Promise<BlobWriteResult> {
    return this.backend.put(source, verify);
  }

  read(blobId: string, range?: ByteRange): Promise<Readable> {
    return this.backend.get(blobId, range);
  }

  /**
   * The plaintext bytes [start, end] of an encrypted blob (package-cipher.ts) holding `plainSize`
   * bytes: only the packages that hold the range are read and decrypted. Resolves once the first
   * package has authenticated, so a tampered blob fails before anything is sent.
   */
  async readDecrypted(blobId: string, dataKey: Buffer, plainSize: number, start: number, end: number): Promise<Readable> {
    const range = cipherRange(plainSize, start, end);
    const raw = await this.backend.get(blobId, { start: range.start, end: range.end });
    const plain = new DecryptStream(dataKey, plainSize, range);
    pipeline(raw, plain, () => undefined);
    await plain.verified;
    return plain;
  }

  copy(blobId: string): Promise<string> {
    return this.backend.copy(blobId);
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
  async release(blobIds: string[]): Promise<void> {
    for (const id of blobIds) {
      await this.backend.delete(id).catch((err) => this.logger.warn(`could not delete blob ${id}: ${err}`));
    }
  }

  /** Discards a blob written but never registered (e.g. the metadata commit failed). */
  async discard(blobIds: string[]): Promise<void> {
    await this.release(blobIds);
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
