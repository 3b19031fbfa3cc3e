import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { rawRequest, xmlField } from '../../support/raw-request';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

describe('listing', () => {
  let server: TestServer;
  let s3: S3Client;
  let bucket: string;
  // Byte order: uppercase < lowercase < multi-byte UTF-8.
  const keys = [
    'a.txt',
    'B.txt',
    'photos/2023/jan/1.jpg',
    'photos/2023/jan/2.jpg',
    'photos/2023/feb/1.jpg',
    'photos/2024/mar/1.jpg',
    'photos/readme',
    'videos/a.mp4',
    'videos/b.mp4',
    'z',
    'é/accent',
    'space key',
    'plus+key',
  ];
  const sorted = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));

  beforeAll(async () => {
    server = await startServer();
    s3 = server.client();
    bucket = uniqueBucket();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  it('lists every key in byte order with sizes and ETags', async () => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(res.Contents?.map((c) => c.Key)).toEqual(sorted);
    expect(res.KeyCount).toBe(keys.length);
    expect(res.IsTruncated).toBe(false);
    const a = res.Contents!.find((c) => c.Key === 'a.txt')!;
    expect(a.Size).toBe(5);
    expect(a.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(a.StorageClass).toBe('STANDARD');
    expect(a.Owner).toBeUndefined();
  });

  it('groups by delimiter into CommonPrefixes', async () => {
    const top = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['photos/', 'videos/', 'é/']);
    expect(top.Contents?.map((c) => c.Key)).toEqual(['B.txt', 'a.txt', 'plus+key', 'space key', 'z']);
    const photos = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', Prefix: 'photos/' }));
    expect(photos.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['photos/2023/', 'photos/2024/']);
    expect(photos.Contents?.map((c) => c.Key)).toEqual(['photos/readme']);
    const y2023 = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', Prefix: 'photos/2023/' }));
    expect(y2023.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['photos/2023/feb/', 'photos/2023/jan/']);
  });

  it('paginates with continuation tokens, counting common prefixes as keys', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2, Delimiter: '/', ContinuationToken: token }));
      pages++;
      expect((res.Contents?.length ?? 0) + (res.CommonPrefixes?.length ?? 0)).toBeLessThanOrEqual(2);
      seen.push(...(res.Contents ?? []).map((c) => c.Key!), ...(res.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = res.NextContinuationToken;
      if (res.IsTruncated) expect(token).toBeTruthy();
    } while (token);
    expect(pages).toBe(4);
    expect(seen.sort()).toEqual(['B.txt', 'a.txt', 'photos/', 'plus+key', 'space key', 'videos/', 'z', 'é/'].sort());
  });

  it('honours start-after and max-keys=0', async () => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: 'photos/readme' }));
    expect(res.Contents?.map((c) => c.Key)).toEqual(sorted.filter((k) => Buffer.compare(Buffer.from(k), Buffer.from('photos/readme')) > 0));
    expect(res.StartAfter).toBe('photos/readme');
    const none = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 0 }));
    expect(none.Contents ?? []).toEqual([]);
    expect(none.IsTruncated).toBe(false);
  });

  it('returns owners with fetch-owner', async () => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, FetchOwner: true, MaxKeys: 1 }));
    expect(res.Contents?.[0].Owner?.DisplayName).toBe('root');
  });

  it('url-encodes keys with encoding-type=url', async () => {
    const res = await rawRequest(server, {
      method: 'GET',
      path: `/${bucket}`,
      query: [
        ['list-type', '2'],
        ['prefix', 's'],
        ['encoding-type', 'url'],
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<Key>space%20key</Key>');
    expect(xmlField(res.body, 'EncodingType')).toBe('url');
    const plus = await rawRequest(server, {
      method: 'GET',
      path: `/${bucket}`,
      query: [
        ['list-type', '2'],
        ['prefix', 'plus'],
        ['encoding-type', 'url'],
      ],
    });
    expect(plus.body).toContain('<Key>plus%2Bkey</Key>');
  });

  it('lists with v1 markers and NextMarker', async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 3 }));
    expect(first.Contents?.map((c) => c.Key)).toEqual(sorted.slice(0, 3));
    expect(first.IsTruncated).toBe(true);
    expect(first.Contents?.[0].Owner?.DisplayName).toBe('root');
    const second = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 3, Marker: first.Contents![2].Key }));
    expect(second.Contents?.map((c) => c.Key)).toEqual(sorted.slice(3, 6));
    const delim = await s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: '/', MaxKeys: 3 }));
    expect(delim.IsTruncated).toBe(true);
    expect(delim.NextMarker).toBe('photos/');
    const rest = await s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: '/', Marker: delim.NextMarker }));
    expect(rest.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['videos/', 'é/']);
    expect(rest.Contents?.[0].Key).toBe('plus+key');
  });

  it('refuses a bad max-keys and an unknown encoding-type', async () => {
    const bad = await rawRequest(server, {
      method: 'GET',
      path: `/${bucket}`,
      query: [
        ['list-type', '2'],
        ['max-keys', 'abc'],
      ],
    });
    expect(bad.status).toBe(400);
    expect(xmlField(bad.body, 'Code')).toBe('InvalidArgument');
    const enc = await rawRequest(server, {
      method: 'GET',
      path: `/${bucket}`,
      query: [
        ['list-type', '2'],
        ['encoding-type', 'base64'],
      ],
    });
    expect(enc.status).toBe(400);
  });
  it('rolls a common prefix larger than one database batch into one entry', async () => {
    const big = uniqueBucket('big');
    await s3.send(new CreateBucketCommand({ Bucket: big }));
    const keys = ['a', ...Array.from({ length: 1100 }, (_, i) => `many/${String(i).padStart(4, '0')}`), 'n/1', 'z'];
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((Key) => s3.send(new PutObjectCommand({ Bucket: big, Key, Body: '' }))));
    }
    const res = await s3.send(new ListObjectsV2Command({ Bucket: big, Delimiter: '/' }));
    expect(res.Contents?.map((c) => c.Key)).toEqual(['a', 'z']);
    expect(res.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['many/', 'n/']);
    const page = await s3.send(new ListObjectsV2Command({ Bucket: big, Delimiter: '/', MaxKeys: 2 }));
    expect([...(page.Contents ?? []).map((c) => c.Key), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix)]).toEqual(['a', 'many/']);
    const next = await s3.send(
      new ListObjectsV2Command({ Bucket: big, Delimiter: '/', MaxKeys: 2, ContinuationToken: page.NextContinuationToken }),
    );
    expect([...(next.Contents ?? []).map((c) => c.Key), ...(next.CommonPrefixes ?? []).map((p) => p.Prefix)]).toEqual(['z', 'n/']);
    expect(next.IsTruncated).toBe(false);
  });
});
