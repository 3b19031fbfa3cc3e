import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  cipherRange,
  cipherSize,
  DecryptStream,
  EncryptStream,
  PACKAGE_SIZE,
  SEALED_PACKAGE_SIZE,
  TamperedBlobError,
} from './package-cipher';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function encrypt(key: Buffer, plain: Buffer, chunk = 1000): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < plain.length; i += chunk) parts.push(plain.subarray(i, i + chunk));
  const enc = new EncryptStream(key);
  const out = collect(enc);
  await pipeline(Readable.from(parts), enc);
  return out;
}

async function decrypt(key: Buffer, blob: Buffer, size: number, start: number, end: number): Promise<Buffer> {
  const r = cipherRange(size, start, end);
  const dec = new DecryptStream(key, size, r);
  const [, out] = await Promise.all([pipeline(Readable.from([blob.subarray(r.start, r.end + 1)]), dec), collect(dec)]);
  return out;
}

describe('package cipher', () => {
  const key = randomBytes(32);

  it.each([0, 1, PACKAGE_SIZE - 1, PACKAGE_SIZE, PACKAGE_SIZE + 1, 3 * PACKAGE_SIZE, 3 * PACKAGE_SIZE + 17])(
    'round-trips %i bytes, the blob has the announced size and holds no plaintext',
    async (size) => {
      const plain = randomBytes(size);
      const blob = await encrypt(key, plain, 7777);
      expect(blob.length).toBe(cipherSize(size));
      if (size >= 16) expect(blob.includes(plain.subarray(0, 16))).toBe(false);
      if (size > 0) expect((await decrypt(key, blob, size, 0, size - 1)).equals(plain)).toBe(true);
    },
  );

  it('decrypts any range from only the packages that hold it', async () => {
    const size = 4 * PACKAGE_SIZE + 100;
    const plain = randomBytes(size);
    const blob = await encrypt(key, plain);
    for (const [s, e] of [
      [0, 0],
      [PACKAGE_SIZE - 1, PACKAGE_SIZE],
      [PACKAGE_SIZE * 2 + 5, PACKAGE_SIZE * 2 + 9],
      [size - 1, size - 1],
      [100, size - 1],
    ]) {
      const r = cipherRange(size, s, e);
      expect(r.end - r.start + 1).toBeLessThanOrEqual((r.lastPackage - r.firstPackage + 1) * SEALED_PACKAGE_SIZE);
      expect((await decrypt(key, blob, size, s, e)).equals(plain.subarray(s, e + 1))).toBe(true);
    }
  });

  it('refuses a flipped bit, swapped packages, a cut-off blob and a wrong key', async () => {
    const size = 3 * PACKAGE_SIZE;
    const plain = randomBytes(size);
    const blob = await encrypt(key, plain);
    const flipped = Buffer.from(blob);
    flipped[10] ^= 1;
    await expect(decrypt(key, flipped, size, 0, size - 1)).rejects.toBeInstanceOf(TamperedBlobError);
    const swapped = Buffer.concat([
      blob.subarray(SEALED_PACKAGE_SIZE, 2 * SEALED_PACKAGE_SIZE),
      blob.subarray(0, SEALED_PACKAGE_SIZE),
      blob.subarray(2 * SEALED_PACKAGE_SIZE),
    ]);
    await expect(decrypt(key, swapped, size, 0, size - 1)).rejects.toBeInstanceOf(TamperedBlobError);
    // Cut after a whole package: the (new) last package was not sealed as final.
    const cut = blob.subarray(0, 2 * SEALED_PACKAGE_SIZE);
    await expect(decrypt(key, cut, 2 * PACKAGE_SIZE, 0, 2 * PACKAGE_SIZE - 1)).rejects.toBeInstanceOf(TamperedBlobError);
    await expect(decrypt(key, cut, size, 0, size - 1)).rejects.toBeInstanceOf(TamperedBlobError);
    await expect(decrypt(randomBytes(32), blob, size, 0, size - 1)).rejects.toBeInstanceOf(TamperedBlobError);
  });
});
