import { createHash, randomBytes } from 'node:crypto';
import {
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { s3Fixture } from '../../support/s3-fixture';

const MiB = 1024 * 1024;
const digest = (alg: 'sha1' | 'sha256', data: Buffer) => createHash(alg).update(data).digest();

describe('checksums: BadDigest, composite multipart checksums, checksum type, part checksums', () => {
  const f = s3Fixture('sums');

  it('answers BadDigest for a wrong x-amz-checksum-* and stores nothing', async () => {
    for (const [alg, field] of [
      ['sha1', 'ChecksumSHA1'],
      ['sha256', 'ChecksumSHA256'],
    ] as const) {
      const wrong = digest(alg, Buffer.from('something else')).toString('base64');
      await expect(
        f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: `bad-${alg}`, Body: 'payload', [field]: wrong })),
      ).rejects.toMatchObject({
        name: 'BadDigest',
        $metadata: { httpStatusCode: 400 },
      });
      await expect(f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key: `bad-${alg}` }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
    }
  });

  it('returns FULL_OBJECT as the checksum type of a single PUT', async () => {
    const body = Buffer.from('single put');
    await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'single', Body: body, ChecksumAlgorithm: 'SHA256' }));
    const head = await f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key: 'single', ChecksumMode: 'ENABLED' }));
    expect([head.ChecksumSHA256, head.ChecksumType]).toEqual([digest('sha256', body).toString('base64'), 'FULL_OBJECT']);
  });

  it.each([
    ['SHA1', 'sha1', 'ChecksumSHA1'],
    ['SHA256', 'sha256', 'ChecksumSHA256'],
  ] as const)('completes a %s COMPOSITE multipart upload and keeps every part checksum', async (algorithm, alg, field) => {
    const Key = `composite-${alg}`;
    const create = await f.s3.send(
      new CreateMultipartUploadCommand({
        Bucket: f.bucket,
        Key,
        ChecksumAlgorithm: algorithm as ChecksumAlgorithm,
        ChecksumType: 'COMPOSITE',
      }),
    );
    expect([create.ChecksumAlgorithm, create.ChecksumType]).toEqual([algorithm, 'COMPOSITE']);
    const UploadId = create.UploadId;
    const bodies = [randomBytes(5 * MiB), randomBytes(1000)];
    const Parts = [];
    for (const [i, Body] of bodies.entries()) {
      const part = await f.s3.send(
        new UploadPartCommand({
          Bucket: f.bucket,
          Key,
          UploadId,
          PartNumber: i + 1,
          Body,
          ChecksumAlgorithm: algorithm as ChecksumAlgorithm,
        }),
      );
      expect(part[field]).toBe(digest(alg, Body).toString('base64'));
      Parts.push({ PartNumber: i + 1, ETag: part.ETag, [field]: part[field] });
    }
    const listed = await f.s3.send(new ListPartsCommand({ Bucket: f.bucket, Key, UploadId }));
    expect(listed.Parts?.map((p) => p[field])).toEqual(bodies.map((b) => digest(alg, b).toString('base64')));
    expect(listed.ChecksumType).toBe('COMPOSITE');

    const done = await f.s3.send(new CompleteMultipartUploadCommand({ Bucket: f.bucket, Key, UploadId, MultipartUpload: { Parts } }));
    const composite = `${createHash(alg)
      .update(Buffer.concat(bodies.map((b) => digest(alg, b))))
      .digest('base64')}-2`;
    expect([done[field], done.ChecksumType]).toEqual([composite, 'COMPOSITE']);

    const head = await f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key, ChecksumMode: 'ENABLED' }));
    expect([head[field], head.ChecksumType]).toEqual([composite, 'COMPOSITE']);
    const got = await f.s3.send(new GetObjectCommand({ Bucket: f.bucket, Key, ChecksumMode: 'ENABLED' }));
    expect([got[field], got.ChecksumType]).toEqual([composite, 'COMPOSITE']);
    await got.Body!.transformToByteArray();
    // The part's own checksum, as S3 answers a GET/HEAD of one part.
    const part1 = await f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key, PartNumber: 1, ChecksumMode: 'ENABLED' }));
    expect(part1[field]).toBe(digest(alg, bodies[0]).toString('base64'));

    const attrs = await f.s3.send(new GetObjectAttributesCommand({ Bucket: f.bucket, Key, ObjectAttributes: ['Checksum', 'ObjectParts'] }));
    expect(attrs.Checksum?.[field]).toBe(composite);
    expect(attrs.Checksum?.ChecksumType).toBe('COMPOSITE');
    expect(attrs.ObjectParts?.Parts?.map((p) => [p.PartNumber, p[field]])).toEqual(
      bodies.map((b, i) => [i + 1, digest(alg, b).toString('base64')]),
    );
  });

  it('stores FULL_OBJECT for a CRC32 multipart upload asked so', async () => {
    const Key = 'full-crc32';
    const create = await f.s3.send(
      new CreateMultipartUploadCommand({ Bucket: f.bucket, Key, ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT' }),
    );
    expect(create.ChecksumType).toBe('FULL_OBJECT');
    const part = await f.s3.send(
      new UploadPartCommand({ Bucket: f.bucket, Key, UploadId: create.UploadId, PartNumber: 1, Body: 'abc', ChecksumAlgorithm: 'CRC32' }),
    );
    const done = await f.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: f.bucket,
        Key,
        UploadId: create.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32 }] },
      }),
    );
    expect(done.ChecksumType).toBe('FULL_OBJECT');
    const head = await f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key, ChecksumMode: 'ENABLED' }));
    expect([head.ChecksumCRC32, head.ChecksumType]).toEqual([part.ChecksumCRC32, 'FULL_OBJECT']);
    const attrs = await f.s3.send(new GetObjectAttributesCommand({ Bucket: f.bucket, Key, ObjectAttributes: ['Checksum'] }));
    expect(attrs.Checksum?.ChecksumType).toBe('FULL_OBJECT');
  });
});
