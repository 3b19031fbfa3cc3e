import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketTaggingCommand,
  GetBucketTaggingCommand,
  PutBucketTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { awsCli } from '../../support/aws-cli';
import { rawRequest, xmlField } from '../../support/raw-request';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

describe('bucket tagging: Get/Put/DeleteBucketTagging', () => {
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

  const newBucket = async () => {
    const bucket = uniqueBucket('tags');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
  };

  const putRaw = (bucket: string, tags: Array<{ key: string; value: string }>) => {
    const body =
      '<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>' +
      tags.map((t) => `<Tag><Key>${t.key}</Key><Value>${t.value}</Value></Tag>`).join('') +
      '</TagSet></Tagging>';
    const md5 = createHash('md5').update(body).digest('base64');
    return rawRequest(server, { method: 'PUT', path: `/${bucket}`, query: [['tagging', '']], body, headers: { 'content-md5': md5 } });
  };

  it('stores a tag set, gives it back sorted by key, replaces it, and deletes it', async () => {
    const bucket = await newBucket();
    await expect(s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'NoSuchTagSet',
      $metadata: { httpStatusCode: 404 },
    });
    const tagSet = [
      { Key: 'project', Value: 'apollo' },
      { Key: 'cost-center', Value: '' },
      { Key: 'Ünïcode key', Value: 'a/b=c+d@e:f' },
    ];
    await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tagSet } }));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet).toEqual([tagSet[1], tagSet[0], tagSet[2]]);

    await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'only', Value: 'one' }] } }));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet).toEqual([{ Key: 'only', Value: 'one' }]);

    const del = await s3.send(new DeleteBucketTaggingCommand({ Bucket: bucket }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    await expect(s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'NoSuchTagSet' });
    // Deleting what is not there is not an error.
    expect((await s3.send(new DeleteBucketTaggingCommand({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(204);
  });

  it('takes 50 tags of 128 and 256 characters; an empty set removes the tags', async () => {
    const bucket = await newBucket();
    const tagSet = Array.from({ length: 50 }, (_, i) => ({ Key: `${i}`.padStart(128, 'k'), Value: 'v'.repeat(256) }));
    await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tagSet } }));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet).toHaveLength(50);
    const empty = await putRaw(bucket, []);
    expect(empty.status).toBe(204);
    await expect(s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'NoSuchTagSet' });
  });

  it.each([
    [
      '51 tags',
      'BadRequest',
      'Bucket tag count cannot be greater than 50',
      Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
    ],
    ['a key of 129 characters', 'InvalidTag', 'The TagKey you have provided is invalid', [{ key: 'k'.repeat(129), value: 'v' }]],
    ['a value of 257 characters', 'InvalidTag', 'The TagValue you have provided is invalid', [{ key: 'k', value: 'v'.repeat(257) }]],
    [
      'a repeated key',
      'InvalidTag',
      'Cannot provide multiple Tags with the same key',
      [
        { key: 'k', value: '1' },
        { key: 'k', value: '2' },
      ],
    ],
    ['an aws: key', 'InvalidTag', 'System tags cannot be added/updated by requester', [{ key: 'aws:createdBy', value: 'me' }]],
    ['an empty key', 'InvalidTag', 'The TagKey you have provided is invalid', [{ key: '', value: 'v' }]],
  ])('refuses %s: 400 %s', async (_name, code, message, tags) => {
    const bucket = await newBucket();
    const res = await putRaw(bucket, tags);
    expect(res.status).toBe(400);
    expect(xmlField(res.body, 'Code')).toBe(code);
    expect(xmlField(res.body, 'Message')).toBe(message);
    await expect(s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'NoSuchTagSet' });
  });

  it('refuses a document without TagSet (MalformedXML) and answers NoSuchBucket for no bucket', async () => {
    const bucket = await newBucket();
    const body = '<Tagging></Tagging>';
    const res = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}`,
      query: [['tagging', '']],
      body,
      headers: { 'content-md5': createHash('md5').update(body).digest('base64') },
    });
    expect(res.status).toBe(400);
    expect(xmlField(res.body, 'Code')).toBe('MalformedXML');
    await expect(
      s3.send(new PutBucketTaggingCommand({ Bucket: uniqueBucket('none'), Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('takes a tag set from the AWS CLI (put-bucket-tagging)', async () => {
    const bucket = await newBucket();
    const put = await awsCli(server, [
      's3api',
      'put-bucket-tagging',
      '--bucket',
      bucket,
      '--tagging',
      'TagSet=[{Key=env,Value=prod},{Key=team,Value=storage}]',
    ]);
    expect(put.stderr).toBe('');
    expect(put.code).toBe(0);
    const got = await awsCli(server, ['s3api', 'get-bucket-tagging', '--bucket', bucket]);
    expect(got.json).toEqual({
      TagSet: [
        { Key: 'env', Value: 'prod' },
        { Key: 'team', Value: 'storage' },
      ],
    });
  });

  it('forgets the tags of a deleted bucket', async () => {
    const bucket = await newBucket();
    await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }));
    await rawRequest(server, { method: 'DELETE', path: `/${bucket}` });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await expect(s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'NoSuchTagSet' });
  });
});
