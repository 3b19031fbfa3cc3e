import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { UsersService } from '../../../src/iam/users.service';
import { IntegrityService } from '../../../src/integrity/integrity.service';
import { cipherSize } from '../../../src/storage/package-cipher';
import { TenantsService } from '../../../src/tenants/tenants.service';
import { blobFilesOfSize, bytesOf, filesContaining, markedBody } from '../../support/blob-files';
import { rawRequest } from '../../support/raw-request';
import { s3Fixture } from '../../support/s3-fixture';
import { uniqueBucket } from '../../support/start-server';

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('SSE-S3 (x-amz-server-side-encryption: AES256)', () => {
  const f = s3Fixture('sse');
  const bucket = f.bucket;

  it('stores the object encrypted: no plaintext on disk, same bytes, size and MD5 ETag back, AES256 headers', async () => {
    const { body, marker } = markedBody(300_001);
    const put = await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'secret.bin', Body: body, ServerSideEncryption: 'AES256' }));
    expect(put.ServerSideEncryption).toBe('AES256');
    expect(put.ETag).toBe(`"${md5(body)}"`);
    expect(filesContaining(f.server.dataDir, marker)).toEqual([]);
    expect(blobFilesOfSize(f.server.dataDir, cipherSize(body.length)).length).toBe(1);

    const get = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'secret.bin' }));
    expect(get.ServerSideEncryption).toBe('AES256');
    expect(get.ContentLength).toBe(body.length);
    expect(get.ETag).toBe(`"${md5(body)}"`);
    expect((await bytesOf(get)).equals(body)).toBe(true);
    const head = await f.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'secret.bin' }));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(head.ContentLength).toBe(body.length);
  });

  it('serves ranges (inside one package, across packages, suffix) from the encrypted blob', async () => {
    const body = randomBytes(5 * 65536 + 123);
    await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranged', Body: body, ServerSideEncryption: 'AES256' }));
    for (const [range, s, e] of [
      ['bytes=0-0', 0, 0],
      ['bytes=65530-65545', 65530, 65545],
      ['bytes=131072-262143', 131072, 262143],
      ['bytes=-100', body.length - 100, body.length - 1],
      ['bytes=300000-', 300000, body.length - 1],
    ] as const) {
      const res = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranged', Range: range }));
      expect(res.ContentRange).toBe(`bytes ${s}-${e}/${body.length}`);
      expect((await bytesOf(res)).equals(body.subarray(s, e + 1))).toBe(true);
    }
  });

  it('encrypts each part of a multipart upload; GET, ranges across parts and partNumber decrypt', async () => {
    const Key = 'multi';
    const created = await f.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key, ServerSideEncryption: 'AES256' }));
    expect(created.ServerSideEncryption).toBe('AES256');
    const { body: p1, marker } = markedBody(5 * MiB);
    const p2 = randomBytes(777_777);
    const parts = [];
    for (const [i, b] of [p1, p2].entries()) {
      const up = await f.s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId: created.UploadId, PartNumber: i + 1, Body: b }));
      expect(up.ServerSideEncryption).toBe('AES256');
      expect(up.ETag).toBe(`"${md5(b)}"`);
      parts.push({ ETag: up.ETag, PartNumber: i + 1 });
    }
    const done = await f.s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId: created.UploadId, MultipartUpload: { Parts: parts } }),
    );
    expect(done.ServerSideEncryption).toBe('AES256');
    expect(filesContaining(f.server.dataDir, marker)).toEqual([]);
    const whole = Buffer.concat([p1, p2]);
    expect((await bytesOf(await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key })))).equals(whole)).toBe(true);
    const across = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key, Range: `bytes=${5 * MiB - 10}-${5 * MiB + 10}` }));
    expect((await bytesOf(across)).equals(whole.subarray(5 * MiB - 10, 5 * MiB + 11))).toBe(true);
    const part2 = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key, PartNumber: 2 }));
    expect((await bytesOf(part2)).equals(p2)).toBe(true);
  });

  it('fails a GET of a tampered blob instead of serving wrong bytes', async () => {
    const b = uniqueBucket('tamper');
    await f.s3.send(new CreateBucketCommand({ Bucket: b }));
    const body = randomBytes(200_003);
    await f.s3.send(new PutObjectCommand({ Bucket: b, Key: 'x', Body: body, ServerSideEncryption: 'AES256' }));
    const [file] = blobFilesOfSize(f.server.dataDir, cipherSize(body.length));
    const bytes = readFileSync(file);
    bytes[100] ^= 0x01;
    writeFileSync(file, bytes);
    const res = await rawRequest(f.server, { method: 'GET', path: `/${b}/x` });
    expect(res.status).toBe(500);
    expect(res.body).toContain('<Code>InternalError</Code>');
    // A range in an untouched package still decrypts: only the packages a range needs are read.
    const tail = await f.s3.send(new GetObjectCommand({ Bucket: b, Key: 'x', Range: 'bytes=200000-200002' }));
    expect((await bytesOf(tail)).equals(body.subarray(200000))).toBe(true);
  });

  it('copies between plain and encrypted in both directions, keeping bytes and the MD5 ETag', async () => {
    const body = randomBytes(100_000);
    await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: body }));
    const toEnc = await f.s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'enc-copy', CopySource: `${bucket}/plain`, ServerSideEncryption: 'AES256' }),
    );
    expect(toEnc.ServerSideEncryption).toBe('AES256');
    expect(toEnc.CopyObjectResult?.ETag).toBe(`"${md5(body)}"`);
    const enc = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'enc-copy' }));
    expect(enc.ServerSideEncryption).toBe('AES256');
    expect((await bytesOf(enc)).equals(body)).toBe(true);

    const b2 = uniqueBucket('sse-dst');
    await f.s3.send(new CreateBucketCommand({ Bucket: b2 }));
    const toPlain = await f.s3.send(new CopyObjectCommand({ Bucket: b2, Key: 'back', CopySource: `${bucket}/enc-copy` }));
    expect(toPlain.ServerSideEncryption).toBeUndefined();
    const plain = await f.s3.send(new GetObjectCommand({ Bucket: b2, Key: 'back' }));
    expect(plain.ServerSideEncryption).toBeUndefined();
    expect((await bytesOf(plain)).equals(body)).toBe(true);

    // Encrypting an object in place (copy onto itself with only the encryption changed) is allowed, as in S3.
    await f.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'plain', CopySource: `${bucket}/plain`, ServerSideEncryption: 'AES256' }));
    const head = await f.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain' }));
    expect(head.ServerSideEncryption).toBe('AES256');
  });

  it('refuses an unknown algorithm, and an SSE header on a GET, with InvalidArgument', async () => {
    const bad = await rawRequest(f.server, {
      method: 'PUT',
      path: `/${bucket}/bad`,
      body: 'x',
      headers: { 'x-amz-server-side-encryption': 'AES512' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('<Code>InvalidArgument</Code>');
    const onGet = await rawRequest(f.server, {
      method: 'GET',
      path: `/${bucket}/secret.bin`,
      headers: { 'x-amz-server-side-encryption': 'AES256' },
    });
    expect(onGet.status).toBe(400);
    expect(onGet.body).toContain('<Code>InvalidArgument</Code>');
  });
});

describe('bucket default encryption (Put/Get/DeleteBucketEncryption)', () => {
  const f = s3Fixture('bkt-enc');
  const bucket = f.bucket;

  it('answers ServerSideEncryptionConfigurationNotFoundError when none is set', async () => {
    await expect(f.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'ServerSideEncryptionConfigurationNotFoundError',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('stores the rule, encrypts new objects that ask for nothing, and stops after DeleteBucketEncryption', async () => {
    await f.s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }],
        },
      }),
    );
    const got = await f.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    expect(got.ServerSideEncryptionConfiguration?.Rules).toEqual([
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true },
    ]);
    const { body, marker } = markedBody(70_000);
    const put = await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'by-default', Body: body }));
    expect(put.ServerSideEncryption).toBe('AES256');
    expect(filesContaining(f.server.dataDir, marker)).toEqual([]);
    const get = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'by-default' }));
    expect((await bytesOf(get)).equals(body)).toBe(true);

    const del = await f.s3.send(new DeleteBucketEncryptionCommand({ Bucket: bucket }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    const later = markedBody(1000);
    const plainPut = await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'after', Body: later.body }));
    expect(plainPut.ServerSideEncryption).toBeUndefined();
    expect(filesContaining(f.server.dataDir, later.marker).length).toBe(1);
  });

  it('refuses a configuration that is not AES256 or aws:kms', async () => {
    await expect(
      f.s3.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket,
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'DES' as 'AES256' } }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
  });
});

describe('policy condition s3:x-amz-server-side-encryption', () => {
  const f = s3Fixture('sse-policy');

  it('lets a bucket policy refuse uploads that do not ask for SSE-S3', async () => {
    const suffix = randomBytes(3).toString('hex');
    const users = f.server.app.app.get(UsersService);
    await f.server.app.app.get(TenantsService).create(`sp-${suffix}`);
    await users.create({ username: `tina-${suffix}`, tenant: `sp-${suffix}`, role: 'tenant-admin' });
    const key = await users.createKey(`tina-${suffix}`);
    const tina = f.server.client({ credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretKey } });
    const own = uniqueBucket('sse-required');
    await tina.send(new CreateBucketCommand({ Bucket: own }));
    await tina.send(
      new PutBucketPolicyCommand({
        Bucket: own,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::${own}/*`,
              Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } },
            },
          ],
        }),
      }),
    );
    await expect(tina.send(new PutObjectCommand({ Bucket: own, Key: 'plain', Body: 'x' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    const ok = await tina.send(new PutObjectCommand({ Bucket: own, Key: 'enc', Body: 'x', ServerSideEncryption: 'AES256' }));
    expect(ok.ServerSideEncryption).toBe('AES256');
    tina.destroy();
  });
});

describe('integrity verification of encrypted objects', () => {
  const f = s3Fixture('sse-integrity', { config: { sseCustomerKeyOverHttp: true } });

  it('decrypts SSE-S3 blobs to check them, checks SSE-C blobs by size, and reports a tampered blob', async () => {
    const b = uniqueBucket('sse-verify');
    await f.s3.send(new CreateBucketCommand({ Bucket: b }));
    const body = randomBytes(150_001);
    await f.s3.send(new PutObjectCommand({ Bucket: b, Key: 's3', Body: body, ServerSideEncryption: 'AES256' }));
    const customerKey = randomBytes(16).toString('hex');
    await f.s3.send(
      new PutObjectCommand({ Bucket: b, Key: 'c', Body: randomBytes(1000), SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey }),
    );
    const integrity = f.server.app.app.get(IntegrityService);
    const clean = await integrity.verify(b);
    expect(clean).toMatchObject({ versionsChecked: 2, passed: 2, failed: 0 });

    // A second bucket shares the blob (an SSE-S3 copy is a hard link): verified after tampering, outside the rate limit.
    const b2 = uniqueBucket('sse-verify2');
    await f.s3.send(new CreateBucketCommand({ Bucket: b2 }));
    await f.s3.send(new CopyObjectCommand({ Bucket: b2, Key: 's3', CopySource: `${b}/s3`, ServerSideEncryption: 'AES256' }));
    const [file] = blobFilesOfSize(f.server.dataDir, cipherSize(body.length));
    const bytes = readFileSync(file);
    bytes[bytes.length - 5] ^= 0x01;
    writeFileSync(file, bytes);
    const report = await integrity.verify(b2);
    expect(report).toMatchObject({ failed: 1 });
    expect(report.failures[0]).toMatchObject({ key: 's3', problem: 'read_error' });
  });
});
