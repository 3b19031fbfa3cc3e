import { randomBytes } from 'node:crypto';
import { newDigester } from '../objects/checksums';
import { COMBINABLE_CRCS, combineCrcs } from './crc-combine';

const digest = async (algorithm: (typeof COMBINABLE_CRCS)[number], data: Buffer): Promise<Buffer> => {
  const d = newDigester(algorithm);
  d.update(data);
  return d.digest();
};

describe('combineCrcs', () => {
  it.each(COMBINABLE_CRCS)('%s: the combined CRC of the parts equals the CRC of the whole', async (algorithm) => {
    const parts = [randomBytes(1000), randomBytes(1), Buffer.alloc(0), randomBytes(70_001), randomBytes(3)];
    const whole = await digest(algorithm, Buffer.concat(parts));
    const combined = combineCrcs(
      algorithm,
      await Promise.all(parts.map(async (p) => ({ crc: await digest(algorithm, p), size: p.length }))),
    );
    expect(combined.toString('base64')).toBe(whole.toString('base64'));
  });

  it('matches the published CRC-32 check value of "123456789" split in two', async () => {
    const a = Buffer.from('1234');
    const b = Buffer.from('56789');
    const combined = combineCrcs('crc32', [
      { crc: await digest('crc32', a), size: a.length },
      { crc: await digest('crc32', b), size: b.length },
    ]);
    expect(combined.toString('hex')).toBe('cbf43926');
  });

  it('of a single part is that part, and of no part is the CRC of nothing', async () => {
    const a = randomBytes(17);
    const crc = await digest('crc64nvme', a);
    expect(combineCrcs('crc64nvme', [{ crc, size: a.length }])).toEqual(crc);
    expect(combineCrcs('crc32c', [])).toEqual(await digest('crc32c', Buffer.alloc(0)));
  });
});
