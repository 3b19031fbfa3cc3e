import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { KmsService } from '../../../src/encryption/kms.service';
import { UsersService } from '../../../src/iam/users.service';
import { IntegrityService } from '../../../src/integrity/integrity.service';
import { cipherSize } from '../../../src/storage/package-cipher';
import { TenantsService } from '../../../src/tenants/tenants.service';
import { blobFilesOfSize, bytesOf, filesContaining, markedBody } from '../../support/blob-files';
import { ConsoleClient } from '../../support/console-client';
import { rawRequest } from '../../support/raw-request';
import { s3Fixture } from '../../support/s3-fixture';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, uniqueBucket } from '../../support/start-server';

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const ARN_RE = /^arn:aws:kms:[^:]+:000000000000:key\/[0-9a-f-]{36}$/;

const context = (o: Record<string, string>) => Buffer.from(JSON.stringify(o)).toString('base64');

describe('SSE-KMS (x-amz-server-side-encryption: aws:kms)', () => {
  const f = s3Fixture('kms');
  const bucket = f.bucket;
  const kms = () => f.server.app.app.get(KmsService);

  it('encrypts with the default key: no plaintext on disk, ARN and aws:kms headers, an ETag that is not the MD5', async () => {
    const { body, marker } = markedBody(200_001);
    const put = await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'default', Body: body, ServerSideEncryption: 'aws:kms' }));
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toMatch(ARN_RE);
    expect(put.ETag).not.toBe(`"${md5(body)}"`);
    expect(filesContaining(f.server.dataDir, marker)).toEqual([]);
    expect(blobFilesOfSize(f.server.dataDir, cipherSize(body.length)).length).toBeGreaterThanOrEqual(1);
    const keys = await kms().list();
    expect(keys.find((k) => k.isDefault)).toMatchObject({ alias: 'aws/s3', arn: put.SSEKMSKeyId });

    const get = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'default' }));
    expect(get).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: put.SSEKMSKeyId, ETag: put.ETag });
    expect((await bytesOf(get)).equals(body)).toBe(true);
    const head = await f.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'default' }));
    expect(head).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: put.SSEKMSKeyId, ContentLength: body.length });
    const range = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'default', Range: 'bytes=65530-131080' }));
    expect((await bytesOf(range)).equals(body.subarray(65530, 131081))).toBe(true);
  });

  it('uses a named key by id, ARN or alias, binds the encryption context, and answers the bucket key flag', async () => {
    const key = await kms().create({ alias: `app-${randomBytes(3).toString('hex')}`, description: 'test key' });
    const body = randomBytes(70_000);
    for (const [i, ref] of [key.keyId, key.arn, `alias/${key.alias}`].entries()) {
      const put = await f.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `named-${i}`,
          Body: body,
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: ref,
          SSEKMSEncryptionContext: context({ project: 'x', app: 'y' }),
          BucketKeyEnabled: true,
        }),
      );
      expect(put).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn, BucketKeyEnabled: true });
      expect(JSON.parse(Buffer.from(put.SSEKMSEncryptionContext!, 'base64').toString())).toEqual({ app: 'y', project: 'x' });
      const get = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `named-${i}` }));
      expect(get).toMatchObject({ SSEKMSKeyId: key.arn, BucketKeyEnabled: true });
      expect((await bytesOf(get)).equals(body)).toBe(true);
    }
    const bad = await rawRequest(f.server, {
      method: 'PUT',
      path: `/${bucket}/bad-context`,
      headers: { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-context': 'bm90IGpzb24=' },
      body: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('<Code>InvalidArgument</Code>');
  });

  it('answers KMS.NotFoundException for an unknown key and KMS.DisabledException for a disabled one (write and read)', async () => {
    await expect(
      f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'no-such-key' })),
    ).rejects.toMatchObject({ name: 'KMS.NotFoundException', $metadata: { httpStatusCode: 400 } });

    const key = await kms().create({});
    await f.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'to-disable', Body: 'secret', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.keyId }),
    );
    await kms().setEnabled(key.keyId, false);
    await expect(
      f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'y', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.keyId })),
    ).rejects.toMatchObject({ name: 'KMS.DisabledException', $metadata: { httpStatusCode: 400 } });
    const get = await rawRequest(f.server, { method: 'GET', path: `/${bucket}/to-disable` });
    expect(get.status).toBe(400);
    expect(get.body).toContain('<Code>KMS.DisabledException</Code>');
    await kms().setEnabled(key.keyId, true);
    const again = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'to-disable' }));
    expect((await bytesOf(again)).toString()).toBe('secret');
  });

  it('rotates a key: objects written before still decrypt, new ones use the new material', async () => {
    const key = await kms().create({});
    const before = randomBytes(10_000);
    await f.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'rot-before', Body: before, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.keyId }),
    );
    expect((await kms().rotate(key.keyId)).versions).toBe(2);
    const after = randomBytes(10_000);
    await f.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'rot-after', Body: after, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.keyId }),
    );
    expect((await bytesOf(await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'rot-before' })))).equals(before)).toBe(true);
    expect((await bytesOf(await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'rot-after' })))).equals(after)).toBe(true);
  });

  it('applies a bucket default of aws:kms with KMSMasterKeyID and BucketKeyEnabled', async () => {
    const b = uniqueBucket('kms-default');
    await f.s3.send(new CreateBucketCommand({ Bucket: b }));
    const key = await kms().create({});
    await f.s3.send(
      new PutBucketEncryptionCommand({
        Bucket: b,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.arn }, BucketKeyEnabled: true }],
        },
      }),
    );
    const cfg = await f.s3.send(new GetBucketEncryptionCommand({ Bucket: b }));
    expect(cfg.ServerSideEncryptionConfiguration?.Rules?.[0]).toMatchObject({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.arn },
      BucketKeyEnabled: true,
    });
    const put = await f.s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'by default' }));
    expect(put).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn, BucketKeyEnabled: true });
    await expect(
      f.s3.send(
        new PutBucketEncryptionCommand({
          Bucket: b,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'nope' } }],
          },
        }),
      ),
    ).rejects.toMatchObject({ name: 'KMS.NotFoundException' });
  });

  it('encrypts multipart uploads with the key; every step answers the KMS headers', async () => {
    const key = await kms().create({});
    const Key = 'kms-multi';
    const created = await f.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.keyId }),
    );
    expect(created).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn });
    const { body: p1, marker } = markedBody(5 * MiB);
    const p2 = randomBytes(100_000);
    const parts = [];
    for (const [i, b] of [p1, p2].entries()) {
      const up = await f.s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId: created.UploadId, PartNumber: i + 1, Body: b }));
      expect(up).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn });
      expect(up.ETag).not.toBe(`"${md5(b)}"`);
      parts.push({ ETag: up.ETag, PartNumber: i + 1 });
    }
    const done = await f.s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId: created.UploadId, MultipartUpload: { Parts: parts } }),
    );
    expect(done).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn });
    expect(filesContaining(f.server.dataDir, marker)).toEqual([]);
    expect((await bytesOf(await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key })))).equals(Buffer.concat([p1, p2]))).toBe(true);
  });

  it('copies between encryption modes and keys', async () => {
    const k1 = await kms().create({});
    const k2 = await kms().create({});
    const body = randomBytes(90_000);
    await f.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'c-src', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: k1.keyId }),
    );
    const toK2 = await f.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'c-k2',
        CopySource: `${bucket}/c-src`,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: k2.keyId,
      }),
    );
    expect(toK2).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: k2.arn });
    // The copy no longer depends on the source's key.
    await kms().setEnabled(k1.keyId, false);
    expect((await bytesOf(await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'c-k2' })))).equals(body)).toBe(true);
    await kms().setEnabled(k1.keyId, true);
    const toS3 = await f.s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'c-s3', CopySource: `${bucket}/c-src`, ServerSideEncryption: 'AES256' }),
    );
    expect(toS3.ServerSideEncryption).toBe('AES256');
    expect(toS3.CopyObjectResult?.ETag).toBe(`"${md5(body)}"`);
    const toPlain = await f.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'c-plain', CopySource: `${bucket}/c-src` }));
    expect(toPlain.ServerSideEncryption).toBeUndefined();
    expect((await bytesOf(await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'c-plain' })))).equals(body)).toBe(true);
    const back = await f.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'c-back',
        CopySource: `${bucket}/c-plain`,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: k2.arn,
      }),
    );
    expect(back.SSEKMSKeyId).toBe(k2.arn);
    expect((await bytesOf(await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'c-back' })))).equals(body)).toBe(true);
  });

  it('verifies SSE-KMS objects in the integrity check (decrypting every package)', async () => {
    const b = uniqueBucket('kms-verify');
    await f.s3.send(new CreateBucketCommand({ Bucket: b }));
    await f.s3.send(new PutObjectCommand({ Bucket: b, Key: 'v', Body: randomBytes(100_000), ServerSideEncryption: 'aws:kms' }));
    expect(await f.server.app.app.get(IntegrityService).verify(b)).toMatchObject({ versionsChecked: 1, passed: 1, failed: 0 });
  });

  it('policy conditions s3:x-amz-server-side-encryption = aws:kms and s3:x-amz-server-side-encryption-aws-kms-key-id', async () => {
    const suffix = randomBytes(3).toString('hex');
    const users = f.server.app.app.get(UsersService);
    await f.server.app.app.get(TenantsService).create(`kp-${suffix}`);
    await users.create({ username: `kim-${suffix}`, tenant: `kp-${suffix}`, role: 'tenant-admin' });
    const cred = await users.createKey(`kim-${suffix}`);
    const kim = f.server.client({ credentials: { accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretKey } });
    const key = await kms().create({});
    const own = uniqueBucket('kms-required');
    await kim.send(new CreateBucketCommand({ Bucket: own }));
    await kim.send(
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
              Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
            },
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::${own}/*`,
              Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': key.arn } },
            },
          ],
        }),
      }),
    );
    await expect(
      kim.send(new PutObjectCommand({ Bucket: own, Key: 'a', Body: 'x', ServerSideEncryption: 'AES256' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    const other = await kms().create({});
    await expect(
      kim.send(new PutObjectCommand({ Bucket: own, Key: 'b', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: other.arn })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    const ok = await kim.send(
      new PutObjectCommand({ Bucket: own, Key: 'c', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.arn }),
    );
    expect(ok.SSEKMSKeyId).toBe(key.arn);
    kim.destroy();
  });

  it('works from boto3 (put with key and context, head, get)', async () => {
    const key = await kms().create({});
    // Asynchronously: the server runs in this process.
    const { stdout: out } = await promisify(execFile)(
      'python3',
      [
        '-c',
        [
          'import boto3, base64, json, os',
          "c = boto3.client('s3', endpoint_url=os.environ['EP'], region_name=os.environ['RG'], aws_access_key_id=os.environ['AK'], aws_secret_access_key=os.environ['SK'], config=boto3.session.Config(s3={'addressing_style': 'path'}))",
          "ctx = base64.b64encode(json.dumps({'tenant': 'boto'}).encode()).decode()",
          "p = c.put_object(Bucket=os.environ['BK'], Key='boto-kms', Body=b'hello kms', ServerSideEncryption='aws:kms', SSEKMSKeyId=os.environ['KID'], SSEKMSEncryptionContext=ctx)",
          "h = c.head_object(Bucket=os.environ['BK'], Key='boto-kms')",
          "g = c.get_object(Bucket=os.environ['BK'], Key='boto-kms')",
          "print(json.dumps({'put': p['ServerSideEncryption'], 'putKey': p['SSEKMSKeyId'], 'head': h['ServerSideEncryption'], 'headKey': h['SSEKMSKeyId'], 'body': g['Body'].read().decode()}))",
        ].join('\n'),
      ],
      {
        env: {
          ...process.env,
          EP: f.server.endpoint,
          RG: f.server.region,
          AK: f.server.accessKey,
          SK: f.server.secretKey,
          BK: bucket,
          KID: key.keyId,
        },
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toEqual({ put: 'aws:kms', putKey: key.arn, head: 'aws:kms', headKey: key.arn, body: 'hello kms' });
  });

  it('manages keys through the console API (/api/v1/kms/keys)', async () => {
    const root = await new ConsoleClient(f.server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    const alias = `console-${randomBytes(3).toString('hex')}`;
    const created = await root.post('kms/keys', { alias, description: 'from the console' });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ alias: `alias/${alias}`, key_state: 'Enabled', versions: 1, is_default: false });
    const id = created.body.data.key_id as string;
    expect((await root.post('kms/keys', { alias })).status).toBe(409);
    expect((await root.get('kms/keys')).body.data.map((k: { key_id: string }) => k.key_id)).toContain(id);
    expect((await root.post(`kms/keys/${id}/rotate`)).body.data.versions).toBe(2);
    expect((await root.post(`kms/keys/${id}/disable`)).body.data.key_state).toBe('Disabled');
    expect((await root.post(`kms/keys/${id}/enable`)).body.data.enabled).toBe(true);
    expect((await root.get(`kms/keys/${encodeURIComponent(`alias/${alias}`)}`)).body.data.key_id).toBe(id);
    expect((await root.get('kms/keys/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });
});
