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
