import { randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** No encryption at rest here: requests that ask for it are refused, never accepted silently. */
describe('server-side encryption requests', () => {
  let server: TestServer;
  let s3: S3Client;
  const bucket = uniqueBucket('sse');
  // 32 bytes: the SDK base64-encodes the key and adds its MD5.
  const customerKey = randomBytes(16).toString('hex');
  beforeAll(async () => {
    server = await startServer();
    s3 = server.client();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain.txt', Body: 'plain' }));
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  const notImplemented = { name: 'NotImplemented', $metadata: { httpStatusCode: 501 } };

  it('refuses SSE-S3, SSE-KMS and SSE-C uploads, and stores nothing', async () => {
    await expect(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse-s3', Body: 'x', ServerSideEncryption: 'AES256' })),
    ).rejects.toMatchObject(notImplemented);
    await expect(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse-kms', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'key-1' })),
    ).rejects.toMatchObject(notImplemented);
    await expect(
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'sse-c', Body: 'x', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey }),
      ),
    ).rejects.toMatchObject(notImplemented);
    await expect(
      s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'sse-mpu', ServerSideEncryption: 'AES256' })),
    ).rejects.toMatchObject(notImplemented);
    await expect(
      s3.send(
        new CopyObjectCommand({ Bucket: bucket, Key: 'sse-copy', CopySource: `${bucket}/plain.txt`, ServerSideEncryption: 'AES256' }),
      ),
    ).rejects.toMatchObject(notImplemented);
    const keys = (await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((o) => o.Key);
    expect(keys).toEqual(['plain.txt']);
  });

  it('refuses reads that carry a customer key, and serves plain reads', async () => {
    await expect(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain.txt', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey })),
    ).rejects.toMatchObject(notImplemented);
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain.txt', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 501 } });
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain.txt' }));
    expect(await got.Body!.transformToString()).toBe('plain');
    expect(got.ServerSideEncryption).toBeUndefined();
  });
});

describe('x-amz-storage-class', () => {
  let server: TestServer;
  let s3: S3Client;
  const bucket = uniqueBucket('class');
  beforeAll(async () => {
    server = await startServer();
    s3 = server.client();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  it('accepts the classes S3 knows (one tier here: stored and listed as STANDARD) and refuses others', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ia', Body: 'x', StorageClass: 'STANDARD_IA' }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.map((o) => [o.Key, o.StorageClass])).toEqual([['ia', 'STANDARD']]);
    expect(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ia' }))).Body!.transformToString()).toBe('x');
    await expect(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad', Body: 'x', StorageClass: 'NOT_A_CLASS' as never })),
    ).rejects.toMatchObject({
      name: 'InvalidStorageClass',
      $metadata: { httpStatusCode: 400 },
    });
    expect((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(1);
  });
});
