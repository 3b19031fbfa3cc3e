import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { filesContaining } from '../../support/blob-files';
import { rawRequest } from '../../support/raw-request';
import { s3Fixture } from '../../support/s3-fixture';

const MiB = 1024 * 1024;
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
/** 32 characters: the SDK base64-encodes the key and adds its MD5. */
const newKey = () => randomBytes(16).toString('hex');
const sse = (key: string) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: key });
const copySse = (key: string) => ({ CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: key });

async function bytesOf(res: { Body?: unknown }): Promise<Buffer> {
  return Buffer.from(await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

describe('SSE-C (customer-provided keys)', () => {
  // S3 takes SSE-C keys over HTTPS only; the test server speaks HTTP.
  const f = s3Fixture('ssec', { config: { sseCustomerKeyOverHttp: true } });
  const bucket = f.bucket;
  const key = newKey();
  const body = Buffer.concat([Buffer.from('SSE-C-PLAINTEXT-MARKER'), randomBytes(150_000)]);

  beforeAll(() => f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'c.bin', Body: body, ...sse(key) })));

  it('stores the object encrypted under the key, never the key itself, and answers a non-MD5 ETag', async () => {
    const put = await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'c2.bin', Body: body, ...sse(key) }));
    expect(put.SSECustomerAlgorithm).toBe('AES256');
    expect(put.SSECustomerKeyMD5).toBe(createHash('md5').update(key).digest('base64'));
    expect(put.ServerSideEncryption).toBeUndefined();
    expect(put.ETag).not.toBe(`"${md5(body)}"`);
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(filesContaining(f.server.dataDir, Buffer.from('SSE-C-PLAINTEXT-MARKER'))).toEqual([]);
    expect(filesContaining(f.server.dataDir, Buffer.from(key))).toEqual([]);
    expect(filesContaining(f.server.dataDir, Buffer.from(Buffer.from(key).toString('base64')))).toEqual([]);
  });

  it('reads with the right key (whole and ranged); no key is 400 InvalidRequest, a wrong key 403 AccessDenied', async () => {
    const get = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'c.bin', ...sse(key) }));
    expect(get.SSECustomerAlgorithm).toBe('AES256');
    expect(get.SSECustomerKeyMD5).toBe(createHash('md5').update(key).digest('base64'));
    expect((await bytesOf(get)).equals(body)).toBe(true);
    const ranged = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'c.bin', Range: 'bytes=70000-140000', ...sse(key) }));
    expect((await bytesOf(ranged)).equals(body.subarray(70000, 140001))).toBe(true);
    const head = await f.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'c.bin', ...sse(key) }));
    expect(head.ContentLength).toBe(body.length);

    await expect(f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'c.bin' }))).rejects.toMatchObject({
      name: 'InvalidRequest',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(f.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'c.bin' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
    });
    await expect(f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'c.bin', ...sse(newKey()) }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(f.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'c.bin', ...sse(newKey()) }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('refuses a key for an object stored without one, a key whose MD5 does not match, and a short key', async () => {
    await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'plain' }));
    await expect(f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain', ...sse(key) }))).rejects.toMatchObject({
      name: 'InvalidRequest',
      $metadata: { httpStatusCode: 400 },
    });
    const raw = Buffer.from(key);
    const badMd5 = await rawRequest(f.server, {
      method: 'GET',
      path: `/${bucket}/c.bin`,
      headers: {
        'x-amz-server-side-encryption-customer-algorithm': 'AES256',
        'x-amz-server-side-encryption-customer-key': raw.toString('base64'),
        'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update('other').digest('base64'),
      },
    });
    expect(badMd5.status).toBe(400);
    expect(badMd5.body).toContain('<Code>InvalidArgument</Code>');
    const short = Buffer.alloc(16, 1);
    const shortKey = await rawRequest(f.server, {
      method: 'PUT',
      path: `/${bucket}/short`,
      body: 'x',
      headers: {
        'x-amz-server-side-encryption-customer-algorithm': 'AES256',
        'x-amz-server-side-encryption-customer-key': short.toString('base64'),
        'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(short).digest('base64'),
      },
    });
    expect(shortKey.status).toBe(400);
    expect(shortKey.body).toContain('<Code>InvalidArgument</Code>');
    const badAlgorithm = await rawRequest(f.server, {
      method: 'PUT',
      path: `/${bucket}/alg`,
      body: 'x',
      headers: {
        'x-amz-server-side-encryption-customer-algorithm': 'AES128',
        'x-amz-server-side-encryption-customer-key': raw.toString('base64'),
        'x-amz-server-side-encryption-customer-key-md5': createHash('md5').update(raw).digest('base64'),
      },
    });
    expect(badAlgorithm.status).toBe(400);
    expect(badAlgorithm.body).toContain('<Code>InvalidEncryptionAlgorithmError</Code>');
  });

  it('copies with the copy-source key: to SSE-S3 (MD5 ETag), to another customer key, and refuses without it', async () => {
    await expect(f.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'nokey', CopySource: `${bucket}/c.bin` }))).rejects.toMatchObject({
      name: 'InvalidRequest',
      $metadata: { httpStatusCode: 400 },
    });

    const toS3 = await f.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'to-s3',
        CopySource: `${bucket}/c.bin`,
        ServerSideEncryption: 'AES256',
        ...copySse(key),
      }),
    );
    expect(toS3.ServerSideEncryption).toBe('AES256');
    expect(toS3.CopyObjectResult?.ETag).toBe(`"${md5(body)}"`);
    expect((await bytesOf(await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'to-s3' })))).equals(body)).toBe(true);

    const other = newKey();
    const rekeyed = await f.s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'rekeyed', CopySource: `${bucket}/c.bin`, ...copySse(key), ...sse(other) }),
    );
    expect(rekeyed.SSECustomerKeyMD5).toBe(createHash('md5').update(other).digest('base64'));
    expect((await bytesOf(await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'rekeyed', ...sse(other) })))).equals(body)).toBe(
      true,
    );
    await expect(f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'rekeyed', ...sse(key) }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });

  it('multipart: every part needs the upload key; parts copied from an SSE-C source need the source key', async () => {
    const Key = 'mp';
    const up = await f.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key, ...sse(key) }));
    expect(up.SSECustomerAlgorithm).toBe('AES256');
    const p1 = randomBytes(5 * MiB);
    await expect(
      f.s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId: up.UploadId, PartNumber: 1, Body: p1 })),
    ).rejects.toMatchObject({ name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } });
    const part1 = await f.s3.send(
      new UploadPartCommand({ Bucket: bucket, Key, UploadId: up.UploadId, PartNumber: 1, Body: p1, ...sse(key) }),
    );
    expect(part1.SSECustomerKeyMD5).toBe(createHash('md5').update(key).digest('base64'));
    expect(part1.ETag).not.toBe(`"${md5(p1)}"`);
    const part2 = await f.s3.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key,
        UploadId: up.UploadId,
        PartNumber: 2,
        CopySource: `${bucket}/c.bin`,
        CopySourceRange: 'bytes=0-99999',
        ...copySse(key),
        ...sse(key),
      }),
    );
    await f.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key,
        UploadId: up.UploadId,
        MultipartUpload: {
          Parts: [
            { ETag: part1.ETag, PartNumber: 1 },
            { ETag: part2.CopyPartResult?.ETag, PartNumber: 2 },
          ],
        },
      }),
    );
    const got = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key, ...sse(key) }));
    expect((await bytesOf(got)).equals(Buffer.concat([p1, body.subarray(0, 100000)]))).toBe(true);
    await expect(f.s3.send(new GetObjectCommand({ Bucket: bucket, Key }))).rejects.toMatchObject({ name: 'InvalidRequest' });
  });
});
