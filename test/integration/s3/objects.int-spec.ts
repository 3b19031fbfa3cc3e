import { createHash, randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

describe('object operations', () => {
  let server: TestServer;
  let s3: S3Client;
  let bucket: string;
  beforeAll(async () => {
    server = await startServer();
    s3 = server.client();
    bucket = uniqueBucket();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  const get = async (key: string, extra: Partial<ConstructorParameters<typeof GetObjectCommand>[0]> = {}) => {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...extra }));
    return { res, body: Buffer.from(await res.Body!.transformToByteArray()) };
  };

  it('round-trips bytes, metadata and system headers', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'docs/report.bin',
        Body: data,
        ContentType: 'application/x-test',
        CacheControl: 'max-age=60',
        ContentDisposition: 'attachment; filename="r.bin"',
        ContentEncoding: 'identity',
        Expires: new Date('2030-01-01T00:00:00Z'),
        Metadata: { owner: 'alice', 'project-id': '42' },
      }),
    );
    const md5 = createHash('md5').update(data).digest('hex');
    expect(put.ETag).toBe(`"${md5}"`);
    const { res, body } = await get('docs/report.bin');
    expect(sha256(body)).toBe(sha256(data));
    expect(res.ContentLength).toBe(data.length);
    expect(res.ContentType).toBe('application/x-test');
    expect(res.CacheControl).toBe('max-age=60');
    expect(res.ContentDisposition).toBe('attachment; filename="r.bin"');
    expect(res.ContentEncoding).toBe('identity');
    expect(res.ExpiresString ?? res.Expires?.toUTCString()).toContain('2030');
    expect(res.Metadata).toEqual({ owner: 'alice', 'project-id': '42' });
    expect(res.ETag).toBe(`"${md5}"`);
    expect(res.AcceptRanges).toBe('bytes');

    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'docs/report.bin' }));
    expect(head.ContentLength).toBe(data.length);
    expect(head.Metadata).toEqual({ owner: 'alice', 'project-id': '42' });
    expect(head.LastModified).toBeInstanceOf(Date);
  });

  it('stores an empty object', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'empty', Body: '' }));
    const { res, body } = await get('empty');
    expect(body.length).toBe(0);
    expect(res.ETag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
  });

  it('serves ranges: closed, open, suffix; 416 when unsatisfiable', async () => {
    const data = Buffer.from('0123456789abcdefghij');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'range.txt', Body: data }));
    const a = await get('range.txt', { Range: 'bytes=2-5' });
    expect(a.body.toString()).toBe('2345');
    expect(a.res.$metadata.httpStatusCode).toBe(206);
    expect(a.res.ContentRange).toBe('bytes 2-5/20');
    expect((await get('range.txt', { Range: 'bytes=15-' })).body.toString()).toBe('fghij');
    expect((await get('range.txt', { Range: 'bytes=-3' })).body.toString()).toBe('hij');
    expect((await get('range.txt', { Range: 'bytes=18-1000' })).body.toString()).toBe('ij');
    await expect(get('range.txt', { Range: 'bytes=20-' })).rejects.toMatchObject({
      name: 'InvalidRange',
      $metadata: { httpStatusCode: 416 },
    });
  });

  it('evaluates conditional reads: 304 and 412', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond.txt', Body: 'conditional' }));
    const etag = put.ETag!;
    expect((await get('cond.txt', { IfMatch: etag })).body.toString()).toBe('conditional');
    await expect(get('cond.txt', { IfMatch: '"nope"' })).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await expect(get('cond.txt', { IfNoneMatch: etag })).rejects.toMatchObject({ $metadata: { httpStatusCode: 304 } });
    const future = new Date(Date.now() + 3600_000);
    const past = new Date(Date.now() - 3600_000);
    await expect(get('cond.txt', { IfModifiedSince: future })).rejects.toMatchObject({ $metadata: { httpStatusCode: 304 } });
    expect((await get('cond.txt', { IfModifiedSince: past })).res.$metadata.httpStatusCode).toBe(200);
    await expect(get('cond.txt', { IfUnmodifiedSince: past })).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    // If-Match true wins over If-Unmodified-Since false, as S3 documents.
    expect((await get('cond.txt', { IfMatch: etag, IfUnmodifiedSince: past })).res.$metadata.httpStatusCode).toBe(200);
  });

  it('applies response-* overrides', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'override.txt', Body: 'x', ContentType: 'text/plain' }));
    const { res } = await get('override.txt', {
      ResponseContentType: 'application/json',
      ResponseContentDisposition: 'inline',
      ResponseCacheControl: 'no-cache',
    });
    expect(res.ContentType).toBe('application/json');
    expect(res.ContentDisposition).toBe('inline');
    expect(res.CacheControl).toBe('no-cache');
  });

  it('honours If-None-Match: * and If-Match on writes', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once.txt', Body: 'first', IfNoneMatch: '*' }));
    await expect(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once.txt', Body: 'second', IfNoneMatch: '*' })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    expect((await get('once.txt')).body.toString()).toBe('first');
    await expect(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once.txt', Body: 'x', IfMatch: '"0000"' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'once.txt' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once.txt', Body: 'third', IfMatch: head.ETag }));
    expect((await get('once.txt')).body.toString()).toBe('third');
  });

  it('answers NoSuchKey for a missing key, 404 for HEAD', async () => {
    await expect(get('missing')).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'missing' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('deletes objects idempotently and in bulk (quiet and verbose)', async () => {
    for (const k of ['d/1', 'd/2', 'd/3']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
    const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd/1' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect((await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd/1' }))).$metadata.httpStatusCode).toBe(204);
    const bulk = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'd/2' }, { Key: 'd/404' }] } }));
    expect(bulk.Deleted?.map((d) => d.Key).sort()).toEqual(['d/2', 'd/404']);
    expect(bulk.Errors ?? []).toEqual([]);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'd/3' }], Quiet: true } }));
    expect(quiet.Deleted ?? []).toEqual([]);
    await expect(get('d/3')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('copies objects: COPY and REPLACE directives, across buckets, conditions, onto itself', async () => {
    const other = uniqueBucket();
    await s3.send(new CreateBucketCommand({ Bucket: other }));
    const data = randomBytes(100_000);
    const put = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'src.bin', Body: data, ContentType: 'image/png', Metadata: { a: '1' } }),
    );
    const copy = await s3.send(new CopyObjectCommand({ Bucket: other, Key: 'dst.bin', CopySource: `${bucket}/src.bin` }));
    expect(copy.CopyObjectResult?.ETag).toBe(put.ETag);
    const copied = await s3.send(new GetObjectCommand({ Bucket: other, Key: 'dst.bin' }));
    expect(sha256(await copied.Body!.transformToByteArray())).toBe(sha256(data));
    expect(copied.ContentType).toBe('image/png');
    expect(copied.Metadata).toEqual({ a: '1' });

    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'src.bin',
        CopySource: `${bucket}/src.bin`,
        MetadataDirective: 'REPLACE',
        ContentType: 'text/plain',
        Metadata: { b: '2' },
      }),
    );
    const replaced = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'src.bin' }));
    expect(replaced.ContentType).toBe('text/plain');
    expect(replaced.Metadata).toEqual({ b: '2' });

    await expect(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src.bin', CopySource: `${bucket}/src.bin` }))).rejects.toMatchObject(
      {
        name: 'InvalidRequest',
        $metadata: { httpStatusCode: 400 },
      },
    );
    await expect(
      s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'x', CopySource: `${bucket}/src.bin`, CopySourceIfMatch: '"other"' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await expect(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'x', CopySource: `${bucket}/nothing` }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    // The copy shares bytes with its source: deleting the source leaves the copy intact.
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'src.bin' }));
    const again = await s3.send(new GetObjectCommand({ Bucket: other, Key: 'dst.bin' }));
    expect(sha256(await again.Body!.transformToByteArray())).toBe(sha256(data));
  });

  it('verifies checksums sent by the SDK and returns them with ChecksumMode', async () => {
    for (const algorithm of ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const) {
      const key = `sum-${algorithm}`;
      const put = await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: randomBytes(70_000), ChecksumAlgorithm: algorithm }),
      );
      const field = `Checksum${algorithm}` as const;
      expect(put[field]).toBeTruthy();
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      expect(head[field]).toBe(put[field]);
      const { res } = await get(key, { ChecksumMode: 'ENABLED' });
      expect(res[field]).toBe(put[field]);
    }
  });

  it('rejects a wrong Content-MD5 or checksum header and stores nothing', async () => {
    await expect(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad-md5', Body: 'hello', ContentMD5: Buffer.alloc(16).toString('base64') })),
    ).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    await expect(get('bad-md5')).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad-crc', Body: 'hello', ChecksumCRC32: 'AAAAAA==' })),
    ).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    await expect(get('bad-crc')).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad-md5-format', Body: 'hello', ContentMD5: 'not-base64!' })),
    ).rejects.toMatchObject({ name: 'InvalidDigest' });
  });

  it('serves presigned GET and PUT URLs to plain HTTP, and refuses expired or tampered ones', async () => {
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: 'presigned/file.txt' }), { expiresIn: 300 });
    const up = await fetch(putUrl, { method: 'PUT', body: 'via presigned put' });
    expect(up.status).toBe(200);
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'presigned/file.txt' }), { expiresIn: 300 });
    const down = await fetch(getUrl);
    expect(down.status).toBe(200);
    expect(await down.text()).toBe('via presigned put');

    const tampered = getUrl.replace('presigned/file.txt', 'presigned/other.txt');
    const bad = await fetch(tampered);
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    const expiredUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'presigned/file.txt' }), {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 60_000),
    });
    const expired = await fetch(expiredUrl);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired/);
  });

  it('refuses wrong credentials with the S3 error codes', async () => {
    const wrongSecret = server.client({ credentials: { accessKeyId: server.accessKey, secretAccessKey: 'wrong-secret-key' } });
    await expect(wrongSecret.send(new GetObjectCommand({ Bucket: bucket, Key: 'x' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    });
    const unknownKey = server.client({ credentials: { accessKeyId: 'AKIDUNKNOWN000000000', secretAccessKey: 'x' } });
    await expect(unknownKey.send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'x' }))).rejects.toMatchObject({
      name: 'InvalidAccessKeyId',
      $metadata: { httpStatusCode: 403 },
    });
    const skewed = server.client({ systemClockOffset: -3600_000, maxAttempts: 1 });
    await expect(skewed.send(new GetObjectCommand({ Bucket: bucket, Key: 'x' }))).rejects.toMatchObject({
      name: 'RequestTimeTooSkewed',
      $metadata: { httpStatusCode: 403 },
    });
    const anonymous = await fetch(`${server.endpoint}/${bucket}/x`);
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
    expect(await anonymous.text()).toContain('<Code>AccessDenied</Code>');
    [wrongSecret, unknownKey, skewed].forEach((c) => c.destroy());
  });

  it.each([
    ['../../etc/passwd'],
    ['a/../../b'],
    ['with space and +plus and %percent'],
    ['ünïcødé/日本語/emoji-😀.txt'],
    ['trailing/'],
    ['a//double//slash'],
    ['k'.repeat(1024)],
  ])('stores the hostile-looking key %j as an ordinary key', async (key) => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `body of ${key.slice(0, 20)}` }));
    expect((await get(key)).body.toString()).toBe(`body of ${key.slice(0, 20)}`);
  });

  it('refuses keys over 1024 bytes with KeyTooLongError, storing nothing', async () => {
    const key = 'é'.repeat(513);
    await expect(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }))).rejects.toMatchObject({
      name: 'KeyTooLongError',
      $metadata: { httpStatusCode: 400 },
    });
  });
});
