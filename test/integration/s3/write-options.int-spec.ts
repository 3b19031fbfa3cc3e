import { randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Fixture } from '../../support/s3-fixture';

/** Encryption requests the server does not take (see server-side-encryption.int-spec.ts and sse-c.int-spec.ts for the rest). */
describe('server-side encryption requests', () => {
  const f = s3Fixture('sse');
  const bucket = f.bucket;
  // 32 bytes: the SDK base64-encodes the key and adds its MD5.
  const customerKey = randomBytes(16).toString('hex');
  beforeAll(() => f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain.txt', Body: 'plain' })));

  it('refuses SSE-C keys over plain HTTP (InvalidRequest, as S3) and stores nothing', async () => {
    const insecure = { name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } };
    await expect(
      f.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'sse-c', Body: 'x', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey }),
      ),
    ).rejects.toMatchObject(insecure);
    await expect(
      f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain.txt', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey })),
    ).rejects.toMatchObject(insecure);
    await expect(
      f.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain.txt', SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    const keys = (await f.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((o) => o.Key);
    expect(keys).toEqual(['plain.txt']);
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
