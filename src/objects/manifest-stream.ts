import { PassThrough, Readable } from 'node:stream';
import type { ManifestEntry } from './entities/object.entity';

/** Opens the bytes [start, end] (of the entry's plaintext) of one manifest entry. */
export type OpenEntry = (entry: ManifestEntry, start: number, end: number) => Promise<Readable>;

/**
 * The bytes [start, end] of an object made of one or more blobs, read blob after blob.
 * The first blob is opened before this resolves (a missing blob fails the request before any
 * header is sent); later blobs are opened as the reader gets to them.
 */
export async function openManifestRange(manifest: ManifestEntry[], start: number, end: number, open: OpenEntry): Promise<Readable> {
  const segments: Array<{ entry: ManifestEntry; start: number; end: number }> = [];
  let offset = 0;
  for (const entry of manifest) {
    const first = offset;
    const last = offset + entry.s - 1;
    offset += entry.s;
    if (entry.s === 0 || last < start || first > end) continue;
    segments.push({ entry, start: Math.max(start, first) - first, end: Math.min(end, last) - first });
  }
  if (segments.length === 0) return Readable.from([]);
  const firstStream = await open(segments[0].entry, segments[0].start, segments[0].end);
  if (segments.length === 1) return firstStream;

  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  let current: Readable | undefined = firstStream;
  out.on('close', () => current?.destroy());
  (async () => {
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      current = i === 0 ? firstStream : await open(s.entry, s.start, s.end);
      for await (const chunk of current) {
        if (out.destroyed) return;
        if (!out.write(chunk)) {
          // Wait for drain (or close), removing whichever listener did not fire.
          await new Promise<void>((resolve) => {
            const done = () => {
              out.off('drain', done);
              out.off('close', done);
              resolve();
            };
            out.once('drain', done);
            out.once('close', done);
          });
        }
      }
    }
    out.end();
  })().catch((err) => out.destroy(err));
  return out;
}
