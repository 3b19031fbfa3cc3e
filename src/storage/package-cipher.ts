import { createCipheriv, createDecipheriv } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

/**
 * The on-disk format of an encrypted blob: the plaintext cut into packages of PACKAGE_SIZE bytes
 * (the last one shorter; an empty blob is one empty package), each sealed with AES-256-GCM under
 * the blob's own data key and stored as ciphertext followed by its 16-byte tag. Nothing else is
 * stored: the data key (wrapped) and the plaintext size live in the object's metadata.
 *
 * - nonce of package i: 4 zero bytes + i as a 64-bit big-endian integer. A data key encrypts one
 *   blob only, so a (key, nonce) pair is never reused.
 * - additional data: i (64-bit big-endian) + 1 byte "final" (1 for the last package, else 0).
 *   Moving, swapping or dropping packages, or cutting the blob after a package, fails a tag check.
 *
 * A byte range of the plaintext maps to a range of whole packages (`cipherRange`), so a ranged
 * read decrypts only the packages it touches. Memory per stream: one package.
 */
export const PACKAGE_SIZE = 64 * 1024;
export const TAG_SIZE = 16;
export const SEALED_PACKAGE_SIZE = PACKAGE_SIZE + TAG_SIZE;
const ALGORITHM = 'aes-256-gcm';

/** Number of packages of a plaintext of `size` bytes (an empty one still has one). */
export function packageCount(size: number): number {
  return Math.max(1, Math.ceil(size / PACKAGE_SIZE));
}

/** Size of the encrypted blob of a plaintext of `size` bytes. */
export function cipherSize(size: number): number {
  return size + packageCount(size) * TAG_SIZE;
}

function nonce(index: number): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 4);
  return n;
}

function aad(index: number, final: boolean): Buffer {
  const a = Buffer.alloc(9);
  a.writeBigUInt64BE(BigInt(index), 0);
  a[8] = final ? 1 : 0;
  return a;
}

export function sealPackage(key: Buffer, index: number, final: boolean, plain: Buffer): Buffer {
  const c = createCipheriv(ALGORITHM, key, nonce(index));
  c.setAAD(aad(index, final));
  const out = Buffer.allocUnsafe(plain.length + TAG_SIZE);
  let n = c.update(plain).copy(out, 0);
  n += c.final().copy(out, n);
  c.getAuthTag().copy(out, n);
  return out;
}

export function openPackage(key: Buffer, index: number, final: boolean, sealed: Buffer): Buffer {
  if (sealed.length < TAG_SIZE) throw new TamperedBlobError(`package ${index} is truncated`);
  const d = createDecipheriv(ALGORITHM, key, nonce(index));
  d.setAAD(aad(index, final));
  d.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  try {
    const head = d.update(sealed.subarray(0, sealed.length - TAG_SIZE));
    const tail = d.final(); // GCM: empty; the tag is checked here
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    throw new TamperedBlobError(`package ${index} failed authentication`);
  }
}

/** An encrypted blob does not decrypt: it was changed on disk, cut short, or the key is wrong. Never served. */
export class TamperedBlobError extends Error {
  constructor(detail: string) {
    super(`encrypted blob does not authenticate: ${detail}`);
    this.name = 'TamperedBlobError';
  }
}

/** Encrypts a plaintext stream into the package format. */
export class EncryptStream extends Transform {
  private readonly buf = Buffer.allocUnsafe(PACKAGE_SIZE);
  private filled = 0;
  private index = 0;

  constructor(private readonly key: Buffer) {
    super({ highWaterMark: SEALED_PACKAGE_SIZE });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      let offset = 0;
      while (offset < chunk.length) {
        // A full package is sealed only once more bytes arrive: until then it may be the last one.
        if (this.filled === PACKAGE_SIZE) {
          this.push(sealPackage(this.key, this.index++, false, this.buf));
          this.filled = 0;
        }
        if (this.filled === 0 && chunk.length - offset > PACKAGE_SIZE) {
          // A whole package with more bytes after it (so not the last one): sealed from the chunk, no copy.
          this.push(sealPackage(this.key, this.index++, false, chunk.subarray(offset, offset + PACKAGE_SIZE)));
          offset += PACKAGE_SIZE;
          continue;
        }
        const n = Math.min(PACKAGE_SIZE - this.filled, chunk.length - offset);
        chunk.copy(this.buf, this.filled, offset, offset + n);
        this.filled += n;
        offset += n;
      }
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.push(sealPackage(this.key, this.index++, true, this.buf.subarray(0, this.filled)));
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }
}

/** The packages that hold the plaintext bytes [start, end] of a blob of `plainSize` bytes, and where they are stored. */
export interface CipherRange {
  firstPackage: number;
  lastPackage: number;
  /** Inclusive byte range of the encrypted blob to read. */
  start: number;
  end: number;
  /** Plaintext bytes to drop from the first package, and to serve in all. */
  skip: number;
  length: number;
}

export function cipherRange(plainSize: number, start: number, end: number): CipherRange {
  const firstPackage = Math.floor(start / PACKAGE_SIZE);
  const lastPackage = plainSize === 0 ? 0 : Math.floor(end / PACKAGE_SIZE);
  const total = cipherSize(plainSize);
  return {
    firstPackage,
    lastPackage,
    start: firstPackage * SEALED_PACKAGE_SIZE,
    end: Math.min((lastPackage + 1) * SEALED_PACKAGE_SIZE, total) - 1,
    skip: start - firstPackage * PACKAGE_SIZE,
    length: plainSize === 0 ? 0 : end - start + 1,
  };
}

/**
 * Decrypts the packages of a CipherRange (the stream must start at the first package's first
 * byte) and yields exactly the plaintext bytes asked for. A package that does not authenticate,
 * or a blob that ends early, fails the stream before any byte of that package is passed on.
 * `verified` settles once the first package has been checked (callers wait for it before sending
 * headers, so a tampered blob answers an error instead of a cut-off body).
 */
export class DecryptStream extends Transform {
  private readonly buf = Buffer.allocUnsafe(SEALED_PACKAGE_SIZE);
  private filled = 0;
  private index: number;
  private skip: number;
  private remaining: number;
  private readonly lastOfBlob: number;
  readonly verified: Promise<void>;
  private settle!: (err?: Error) => void;

  constructor(
    private readonly key: Buffer,
    plainSize: number,
    private readonly range: CipherRange,
  ) {
    super({ highWaterMark: PACKAGE_SIZE });
    this.index = range.firstPackage;
    this.skip = range.skip;
    this.remaining = range.length;
    this.lastOfBlob = packageCount(plainSize) - 1;
    let done = false;
    this.verified = new Promise<void>((resolve, reject) => {
      this.settle = (err) => {
        if (done) return;
        done = true;
        if (err) reject(err);
        else resolve();
      };
    });
    this.verified.catch(() => undefined);
    this.on('error', (err) => this.settle(err));
    this.on('close', () => this.settle(new TamperedBlobError('stream closed early')));
  }

  private openOne(sealed: Buffer): void {
    const plain = openPackage(this.key, this.index, this.index === this.lastOfBlob, sealed);
    this.index++;
    const from = Math.min(this.skip, plain.length);
    this.skip -= from;
    const n = Math.min(plain.length - from, this.remaining);
    this.remaining -= n;
    this.settle();
    if (n > 0) this.push(plain.subarray(from, from + n));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      let offset = 0;
      while (offset < chunk.length) {
        if (this.index > this.range.lastPackage) throw new TamperedBlobError('blob is longer than its packages');
        if (this.filled === 0 && chunk.length - offset >= SEALED_PACKAGE_SIZE) {
          // A whole package inside the chunk: decrypted in place, no copy.
          this.openOne(chunk.subarray(offset, offset + SEALED_PACKAGE_SIZE));
          offset += SEALED_PACKAGE_SIZE;
          continue;
        }
        const n = Math.min(SEALED_PACKAGE_SIZE - this.filled, chunk.length - offset);
        chunk.copy(this.buf, this.filled, offset, offset + n);
        this.filled += n;
        offset += n;
        if (this.filled === SEALED_PACKAGE_SIZE) {
          this.openOne(this.buf);
          this.filled = 0;
        }
      }
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      if (this.filled > 0) {
        this.openOne(Buffer.from(this.buf.subarray(0, this.filled)));
        this.filled = 0;
      }
      if (this.index <= this.range.lastPackage || this.remaining > 0) throw new TamperedBlobError('blob is cut short');
      this.settle();
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }
}
