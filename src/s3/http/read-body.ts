import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { DigestStream } from '../../objects/checksums';
import { S3Error } from '../errors/s3-error';
import type { S3Call } from '../handlers/handles-s3.decorator';
import { XmlGuard } from '../xml/xml-guard';
import { expectedChecksums, readChecksumRequest } from './checksum-headers';

/** Request documents (XML) are small; S3 itself caps most at a few MiB. */
export const MAX_XML_BODY = 4 * 1024 * 1024;
/** Caps of the small documents (tagging, versioning, object lock, CreateBucket): S3's are smaller still. */
export const MAX_SMALL_XML_BODY = 64 * 1024;

/**
 * Reads a small request body completely, refusing more than `max` bytes, and checks the
 * payload hash, Content-MD5 and any x-amz-checksum-* sent with it. An XML body (`xml`, the
 * default) is watched by an XmlGuard as it arrives: too deep, too many nodes or broken → refused
 * with MalformedXML before the rest is read.
 */
export async function readSmallBody(call: S3Call, max = MAX_XML_BODY, { xml = true }: { xml?: boolean } = {}): Promise<Buffer> {
  if (call.payload.length !== undefined && call.payload.length > max) throw new S3Error('MaxMessageLengthExceeded');
  const checks = readChecksumRequest(call.headers);
  const digests = new DigestStream(checks.algorithms, call.payload.sha256 !== undefined);
  const chunks: Buffer[] = [];
  const guard = xml ? new XmlGuard() : undefined;
  let size = 0;
  await pipeline(
    call.payload.body,
    digests,
    new Writable({
      write(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > max) return done(new S3Error('MaxMessageLengthExceeded'));
        const refused = guard?.write(chunk);
        if (refused) return done(refused);
        chunks.push(chunk);
        done();
      },
      final(done) {
        done(guard?.end());
      },
    }),
  );
  const result = await digests.result();
  if (call.payload.sha256 !== undefined && call.payload.sha256 !== result.sha256Hex) throw new S3Error('XAmzContentSHA256Mismatch');
  if (checks.contentMd5 !== undefined && checks.contentMd5 !== result.md5.toString('base64')) throw new S3Error('BadDigest');
  for (const [a, v] of Object.entries(expectedChecksums(checks, call.payload.trailers()))) {
    if (result.checksums[a as keyof typeof result.checksums] !== v) {
      throw new S3Error('BadDigest', { message: `The ${a.toUpperCase()} you specified did not match the calculated checksum.` });
    }
  }
  return Buffer.concat(chunks);
}
