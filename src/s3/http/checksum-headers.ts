import type { IncomingHttpHeaders } from 'node:http';
import { CHECKSUM_ALGORITHMS, CHECKSUM_BYTES, ChecksumAlgorithm, isChecksumAlgorithm } from '../../objects/checksums';
import type { ObjectChecksums } from '../../objects/entities/object.entity';
import { S3Error } from '../errors/s3-error';
import { H } from './headers';

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** What a request says about checksums: which to compute, and the values to check. */
export interface ChecksumRequest {
  algorithms: ChecksumAlgorithm[];
  /** Values given as headers, base64. */
  headerValues: Partial<Record<ChecksumAlgorithm, string>>;
  /** Algorithms whose value arrives as a trailer. */
  trailerAlgorithms: ChecksumAlgorithm[];
  contentMd5?: string;
}

/**
 * Reads Content-MD5, x-amz-checksum-<algorithm>, x-amz-trailer and x-amz-sdk-checksum-algorithm.
 * Malformed values are refused before a byte of the body is read.
 */
export function readChecksumRequest(headers: IncomingHttpHeaders): ChecksumRequest {
  const algorithms = new Set<ChecksumAlgorithm>();
  const headerValues: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const a of CHECKSUM_ALGORITHMS) {
    const v = header(headers, H.amzChecksumPrefix + a);
    if (v === undefined) continue;
    if (!isBase64OfLength(v, CHECKSUM_BYTES[a])) {
      throw new S3Error('InvalidRequest', { message: `Value for x-amz-checksum-${a} header is invalid.` });
    }
    headerValues[a] = v;
    algorithms.add(a);
  }
  if (Object.keys(headerValues).length > 1) {
    throw new S3Error('InvalidRequest', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
  }
  const trailerAlgorithms: ChecksumAlgorithm[] = [];
  const trailer = header(headers, H.amzTrailer);
  if (trailer) {
    for (const name of trailer.split(',').map((s) => s.trim().toLowerCase())) {
      if (!name.startsWith(H.amzChecksumPrefix)) continue;
      const a = name.slice(H.amzChecksumPrefix.length);
      if (!isChecksumAlgorithm(a))
        throw new S3Error('InvalidRequest', { message: `The value specified in the x-amz-trailer header is not supported` });
      trailerAlgorithms.push(a);
      algorithms.add(a);
    }
  }
  const sdkAlgorithm = (header(headers, H.amzSdkChecksumAlgorithm) ?? '').toLowerCase();
  if (sdkAlgorithm) {
    if (!isChecksumAlgorithm(sdkAlgorithm)) {
      throw new S3Error('InvalidRequest', {
        message:
          'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
      });
    }
    algorithms.add(sdkAlgorithm);
  }
  let contentMd5 = header(headers, H.contentMd5);
  if (contentMd5 !== undefined) {
    contentMd5 = contentMd5.trim();
    if (!isBase64OfLength(contentMd5, 16)) throw new S3Error('InvalidDigest');
  }
  return { algorithms: [...algorithms], headerValues, trailerAlgorithms, contentMd5 };
}

/** The expected values once the body has ended: header values plus trailer values. */
export function expectedChecksums(req: ChecksumRequest, trailers: Record<string, string>): Partial<Record<ChecksumAlgorithm, string>> {
  const out = { ...req.headerValues };
  for (const a of req.trailerAlgorithms) {
    const v = trailers[H.amzChecksumPrefix + a];
    if (v === undefined) throw new S3Error('InvalidRequest', { message: `x-amz-checksum-${a} trailer was announced but not sent` });
    if (!isBase64OfLength(v, CHECKSUM_BYTES[a]))
      throw new S3Error('InvalidRequest', { message: `Value for x-amz-checksum-${a} trailing header is invalid.` });
    out[a] = v;
  }
  return out;
}

function isBase64OfLength(v: string, bytes: number): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || v.length % 4 !== 0) return false;
  return Buffer.from(v, 'base64').length === bytes;
}

/** x-amz-checksum-* response headers for stored checksums (asked for with x-amz-checksum-mode: ENABLED). */
export function checksumResponseHeaders(checksums: ObjectChecksums | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!checksums) return out;
  for (const a of CHECKSUM_ALGORITHMS) {
    const v = checksums[a];
    if (v) out[H.amzChecksumPrefix + a] = v;
  }
  if (checksums.type && Object.keys(out).length > 0) out[H.amzChecksumType] = checksums.type;
  return out;
}
