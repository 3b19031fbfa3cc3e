import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

const RESERVE_FILE = '.disk-reserve';
const CHUNK = 1024 * 1024;
/** Free space is read at most this often on the delete path, unless a full disk was just seen. */
const STATFS_EVERY_MS = 1000;

/**
 * A ballast file of DISK_RESERVE_BYTES in the data directory. When the disk fills up, writes are
 * refused (507) but deletes must go on, and a delete needs a little room too (SQLite appends to
 * its write-ahead log): just before a delete on a (nearly) full disk the reserve is released, and
 * it is laid down again once deletes have freed twice its size. Best effort throughout: a reserve
 * that cannot be written never stops the server (it starts on a full disk).
 */
@Injectable()
export class DiskReserve implements OnModuleInit {
  private readonly logger = new Logger(DiskReserve.name);
  private readonly file: string;
  private readonly dir: string;
  private held = 0;
  private checkedAt = 0;
  private fullSeen = false;
  private restoring: Promise<void> | null = null;
  private booting: Promise<void> | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.dir = resolve(config.dataDir);
    this.file = join(this.dir, RESERVE_FILE);
  }

  async onModuleInit(): Promise<void> {
    await this.prepareAtBoot();
  }

  /**
   * At boot (before the database opens: SQLite needs room to open its log): on a full disk the
   * reserve is released so that the server starts and serves reads and deletes; otherwise it is
   * laid down. Runs once, whoever asks first.
   */
  prepareAtBoot(): Promise<void> {
    this.booting ??= (async () => {
      if (this.config.diskReserveBytes === 0) return;
      await fs.mkdir(this.dir, { recursive: true }).catch(() => undefined);
      this.held = await fs.stat(this.file).then(
        (st) => st.size,
        () => 0,
      );
      if (this.held > 0 && (await this.freeBytes()) < this.config.diskReserveBytes) {
        this.fullSeen = true;
        await this.makeRoomForDelete();
      } else if (this.held < this.config.diskReserveBytes) {
        await this.restore();
      }
    })();
    return this.booting;
  }

  /** A write was refused for lack of space: the next delete releases the reserve without waiting for statfs. */
  noteFull(): void {
    this.fullSeen = true;
  }

  /** Before a delete: if free space is below the reserve's size, give the reserve back to the filesystem. */
  async makeRoomForDelete(): Promise<void> {
    if (this.held === 0) return;
    const now = Date.now();
    if (!this.fullSeen && now - this.checkedAt < STATFS_EVERY_MS) return;
    this.checkedAt = now;
    if (!this.fullSeen && (await this.freeBytes()) >= this.config.diskReserveBytes) return;
    this.fullSeen = false;
    const released = this.held;
    await fs.truncate(this.file, 0).catch(() => undefined);
    this.held = 0;
    this.logger.warn(`disk full: released the ${released}-byte reserve (${this.file}) so that deletes can proceed`);
  }

  /**
   * Before a write: false while the reserve is released and not yet back (the room it left is
   * for deletes, not for new objects). Costs nothing while the reserve is in place.
   */
  async roomForWrite(): Promise<boolean> {
    const want = this.config.diskReserveBytes;
    if (want === 0 || this.held >= want) return true;
    this.restoreSoon();
    await this.restoring;
    return this.held >= want;
  }

  /** After a delete: lay the reserve down again once there is room for it twice over. */
  restoreSoon(): void {
    if (this.config.diskReserveBytes === 0 || this.held >= this.config.diskReserveBytes || this.restoring) return;
    this.restoring = (async () => {
      if ((await this.freeBytes()) >= 2 * this.config.diskReserveBytes) await this.restore();
    })()
      .catch(() => undefined)
      .finally(() => (this.restoring = null));
  }

  private async freeBytes(): Promise<number> {
    try {
      const s = await fs.statfs(this.dir);
      return s.bavail * s.bsize;
    } catch {
      return Number.MAX_SAFE_INTEGER;
    }
  }

  /** Grows the reserve file to its size with real blocks (zeros written, not a sparse file). */
  private async restore(): Promise<void> {
    const want = this.config.diskReserveBytes;
    const fh = await fs.open(this.file, 'a').catch(() => null);
    if (!fh) return;
    try {
      const zeros = Buffer.alloc(CHUNK);
      let size = (await fh.stat()).size;
      while (size < want) {
        const { bytesWritten } = await fh.write(zeros, 0, Math.min(CHUNK, want - size));
        size += bytesWritten;
      }
      await fh.sync();
      this.held = size;
    } catch (err) {
      this.held = (await fh.stat().catch(() => ({ size: 0 }))).size;
      this.logger.warn(`could not lay down the ${want}-byte disk reserve (${this.held} bytes held): ${String(err)}`);
    } finally {
      await fh.close().catch(() => undefined);
    }
  }
}
