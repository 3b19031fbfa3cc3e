import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FilesystemBackend } from './filesystem.backend';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('FilesystemBackend.putBuffer', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it.each([true, false])('stores the bytes as a blob like put() (fsync %s), leaving no temp file', async (fsync) => {
    root = mkdtempSync(join(tmpdir(), 'os3-fs-'));
    const backend = new FilesystemBackend(root, fsync);
    await backend.init();
    const data = Buffer.from('hello, small object');
    const { blobId, size } = await backend.putBuffer(data);
    expect(size).toBe(data.length);
    expect(await backend.has(blobId)).toBe(true);
    expect(await readAll(await backend.get(blobId))).toEqual(data);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    const empty = await backend.putBuffer(Buffer.alloc(0));
    expect(empty.size).toBe(0);
    expect(await readAll(await backend.get(empty.blobId))).toEqual(Buffer.alloc(0));
  });
});
