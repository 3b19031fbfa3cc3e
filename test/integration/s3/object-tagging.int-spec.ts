import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  Tag,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { awsCli } from '../../support/aws-cli';
import { rawRequest, xmlField } from '../../support/raw-request';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

describe('object tagging', () => {
  let server: TestServer;
  let s3: S3Client;
  beforeAll(async () => {
    server = await startServer();
    s3 = server.client();
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  const newBucket = async (versioned = false) => {
    const bucket = uniqueBucket('tag');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    if (versioned) await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    return bucket;
  };
  const tagsOf = async (bucket: string, key: string, versionId?: string) =>
    (await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId }))).TagSet;
  const failure = async (p: Promise<unknown>) => {
    const err = (await p.then(
      () => undefined,
      (e: unknown) => e,
    )) as { name: string; message: string; $metadata: { httpStatusCode?: number } } | undefined;
    if (!err) throw new Error('expected the request to fail');
    return { name: err.name, message: err.message, status: err.$metadata.httpStatusCode };
  };

  it('stores x-amz-tagging of PutObject and reports x-amz-tagging-count on GET and HEAD', async () => {
    const bucket = await newBucket();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', Tagging: 'project=apollo&stage=dev%20test&empty=' }));
    // Listed sorted by key, as S3 does.
    expect(await tagsOf(bucket, 'k')).toEqual([
      { Key: 'empty', Value: '' },
      { Key: 'project', Value: 'apollo' },
      { Key: 'stage', Value: 'dev test' },
    ]);
    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    expect(get.TagCount).toBe(3);
    await get.Body!.transformToString();
    const head = await rawRequest(server, { method: 'HEAD', path: `/${bucket}/k` });
    expect(head.headers['x-amz-tagging-count']).toBe('3');

    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'x' }));
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain' }))).TagCount).toBeUndefined();
    expect(await tagsOf(bucket, 'plain')).toEqual([]);
  });

  it('PutObjectTagging replaces the tag set, DeleteObjectTagging empties it (AWS CLI and SDK)', async () => {
    const bucket = await newBucket();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', Tagging: 'a=1' }));
    const put = await awsCli(server, [
      's3api',
      'put-object-tagging',
      '--bucket',
      bucket,
      '--key',
      'k',
      '--tagging',
      JSON.stringify({
        TagSet: [
          { Key: 'team', Value: 'storage' },
          { Key: 'cost-center', Value: '42/x:y@z' },
        ],
      }),
    ]);
    expect(put.stderr).toBe('');
    expect(put.code).toBe(0);
    const got = await awsCli(server, ['s3api', 'get-object-tagging', '--bucket', bucket, '--key', 'k']);
    expect(got.json).toEqual({
      TagSet: [
        { Key: 'cost-center', Value: '42/x:y@z' },
        { Key: 'team', Value: 'storage' },
      ],
    });
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'k' }));
    expect(await tagsOf(bucket, 'k')).toEqual([]);
    const raw = await rawRequest(server, { method: 'GET', path: `/${bucket}/k`, query: [['tagging', '']] });
    expect(raw.body).toContain('<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet/></Tagging>');

    const missing = await failure(s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'nope' })));
    expect([missing.name, missing.status]).toEqual(['NoSuchKey', 404]);
  });

  it('tags each version on its own (versionId), and answers for delete markers as S3', async () => {
    const bucket = await newBucket(true);
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: '1', Tagging: 'v=1' }))).VersionId!;
    const v2 = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: '2', Tagging: 'v=2' }))).VersionId!;
    const put = await s3.send(
      new PutObjectTaggingCommand({ Bucket: bucket, Key: 'k', VersionId: v1, Tagging: { TagSet: [{ Key: 'v', Value: 'one' }] } }),
    );
    expect(put.VersionId).toBe(v1);
    expect(await tagsOf(bucket, 'k', v1)).toEqual([{ Key: 'v', Value: 'one' }]);
    expect(await tagsOf(bucket, 'k')).toEqual([{ Key: 'v', Value: '2' }]);
    const latest = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'k' }));
    expect(latest.VersionId).toBe(v2);
    const del = await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'k', VersionId: v2 }));
    expect(del.VersionId).toBe(v2);
    expect(await tagsOf(bucket, 'k', v2)).toEqual([]);
    expect(await tagsOf(bucket, 'k', v1)).toEqual([{ Key: 'v', Value: 'one' }]);

    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }))).VersionId!;
    expect((await failure(tagsOf(bucket, 'k'))).name).toBe('NoSuchKey');
    const onMarker = await failure(tagsOf(bucket, 'k', marker));
    expect([onMarker.name, onMarker.status]).toEqual(['MethodNotAllowed', 405]);
    expect((await failure(tagsOf(bucket, 'k', 'f'.repeat(32)))).name).toBe('NoSuchVersion');
  });

  it("enforces S3's tag limits with InvalidTag", async () => {
    const bucket = await newBucket();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', Tagging: 'keep=me' }));
    const tag = (Key: string, Value = 'v'): Tag => ({ Key, Value });
    const cases: Array<[string, Tag[], string]> = [
      ['11 tags', Array.from({ length: 11 }, (_v, i) => tag(`k${i}`)), 'Object tags cannot be greater than 10'],
      ['a 129-character key', [tag('k'.repeat(129))], 'The TagKey you have provided is too long, max 128'],
      ['a 257-character value', [tag('k', 'v'.repeat(257))], 'The TagValue you have provided is too long, max 256'],
      ['duplicate keys', [tag('a'), tag('a', 'w')], 'Cannot provide multiple Tags with the same key'],
      ['a key with a forbidden character', [tag('semi;colon')], 'The TagKey you have provided is invalid'],
      ['a value with a forbidden character', [tag('k', 'a<b')], 'The TagValue you have provided is invalid'],
      ['an empty key', [tag('')], 'The TagKey you have provided is invalid'],
      ['an aws: key', [tag('aws:reserved')], 'Your TagKey cannot be prefixed with aws:'],
    ];
    for (const [, tagSet, message] of cases) {
      const e = await failure(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'k', Tagging: { TagSet: tagSet } })));
      expect([e.name, e.status, e.message]).toEqual(['InvalidTag', 400, message]);
    }
    // Limits are inclusive; unicode letters, digits, spaces and + - = . _ : / @ are allowed.
    const ok = [tag('k'.repeat(128), 'v'.repeat(256)), tag('Ünï çødé 日本 + - = . _ : / @', 'väl 1')];
    ok.push(...Array.from({ length: 8 }, (_v, i) => tag(`n${i}`)));
    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'k', Tagging: { TagSet: ok } }));
    expect(await tagsOf(bucket, 'k')).toEqual([...ok].sort((a, b) => (a.Key! < b.Key! ? -1 : 1)));

    const header = await failure(
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'h', Body: 'x', Tagging: Array.from({ length: 11 }, (_v, i) => `k${i}=v`).join('&') }),
      ),
    );
    expect(header.name).toBe('InvalidTag');
    const duplicate = await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'h', Body: 'x', Tagging: 'a=1&a=2' })));
    expect(duplicate.name).toBe('InvalidTag');
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'h' }))).rejects.toMatchObject({ name: 'NotFound' });

    const malformed = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}/k`,
      query: [['tagging', '']],
      body: '<Tagging><Tags/></Tagging>',
    });
    expect(xmlField(malformed.body, 'Code')).toBe('MalformedXML');
  });

  it('CopyObject copies the tags (COPY) or takes x-amz-tagging (REPLACE)', async () => {
    const bucket = await newBucket();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: 'x', Tagging: 'from=source' }));
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copied', CopySource: `${bucket}/src` }));
    expect(await tagsOf(bucket, 'copied')).toEqual([{ Key: 'from', Value: 'source' }]);
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'replaced',
        CopySource: `${bucket}/src`,
        TaggingDirective: 'REPLACE',
        Tagging: 'from=request',
      }),
    );
    expect(await tagsOf(bucket, 'replaced')).toEqual([{ Key: 'from', Value: 'request' }]);
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'cleared', CopySource: `${bucket}/src`, TaggingDirective: 'REPLACE' }));
    expect(await tagsOf(bucket, 'cleared')).toEqual([]);
    const bad = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}/x`,
      headers: { 'x-amz-copy-source': `/${bucket}/src`, 'x-amz-tagging-directive': 'MERGE' },
    });
    expect(xmlField(bad.body, 'Code')).toBe('InvalidArgument');
  });

  it('CreateMultipartUpload tags are applied to the completed object', async () => {
    const bucket = await newBucket();
    const mp = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp', Tagging: 'kind=multipart' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId: mp.UploadId, PartNumber: 1, Body: 'part' }));
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'mp',
        UploadId: mp.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    expect(await tagsOf(bucket, 'mp')).toEqual([{ Key: 'kind', Value: 'multipart' }]);
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'mp' }))).TagCount).toBe(1);
  });
});
