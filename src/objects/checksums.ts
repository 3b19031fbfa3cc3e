import { createHash, Hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Transform, TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export const isChecksumAlgorithm = (s: string): s is ChecksumAlgorithm => (CHECKSUM_ALGORITHMS as readonly string[]).includes(s);

/** Digest length in bytes, to validate a client's base64 value before any byte is read. */
export const CHECKSUM_BYTES: Record<ChecksumAlgorithm, number> = { crc32: 4, crc32c: 4, crc64nvme: 8, sha1: 20, sha256: 32 };

interface Digester {
  update(data: Buffer): void;
  digest(): Promise<Buffer>;
}

/**
 * Slicing-by-8 tables of a reflected 32-bit CRC: eight bytes per step instead of one, several
 * times the speed of the byte-at-a-time (and iterator-driven) @aws-crypto implementations.
 */
function sliceBy8Tables(polynomial: number): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ polynomial : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

/** Continues a CRC (`crc` = the previous result, 0 to start) over `d`. */
function crcSliceBy8(t: Uint32Array, crc: number, d: Uint8Array): number {
  let c = ~crc;
  let i = 0;
  const n = d.length;
  for (; i + 8 <= n; i += 8) {
    const lo = c ^ (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24));
    const hi = d[i + 4] | (d[i + 5] << 8) | (d[i + 6] << 16) | (d[i + 7] << 24);
    c =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + (hi & 0xff)] ^
      t[512 + ((hi >>> 8) & 0xff)] ^
      t[256 + ((hi >>> 16) & 0xff)] ^
      t[hi >>> 24];
  }
  for (; i < n; i++) c = t[(c ^ d[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

let crc32cTables: Uint32Array | undefined;
let crc32Tables: Uint32Array | undefined;

/** zlib's CRC-32 (the polynomial of S3's CRC32), native since Node 20.15. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** A CRC-32 digester (4-byte big-endian digest) over `update(previous, data) → next`. */
function crc32Digester(update: (crc: number, d: Uint8Array) => number): Digester {
  let value = 0;
  return {
    update: (d) => void (value = update(value, d)),
    digest: async () => {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(value >>> 0);
      return out;
    },
  };
}

function crc32(): Digester {
  if (nativeCrc32) return crc32Digester((c, d) => nativeCrc32(d, c));
  const t = (crc32Tables ??= sliceBy8Tables(0xedb88320));
  return crc32Digester((c, d) => crcSliceBy8(t, c, d));
}

function crc32c(): Digester {
  const t = (crc32cTables ??= sliceBy8Tables(0x82f63b78));
  return crc32Digester((c, d) => crcSliceBy8(t, c, d));
}

function hash(h: Hash): Digester {
  return { update: (d) => void h.update(d), digest: async () => h.digest() };
}

export function newDigester(algorithm: ChecksumAlgorithm): Digester {
  switch (algorithm) {
    case 'crc32':
      return crc32();
    case 'crc32c':
      return crc32c();
    case 'crc64nvme': {
      const c = new Crc64Nvme();
      return { update: (d) => c.update(d), digest: async () => Buffer.from(await c.digest()) };
    }
    case 'sha1':
      return hash(createHash('sha1'));
    case 'sha256':
      return hash(createHash('sha256'));
  }
}

export interface StreamDigests {
  md5: Buffer;
  /** base64 digests of the requested algorithms */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** hex sha256 of the bytes when asked for (signed payloads) */
  sha256Hex?: string;
  size: number;
}

/**
 * The digests of one body: MD5 always (the ETag), the requested checksum algorithms, and
 * SHA-256 in hex when the payload signature needs it. Used by DigestStream in the request's
 * thread, and by the digest worker (digest-worker.ts) for large bodies.
 */
export class DigestState {
  private readonly md5 = createHash('md5');
  private readonly digesters: Array<[ChecksumAlgorithm, Digester]>;
  private readonly sha256ForPayload?: Hash;
  private readonly alsoSha256Checksum: boolean;

  constructor(algorithms: Iterable<ChecksumAlgorithm>, wantPayloadSha256: boolean) {
    const unique = new Set(algorithms);
    // When sha256 is both a checksum and the payload hash, one digester serves both.
    if (wantPayloadSha256) this.sha256ForPayload = createHash('sha256');
    this.digesters = [...unique].filter((a) => !(a === 'sha256' && this.sha256ForPayload)).map((a) => [a, newDigester(a)]);
    this.alsoSha256Checksum = unique.has('sha256') && this.sha256ForPayload !== undefined;
  }

  update(chunk: Buffer): void {
    this.md5.update(chunk);
    this.sha256ForPayload?.update(chunk);
    for (const [, d] of this.digesters) d.update(chunk);
  }

  async result(): Promise<BodyDigests> {
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const [a, d] of this.digesters) checksums[a] = (await d.digest()).toString('base64');
    let sha256Hex: string | undefined;
    if (this.sha256ForPayload) {
      const raw = this.sha256ForPayload.digest();
      sha256Hex = raw.toString('hex');
      if (this.alsoSha256Checksum) checksums.sha256 = raw.toString('base64');
    }
    return { md5: this.md5.digest(), checksums, sha256Hex };
  }
}

type BodyDigests = Omit<StreamDigests, 'size'>;

/** Bodies up to this size are hashed in the request's thread, once they have ended. */
const OFFLOAD_AFTER = 1024 * 1024;
/** Bytes handed to a digest worker in one message (one slot of a body's ring). */
export const SLOT_BYTES = 512 * 1024;
/** Slots of a body's ring: the bound on memory per body, and where back-pressure starts. */
const SLOTS = 4;

/**
 * A pass-through stream that hashes what flows through it (see DigestState).
 *
 * Bodies over 1 MiB are hashed by a digest worker thread: MD5 (~600 MiB/s, the slowest digest)
 * then runs next to the socket and disk work of the request thread instead of in front of it.
 * The bytes are copied into a ring of four 512 KiB slots in shared memory (pooled: no allocation,
 * no transfer, hence no garbage per batch); when all four are with the worker the stream waits
 * (back-pressure). Smaller bodies are only referenced while they stream, and hashed inline at
 * their end. Without a worker (running from TypeScript sources, or it failed to start) every
 * body is hashed inline.
 */
export class DigestStream extends Transform {
  private readonly algorithms: ChecksumAlgorithm[];
  private readonly wantPayloadSha256: boolean;
  private bytes = 0;
  /** Chunks not hashed yet: until the body is known to be large, or has ended. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private remote?: RemoteDigest;
  private state?: DigestState;
  private digests?: Promise<BodyDigests>;

  constructor(algorithms: Iterable<ChecksumAlgorithm>, wantPayloadSha256: boolean) {
    super({ highWaterMark: 1024 * 1024 });
    this.algorithms = [...new Set(algorithms)];
    this.wantPayloadSha256 = wantPayloadSha256;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.remote) return forward(this.remote.write(chunk), chunk, done);
    if (this.state) {
      this.state.update(chunk);
      return done(null, chunk);
    }
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes > OFFLOAD_AFTER) {
      const held = this.held;
      this.held = [];
      this.heldBytes = 0;
      this.remote = digestPool.open(this.algorithms, this.wantPayloadSha256);
      if (this.remote) {
        // OFFLOAD_AFTER plus one chunk fits in the ring: no wait in between.
        let wait: Promise<void> | undefined;
        for (const c of held) wait = this.remote.write(c) ?? wait;
        return forward(wait, chunk, done);
      }
      this.state = new DigestState(this.algorithms, this.wantPayloadSha256);
      for (const c of held) this.state.update(c);
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.digests = this.remote ? this.remote.end() : this.inlineResult();
    // Read by result(); not an unhandled rejection meanwhile.
    this.digests.catch(() => undefined);
    done();
  }

  override _destroy(err: Error | null, done: (error: Error | null) => void): void {
    if (!this.digests) this.remote?.abort();
    done(err);
  }

  private inlineResult(): Promise<BodyDigests> {
    this.state ??= new DigestState(this.algorithms, this.wantPayloadSha256);
    for (const c of this.held) this.state.update(c);
    this.held = [];
    this.heldBytes = 0;
    return this.state.result();
  }

  /** Call once the stream has finished. */
  async result(): Promise<StreamDigests> {
    const d = await (this.digests ?? this.inlineResult());
    return { ...d, size: this.bytes };
  }
}

function forward(wait: Promise<void> | undefined, chunk: Buffer, done: TransformCallback): void {
  if (wait) wait.then(() => done(null, chunk), done);
  else done(null, chunk);
}

// ---- digest workers --------------------------------------------------------------------------

/** The compiled worker next to this file; absent when running from TypeScript sources (ts-jest). */
const WORKER_FILE = join(__dirname, 'digest-worker.js');

/** One body being hashed by a worker. */
interface RemoteDigest {
  /** Queues a chunk; returns a promise when the caller must wait for room. */
  write(chunk: Buffer): Promise<void> | undefined;
  end(): Promise<BodyDigests>;
  abort(): void;
}

/** Messages from digest-worker.ts. */
export type DigestWorkerReply =
  | { t: 'ack'; id: number; slot: number }
  | { t: 'result'; id: number; md5Hex: string; checksums: Partial<Record<ChecksumAlgorithm, string>>; sha256Hex?: string }
  | { t: 'error'; id: number; message: string };

/** Messages to digest-worker.ts. */
export type DigestWorkerMessage =
  | { t: 'start'; id: number; algorithms: ChecksumAlgorithm[]; wantPayloadSha256: boolean; ring: SharedArrayBuffer }
  | { t: 'data'; id: number; slot: number; len: number }
  | { t: 'end'; id: number }
  | { t: 'abort'; id: number };

interface Session {
  /** Slots of the ring not with the worker. */
  free: number[];
  /** The stream waiting for room (at most one: a Transform handles one chunk at a time). */
  waiter?: () => void;
  resolve: (d: BodyDigests) => void;
  reject: (err: Error) => void;
  failed?: Error;
}

function failSession(s: Session, err: Error): void {
  s.failed = err;
  s.reject(err);
  const w = s.waiter;
  s.waiter = undefined;
  w?.();
}

class DigestWorker {
  readonly worker: Worker;
  readonly sessions = new Map<number, Session>();
  private dead = false;

  constructor(onDeath: (w: DigestWorker) => void) {
    this.worker = new Worker(WORKER_FILE);
    // Never what keeps the process alive.
    this.worker.unref();
    this.worker.on('message', (m: DigestWorkerReply) => this.onMessage(m));
    const die = (err: Error) => {
      if (this.dead) return;
      this.dead = true;
      for (const s of this.sessions.values()) failSession(s, err);
      this.sessions.clear();
      onDeath(this);
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`digest worker exited with code ${code}`)));
  }

  post(m: DigestWorkerMessage, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(m, transfer);
  }

  private onMessage(m: DigestWorkerReply): void {
    const s = this.sessions.get(m.id);
    if (!s) return; // aborted meanwhile
    if (m.t === 'ack') {
      s.free.push(m.slot);
      const w = s.waiter;
      s.waiter = undefined;
      w?.();
      return;
    }
    this.sessions.delete(m.id);
    if (m.t === 'result') s.resolve({ md5: Buffer.from(m.md5Hex, 'hex'), checksums: m.checksums, sha256Hex: m.sha256Hex });
    else failSession(s, new Error(`digest worker: ${m.message}`));
  }
}

class DigestPool {
  private readonly workers: DigestWorker[] = [];
  private readonly size = Math.max(1, Math.min(4, availableParallelism() - 1));
  private readonly available = existsSync(WORKER_FILE);
  private nextId = 1;
  /** Rings of finished bodies, for reuse. */
  private readonly rings: SharedArrayBuffer[] = [];

  /** A remote digest on the least busy worker (started on demand); undefined without workers. */
  open(algorithms: ChecksumAlgorithm[], wantPayloadSha256: boolean): RemoteDigest | undefined {
    if (!this.available) return undefined;
    let w: DigestWorker;
    if (this.workers.length < this.size) {
      try {
        w = new DigestWorker((dead) => {
          const i = this.workers.indexOf(dead);
          if (i >= 0) this.workers.splice(i, 1);
        });
      } catch {
        return undefined;
      }
      this.workers.push(w);
    } else {
      w = this.workers.reduce((a, b) => (b.sessions.size < a.sessions.size ? b : a));
    }
    return this.session(w, algorithms, wantPayloadSha256);
  }

  private session(w: DigestWorker, algorithms: ChecksumAlgorithm[], wantPayloadSha256: boolean): RemoteDigest {
    const id = this.nextId++;
    let settle!: Pick<Session, 'resolve' | 'reject'>;
    const done = new Promise<BodyDigests>((resolve, reject) => (settle = { resolve, reject }));
    done.catch(() => undefined);
    const s: Session = { free: [...Array(SLOTS).keys()], ...settle };
    const ring = this.rings.pop() ?? new SharedArrayBuffer(SLOTS * SLOT_BYTES);
    w.sessions.set(id, s);
    w.post({ t: 'start', id, algorithms, wantPayloadSha256, ring });
    // Back to the pool once the worker is done with every slot (it answers `end` after the data).
    done.then(
      () => this.rings.length < 64 && this.rings.push(ring),
      () => undefined,
    );

    let slot: number | undefined;
    let view: Buffer | undefined;
    let filled = 0;
    const send = () => {
      if (slot === undefined || filled === 0) return;
      w.post({ t: 'data', id, slot, len: filled });
      slot = undefined;
      filled = 0;
    };
    const room = (): Promise<void> =>
      new Promise<void>((resolve) => (s.waiter = resolve)).then(() => {
        if (s.failed) throw s.failed;
      });
    const write = (chunk: Buffer): Promise<void> | undefined => {
      if (s.failed) return Promise.reject(s.failed);
      let offset = 0;
      while (offset < chunk.length) {
        if (slot === undefined) {
          const next = s.free.shift();
          if (next === undefined) {
            const rest = chunk.subarray(offset);
            return room().then(() => write(rest));
          }
          slot = next;
          view = Buffer.from(ring, slot * SLOT_BYTES, SLOT_BYTES);
        }
        const n = chunk.copy(view!, filled, offset);
        filled += n;
        offset += n;
        if (filled === SLOT_BYTES) send();
      }
      return slot === undefined && s.free.length === 0 ? room() : undefined;
    };
    return {
      write,
      end() {
        if (s.failed) return Promise.reject(s.failed);
        send();
        w.post({ t: 'end', id });
        return done;
      },
      abort() {
        // The ring is not reused: the worker may still be reading a slot.
        if (!w.sessions.delete(id)) return;
        w.post({ t: 'abort', id });
        failSession(s, new Error('aborted'));
      },
    };
  }
}

const digestPool = new DigestPool();

/** The checksum of checksums for multipart objects (COMPOSITE): digest of the concatenated raw part digests. */
export async function compositeChecksum(algorithm: ChecksumAlgorithm, partDigestsBase64: string[]): Promise<string> {
  const d = newDigester(algorithm);
  for (const p of partDigestsBase64) d.update(Buffer.from(p, 'base64'));
  return `${(await d.digest()).toString('base64')}-${partDigestsBase64.length}`;
}
