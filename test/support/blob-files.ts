import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` (recursively): the blob files and whatever else the server keeps on disk. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

/** The files under `dir` whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: Buffer): string[] {
  return filesUnder(dir).filter((p) => readFileSync(p).includes(needle));
}

/** The blob files (under `<dataDir>/blobs`) of exactly `size` bytes. */
export function blobFilesOfSize(dataDir: string, size: number): string[] {
  return filesUnder(join(dataDir, 'blobs')).filter((p) => statSync(p).size === size);
}

/** A body that is easy to find on disk: a marker repeated every 4 KiB over random bytes (encrypted blobs must not contain it). */
export function markedBody(size: number, label = 'PLAINTEXT-MARKER'): { body: Buffer; marker: Buffer } {
  const marker = Buffer.from(`${label}-${randomBytes(8).toString('hex')}`);
  const body = randomBytes(size);
  for (let i = 0; i + marker.length <= size; i += 4096) marker.copy(body, i);
  return { body, marker };
}

/** The whole body of an SDK v3 GetObject answer. */
export async function bytesOf(res: { Body?: unknown }): Promise<Buffer> {
  return Buffer.from(await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}
