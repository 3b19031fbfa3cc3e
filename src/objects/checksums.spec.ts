import { randomBytes } from 'node:crypto';
import { Crc32 } from '@aws-crypto/crc32';
import { Crc32c } from '@aws-crypto/crc32c';
import { ChecksumAlgorithm, DigestStream, newDigester } from './checksums';

const hex = async (algorithm: ChecksumAlgorithm, pieces: Buffer[]): Promise<string> => {
  const d = newDigester(algorithm);
  for (const p of pieces) d.update(p);
  return (await d.digest()).toString('hex');
};

const reference = (impl: { update(d: Uint8Array): unknown; digest(): number }, data: Buffer): string => {
  impl.update(data);
  const out = Buffer.alloc(4);
  out.writeUInt32BE(impl.digest() >>> 0);
  return out.toString('hex');
};

describe('checksums', () => {
  it('match the published check values of "123456789"', async () => {
    const check = [Buffer.from('123456789')];
    expect(await hex('crc32', check)).toBe('cbf43926');
    expect(await hex('crc32c', check)).toBe('e3069283');
  });

  it.each([0, 1, 7, 8, 9, 15, 16, 17, 4096, 65_537])('crc32 and crc32c equal the @aws-crypto ones on %i bytes, in any split', async (n) => {
    const data = randomBytes(n);
    const splits = [
      [data],
      [data.subarray(0, n >> 1), data.subarray(n >> 1)],
      [data.subarray(0, 3), data.subarray(3, 11), data.subarray(11)],
    ];
    for (const pieces of splits) {
      expect(await hex('crc32', pieces)).toBe(reference(new Crc32(), data));
      expect(await hex('crc32c', pieces)).toBe(reference(new Crc32c(), data));
    }
  });

  it('DigestStream reports MD5, size and the requested checksums', async () => {
    const data = randomBytes(100_000);
    const s = new DigestStream(['crc32c', 'sha256'], true);
    s.resume();
    s.end(data);
    await new Promise((r) => s.on('end', r));
    const r = await s.result();
    expect(r.size).toBe(data.length);
    expect(Buffer.from(r.checksums.crc32c!, 'base64').toString('hex')).toBe(reference(new Crc32c(), data));
    expect(r.sha256Hex).toBe(Buffer.from(r.checksums.sha256!, 'base64').toString('hex'));
  });
});
