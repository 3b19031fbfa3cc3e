import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  PutObjectTaggingCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  HeadBucketCommand,
  GetBucketAclCommand,
  PutBucketAclCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { rawRequest } from '../../support/raw-request';
import { UsersService } from '../../../src/iam/users.service';
import { s3Fixture } from '../../support/s3-fixture';
import { startServer, uniqueBucket } from '../../support/start-server';

const MiB = 1024 * 1024;

describe('AWS-exact answers', () => {
  const f = s3Fixture('exact');

  it('answers 200 to a second CreateBucket of your own bucket in us-east-1, resetting its ACL', async () => {
    await f.s3.send(new PutBucketAclCommand({ Bucket: f.bucket, ACL: 'public-read' }));
    await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'kept', Body: 'still here' }));
    const again = await f.s3.send(new CreateBucketCommand({ Bucket: f.bucket }));
    expect(again.$metadata.httpStatusCode).toBe(200);
    const acl = await f.s3.send(new GetBucketAclCommand({ Bucket: f.bucket }));
    expect(acl.Grants?.map((g) => g.Permission)).toEqual(['FULL_CONTROL']);
    expect(await (await f.s3.send(new GetObjectCommand({ Bucket: f.bucket, Key: 'kept' }))).Body!.transformToString()).toBe('still here');
    // Someone else's bucket stays a 409.
    const users = f.server.app.app.get(UsersService);
    await users.create({ username: `other-${f.bucket}`, role: 'admin' });
    const k = await users.createKey(`other-${f.bucket}`);
    const other = f.server.client({ credentials: { accessKeyId: k.accessKeyId, secretAccessKey: k.secretKey } });
    await expect(other.send(new CreateBucketCommand({ Bucket: f.bucket }))).rejects.toMatchObject({
      name: 'BucketAlreadyExists',
      $metadata: { httpStatusCode: 409 },
    });
    other.destroy();
  });

  it('answers BucketAlreadyOwnedByYou outside us-east-1', async () => {
    const server = await startServer({ config: { region: 'eu-west-1' } });
    const s3 = server.client();
    try {
      const bucket = uniqueBucket('eu');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await expect(s3.send(new CreateBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
        name: 'BucketAlreadyOwnedByYou',
        $metadata: { httpStatusCode: 409 },
      });
    } finally {
      s3.destroy();
      await server.close();
    }
  });

  it('completes a multipart upload again with the same parts, answering the same result', async () => {
    const Key = 'idem';
    const { UploadId } = await f.s3.send(new CreateMultipartUploadCommand({ Bucket: f.bucket, Key }));
    const p1 = await f.s3.send(new UploadPartCommand({ Bucket: f.bucket, Key, UploadId, PartNumber: 1, Body: randomBytes(5 * MiB) }));
    const p2 = await f.s3.send(new UploadPartCommand({ Bucket: f.bucket, Key, UploadId, PartNumber: 2, Body: 'tail' }));
    const parts = {
      Parts: [
        { PartNumber: 1, ETag: p1.ETag },
        { PartNumber: 2, ETag: p2.ETag },
      ],
    };
    const first = await f.s3.send(new CompleteMultipartUploadCommand({ Bucket: f.bucket, Key, UploadId, MultipartUpload: parts }));
    const second = await f.s3.send(new CompleteMultipartUploadCommand({ Bucket: f.bucket, Key, UploadId, MultipartUpload: parts }));
    expect(second.ETag).toBe(first.ETag);
    expect(second.Key).toBe(Key);
    expect((await f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key }))).ContentLength).toBe(5 * MiB + 4);
  });

  it('refuses UploadPart with a part number out of 1..10000 with InvalidArgument', async () => {
    const Key = 'range';
    const { UploadId } = await f.s3.send(new CreateMultipartUploadCommand({ Bucket: f.bucket, Key }));
    for (const PartNumber of [0, 10001]) {
      await expect(f.s3.send(new UploadPartCommand({ Bucket: f.bucket, Key, UploadId, PartNumber, Body: 'x' }))).rejects.toMatchObject({
        name: 'InvalidArgument',
        $metadata: { httpStatusCode: 400 },
      });
    }
  });

  it('refuses a bad UploadPartCopy range', async () => {
    await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'src', Body: '0123456789' }));
    const { UploadId } = await f.s3.send(new CreateMultipartUploadCommand({ Bucket: f.bucket, Key: 'dst' }));
    await expect(
      f.s3.send(
        new UploadPartCopyCommand({
          Bucket: f.bucket,
          Key: 'dst',
          UploadId,
          PartNumber: 1,
          CopySource: `${f.bucket}/src`,
          CopySourceRange: 'bytes=5-20',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRange', $metadata: { httpStatusCode: 416 } });
  });

  it('refuses a default retention of 0 days with InvalidRetentionPeriod', async () => {
    const bucket = uniqueBucket('lock');
    await f.s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    await expect(
      f.s3.send(
        new PutObjectLockConfigurationCommand({
          Bucket: bucket,
          ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 0 } } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRetentionPeriod', $metadata: { httpStatusCode: 400 } });
  });

  it('refuses an X-Amz-Expires past a week with 403 AuthorizationQueryParametersError', async () => {
    await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'pre', Body: 'x' }));
    const url = await getSignedUrl(f.s3, new GetObjectCommand({ Bucket: f.bucket, Key: 'pre' }), { expiresIn: 600 });
    const res = await fetch(url.replace('X-Amz-Expires=600', 'X-Amz-Expires=604801'));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AuthorizationQueryParametersError</Code>');
  });

  it('checks x-amz-expected-bucket-owner', async () => {
    await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'owned', Body: 'x' }));
    await expect(f.s3.send(new HeadBucketCommand({ Bucket: f.bucket, ExpectedBucketOwner: '111122223333' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    await expect(
      f.s3.send(new GetObjectCommand({ Bucket: f.bucket, Key: 'owned', ExpectedBucketOwner: '111122223333' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    await expect(
      f.s3.send(
        new CopyObjectCommand({
          Bucket: f.bucket,
          Key: 'pre-copy',
          CopySource: `${f.bucket}/owned`,
          ExpectedSourceBucketOwner: '111122223333',
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    // The owner's canonical id (as GetBucketAcl shows it) passes.
    const owner = (await f.s3.send(new GetBucketAclCommand({ Bucket: f.bucket }))).Owner!.ID!;
    const got = await f.s3.send(new GetObjectCommand({ Bucket: f.bucket, Key: 'owned', ExpectedBucketOwner: owner }));
    expect(await got.Body!.transformToString()).toBe('x');
    await f.s3.send(
      new CopyObjectCommand({ Bucket: f.bucket, Key: 'pre-copy', CopySource: `${f.bucket}/owned`, ExpectedSourceBucketOwner: owner }),
    );
  });

  it('returns tag sets sorted by key', async () => {
    await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'tags', Body: 'x' }));
    await f.s3.send(
      new PutObjectTaggingCommand({
        Bucket: f.bucket,
        Key: 'tags',
        Tagging: {
          TagSet: [
            { Key: 'zeta', Value: '1' },
            { Key: 'alpha', Value: '2' },
            { Key: 'mid', Value: '3' },
          ],
        },
      }),
    );
    const t = await f.s3.send(new GetObjectTaggingCommand({ Bucket: f.bucket, Key: 'tags' }));
    expect(t.TagSet?.map((x) => x.Key)).toEqual(['alpha', 'mid', 'zeta']);
  });

  it('stores Content-Encoding without aws-chunked', async () => {
    await f.s3.send(
      new PutObjectCommand({ Bucket: f.bucket, Key: 'enc', Body: 'gzipped?', ContentEncoding: 'gzip', ChecksumAlgorithm: 'CRC32' }),
    );
    expect((await f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key: 'enc' }))).ContentEncoding).toBe('gzip');
    // A streamed body goes out aws-chunked with a checksum trailer: Content-Encoding "gzip,aws-chunked".
    const body = Buffer.from('streamed and gzipped?');
    await f.s3.send(
      new PutObjectCommand({
        Bucket: f.bucket,
        Key: 'enc-stream',
        Body: Readable.from([body]),
        ContentLength: body.length,
        ContentEncoding: 'gzip',
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    expect((await f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key: 'enc-stream' }))).ContentEncoding).toBe('gzip');
    const raw = await rawRequest(f.server, {
      method: 'PUT',
      path: `/${f.bucket}/enc-raw`,
      headers: { 'content-encoding': 'aws-chunked,br', 'x-amz-decoded-content-length': '2' },
      body: '2\r\nhi\r\n0\r\n\r\n',
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    });
    expect(raw.status).toBe(200);
    const h = await f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key: 'enc-raw' }));
    expect(h.ContentEncoding).toBe('br');
  });

  it('answers x-amz-expiration on PutObject and CompleteMultipartUpload when a lifecycle rule applies', async () => {
    const bucket = uniqueBucket('lc');
    await f.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await f.s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: [{ ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } }] },
      }),
    );
    const put = await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'logs/a', Body: 'x' }));
    expect(put.Expiration).toMatch(/^expiry-date=".*", rule-id="logs"$/);
    const other = await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/a', Body: 'x' }));
    expect(other.Expiration).toBeUndefined();
    const { UploadId } = await f.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'logs/mp' }));
    const part = await f.s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'logs/mp', UploadId, PartNumber: 1, Body: 'x' }));
    const done = await f.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'logs/mp',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    expect(done.Expiration).toMatch(/^expiry-date=".*", rule-id="logs"$/);
  });

  it('gives writes in a versioning-suspended bucket the null version', async () => {
    const bucket = uniqueBucket('susp');
    await f.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await f.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v1' }));
    await f.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    const put = await f.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'null-1' }));
    expect(put.VersionId).toBe('null');
    const { UploadId } = await f.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'k' }));
    const p = await f.s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'k', UploadId, PartNumber: 1, Body: 'null-2' }));
    const done = await f.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'k',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag }] },
      }),
    );
    expect(done.VersionId).toBe('null');
    const versions = await f.s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect(versions.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      ['null', true],
      [v1.VersionId, false],
    ]);
    const got = await f.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', VersionId: 'null' }));
    expect(await got.Body!.transformToString()).toBe('null-2');
  });

  it('answers BadDigest for a wrong x-amz-checksum-*', async () => {
    const wrong = createHash('sha256').update('something else').digest('base64');
    await expect(
      f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'bad-sum', Body: 'payload', ChecksumSHA256: wrong })),
    ).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
  });
});
