import { randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { s3Fixture } from '../../support/s3-fixture';

/** No encryption at rest here: requests that ask for it are refused, never accepted silently. */
describe('server-side encryption requests', () => {
  const f = s3Fixture('sse');
  const bucket = f.bucket;
  // 32 bytes: the SDK base64-encodes the key and adds its MD5.
  const customerKey = randomBytes(16).toString('hex');
  beforeAll(() => f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain.txt', Body: 'plain' })));

  const notImplemented = { name: 'NotImplemented', $metadata: { httpStatusCode: 501 } };

  it('refuses SSE-S3, SSE-KMS and SSE-C uploads, and stores nothing', async () => {
    await expect(
      f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse-s3', Body: 'x', ServerSideEncryption: 'AES256' })),
    ).rejects.toMatchObject(notImplemented);
    await expect(
      f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse-kms', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'key-1' })),
    ).rejects.toMatchObject(notImplemented);
    await expect(
      f.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'sse-c', Body: 'x', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey }),
      ),
    ).rejects.toMatchObject(notImplemented);
    await expect(
      f.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'sse-mpu', ServerSideEncryption: 'AES256' })),
    ).rejects.toMatchObject(notImplemented);
    await expect(
      f.s3.send(
        new CopyObjectCommand({ Bucket: bucket, Key: 'sse-copy', CopySource: `${bucket}/plain.txt`, ServerSideEncryption: 'AES256' }),
      ),
    ).rejects.toMatchObject(notImplemented);
    const keys = (await f.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((o) => o.Key);
    expect(keys).toEqual(['plain.txt']);
  });

  it('refuses reads that carry a customer key, and serves plain reads', async () => {
    await expect(
      f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain.txt', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey })),
    ).rejects.toMatchObject(notImplemented);
    await expect(
      f.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain.txt', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 501 } });
    const got = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain.txt' }));
    expect(await got.Body!.transformToString()).toBe('plain');
    expect(got.ServerSideEncryption).toBeUndefined();
  });
});

describe('x-amz-storage-class', () => {
  const f = s3Fixture('class');
  const bucket = f.bucket;

  it('accepts the classes S3 knows (one tier here: stored and listed as STANDARD) and refuses others', async () => {
    await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ia', Body: 'x', StorageClass: 'STANDARD_IA' }));
    const listed = await f.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.map((o) => [o.Key, o.StorageClass])).toEqual([['ia', 'STANDARD']]);
    expect(await (await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ia' }))).Body!.transformToString()).toBe('x');
    await expect(
      f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad', Body: 'x', StorageClass: 'NOT_A_CLASS' as never })),
    ).rejects.toMatchObject({
      name: 'InvalidStorageClass',
      $metadata: { httpStatusCode: 400 },
    });
    expect((await f.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(1);
  });
});
