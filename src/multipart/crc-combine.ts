import type { ChecksumAlgorithm } from '../objects/checksums';

/** The CRC algorithms whose values can be combined, and so may be FULL_OBJECT checksums of a multipart upload. */
export const COMBINABLE_CRCS = ['crc32', 'crc32c', 'crc64nvme'] as const;
export type CombinableCrc = (typeof COMBINABLE_CRCS)[number];

export const isCombinableCrc = (a: ChecksumAlgorithm): a is CombinableCrc => (COMBINABLE_CRCS as readonly string[]).includes(a);

interface CrcSpec {
  width: number;
  /** The polynomial, bit-reflected (all three CRCs are reflected, with init and xorout all ones). */
  poly: bigint;
  /** powers[i] = x^(2^i) mod p, filled on demand. */
  powers: bigint[];
}

const SPECS: Record<CombinableCrc, CrcSpec> = {
  crc32: { width: 32, poly: 0xedb88320n, powers: [] },
  crc32c: { width: 32, poly: 0x82f63b78n, powers: [] },
  crc64nvme: { width: 64, poly: 0x9a6c9329ac4bc9b5n, powers: [] },
};

/** a(x) * b(x) mod p(x) in the reflected representation (zlib's multmodp). */
function multModP(spec: CrcSpec, a: bigint, b: bigint): bigint {
  if (a === 0n) return 0n;
  let m = 1n << BigInt(spec.width - 1);
  let p = 0n;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1n)) === 0n) return p;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ spec.poly : b >> 1n;
  }
}

function powerOfTwo(spec: CrcSpec, i: number): bigint {
  if (spec.powers.length === 0) spec.powers.push(1n << BigInt(spec.width - 2)); // x^1
  while (spec.powers.length <= i) {
    const last = spec.powers[spec.powers.length - 1];
    spec.powers.push(multModP(spec, last, last));
  }
  return spec.powers[i];
}

/** x^(8 * bytes) mod p: the operator that appends `bytes` zero bytes to a CRC. */
function zerosOperator(spec: CrcSpec, bytes: number): bigint {
  let p = 1n << BigInt(spec.width - 1); // x^0
  let n = BigInt(bytes);
  for (let k = 3; n > 0n; k++, n >>= 1n) {
    if (n & 1n) p = multModP(spec, powerOfTwo(spec, k), p);
  }
  return p;
}

const toBig = (b: Buffer): bigint => BigInt(`0x${b.toString('hex') || '0'}`);
const toBuffer = (v: bigint, width: number): Buffer => Buffer.from(v.toString(16).padStart(width / 4, '0'), 'hex');

/**
 * The CRC of the concatenation of byte sequences, from the CRC (big-endian digest bytes) and
 * length of each one, without reading a byte (zlib's crc32_combine, generalised).
 */
export function combineCrcs(algorithm: CombinableCrc, parts: Array<{ crc: Buffer; size: number }>): Buffer {
  const spec = SPECS[algorithm];
  let crc = 0n; // the CRC of nothing
  for (const part of parts) {
    crc = multModP(spec, zerosOperator(spec, part.size), crc) ^ toBig(part.crc);
  }
  return toBuffer(crc, spec.width);
}
