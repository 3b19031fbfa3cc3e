import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectAttributesCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { rawRequest, xmlField } from '../../support/raw-request';
import { s3Fixture } from '../../support/s3-fixture';
import { uniqueBucket } from '../../support/start-server';

const MiB = 1024 * 1024;

describe('GetObjectAttributes', () => {
  const f = s3Fixture('attrs');
  const bucket = f.bucket;
  const body = randomBytes(1000);
  beforeAll(() => f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'single', Body: body, ChecksumAlgorithm: 'SHA256' })));

  it('answers ETag (unquoted), checksum, storage class and size of a single PUT, without parts', async () => {
    const res = await f.s3.send(
      new GetObjectAttributesCommand({
        Bucket: bucket,
        Key: 'single',
        ObjectAttributes: ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'],
      }),
    );
    expect(res.ETag).toBe(createHash('md5').update(body).digest('hex'));
    expect(res.Checksum?.ChecksumSHA256).toBe(createHash('sha256').update(body).digest('base64'));
    expect(res.StorageClass).toBe('STANDARD');
    expect(res.ObjectSize).toBe(1000);
    expect(res.ObjectParts).toBeUndefined();
    expect(res.LastModified).toBeInstanceOf(Date);
  });

  it('returns only what was asked for', async () => {
    const res = await f.s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'single', ObjectAttributes: ['ObjectSize'] }));
    expect(res.ObjectSize).toBe(1000);
    expect(res.ETag).toBeUndefined();
    expect(res.Checksum).toBeUndefined();
  });

  it('lists the parts of a multipart object, paginated by max-parts and part-number-marker', async () => {
    const Key = 'multi';
    const { UploadId } = await f.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    const sizes = [5 * MiB, 5 * MiB, 123];
    const Parts = [];
    for (const [i, size] of sizes.entries()) {
      const { ETag } = await f.s3.send(
        new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: i + 1, Body: randomBytes(size) }),
      );
      Parts.push({ ETag, PartNumber: i + 1 });
    }
    await f.s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts } }));
    const first = await f.s3.send(
      new GetObjectAttributesCommand({ Bucket: bucket, Key, ObjectAttributes: ['ObjectParts', 'ETag', 'ObjectSize'], MaxParts: 2 }),
    );
    expect(first.ETag).toMatch(/^[0-9a-f]{32}-3$/);
    expect(first.ObjectSize).toBe(10 * MiB + 123);
    expect(first.ObjectParts).toMatchObject({ TotalPartsCount: 3, MaxParts: 2, IsTruncated: true, NextPartNumberMarker: '2' });
    expect(first.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
      [1, 5 * MiB],
      [2, 5 * MiB],
    ]);
    const rest = await f.s3.send(
      new GetObjectAttributesCommand({ Bucket: bucket, Key, ObjectAttributes: ['ObjectParts'], PartNumberMarker: '2' }),
    );
    expect(rest.ObjectParts).toMatchObject({ TotalPartsCount: 3, IsTruncated: false });
    expect(rest.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[3, 123]]);
  });

  it('addresses versions, and answers 404 with the delete-marker header for a deleted key', async () => {
    const vb = uniqueBucket('attrsv');
    await f.s3.send(new CreateBucketCommand({ Bucket: vb }));
    await f.s3.send(new PutBucketVersioningCommand({ Bucket: vb, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = (await f.s3.send(new PutObjectCommand({ Bucket: vb, Key: 'k', Body: 'one' }))).VersionId;
    await f.s3.send(new PutObjectCommand({ Bucket: vb, Key: 'k', Body: 'three' }));
    const old = await f.s3.send(new GetObjectAttributesCommand({ Bucket: vb, Key: 'k', VersionId: v1, ObjectAttributes: ['ObjectSize'] }));
    expect(old).toMatchObject({ ObjectSize: 3, VersionId: v1 });
    await f.s3.send(new DeleteObjectCommand({ Bucket: vb, Key: 'k' }));
    await expect(
      f.s3.send(new GetObjectAttributesCommand({ Bucket: vb, Key: 'k', ObjectAttributes: ['ObjectSize'] })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('requires x-amz-object-attributes, with names S3 knows', async () => {
    const missing = await rawRequest(f.server, { method: 'GET', path: `/${bucket}/single`, query: [['attributes', '']] });
    expect(missing.status).toBe(400);
    expect(xmlField(missing.body, 'Code')).toBe('InvalidArgument');
    const unknown = await rawRequest(f.server, {
      method: 'GET',
      path: `/${bucket}/single`,
      query: [['attributes', '']],
      headers: { 'x-amz-object-attributes': 'ETag,Colour' },
    });
    expect(unknown.status).toBe(400);
    expect(xmlField(unknown.body, 'Code')).toBe('InvalidArgument');
  });
});
