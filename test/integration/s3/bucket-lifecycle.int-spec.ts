import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { dueAfterDays } from '../../../src/lifecycle/lifecycle-rules';
import { awsCli } from '../../support/aws-cli';
import { rawRequest, xmlField } from '../../support/raw-request';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

describe('bucket lifecycle configuration: Get/Put/DeleteBucketLifecycle(Configuration), x-amz-expiration', () => {
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
    const bucket = uniqueBucket('lc');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
  };

  const putRaw = (bucket: string, rules: string) => {
    const body = `<LifecycleConfiguration ${NS}>${rules}</LifecycleConfiguration>`;
    const md5 = createHash('md5').update(body).digest('base64');
    return rawRequest(server, { method: 'PUT', path: `/${bucket}`, query: [['lifecycle', '']], body, headers: { 'content-md5': md5 } });
  };

  it('stores the rules and gives them back; a rule without ID gets one', async () => {
    const bucket = await newBucket();
    await expect(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'NoSuchLifecycleConfiguration',
      $metadata: { httpStatusCode: 404 },
    });
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: {
          Rules: [
            { ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } },
            {
              ID: 'tmp-tagged',
              Status: 'Enabled',
              Filter: { And: { Prefix: 'tmp/', Tags: [{ Key: 'temp', Value: 'yes' }], ObjectSizeGreaterThan: 0 } },
              Expiration: { Date: new Date('2030-01-01T00:00:00Z') },
            },
            {
              ID: 'versions',
              Status: 'Disabled',
              Filter: { ObjectSizeLessThan: 1024 },
              NoncurrentVersionExpiration: { NoncurrentDays: 10, NewerNoncurrentVersions: 3 },
            },
            { Status: 'Enabled', Filter: {}, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
          ],
        },
      }),
    );
    const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    const rules = got.Rules!;
    expect(rules.slice(0, 3)).toEqual([
      { ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } },
      {
        ID: 'tmp-tagged',
        Status: 'Enabled',
        Filter: { And: { Prefix: 'tmp/', Tags: [{ Key: 'temp', Value: 'yes' }], ObjectSizeGreaterThan: 0 } },
        Expiration: { Date: new Date('2030-01-01T00:00:00Z') },
      },
      {
        ID: 'versions',
        Status: 'Disabled',
        Filter: { ObjectSizeLessThan: 1024 },
        NoncurrentVersionExpiration: { NoncurrentDays: 10, NewerNoncurrentVersions: 3 },
      },
    ]);
    expect(rules[3]).toMatchObject({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } });
    expect(rules[3].ID).toMatch(/^[A-Za-z0-9+/=]{48}$/);

    expect((await s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(204);
    await expect(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'NoSuchLifecycleConfiguration',
    });
    expect((await s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(204);
  });

  it('keeps a legacy rule-level Prefix as it was sent', async () => {
    const bucket = await newBucket();
    const put = await putRaw(
      bucket,
      '<Rule><ID>v1</ID><Prefix>old/</Prefix><Status>Enabled</Status><Expiration><Days>5</Days></Expiration></Rule>',
    );
    expect(put.status).toBe(200);
    const got = await rawRequest(server, { method: 'GET', path: `/${bucket}`, query: [['lifecycle', '']] });
    expect(got.body).toContain(
      '<Rule><ID>v1</ID><Prefix>old/</Prefix><Status>Enabled</Status><Expiration><Days>5</Days></Expiration></Rule>',
    );
  });

  const rule = (body: string, filter = '<Filter/>') => `<Rule><ID>r</ID>${filter}<Status>Enabled</Status>${body}</Rule>`;
  it.each([
    ['no rule', '', 'MalformedXML'],
    ['status "enabled"', '<Rule><Filter/><Status>enabled</Status><Expiration><Days>1</Days></Expiration></Rule>', 'MalformedXML'],
    ['neither Filter nor Prefix', '<Rule><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>', 'MalformedXML'],
    [
      'two predicates in a Filter',
      rule(
        '<Expiration><Days>1</Days></Expiration>',
        '<Filter><Prefix>a</Prefix><ObjectSizeGreaterThan>1</ObjectSizeGreaterThan></Filter>',
      ),
      'MalformedXML',
    ],
    [
      'ExpiredObjectDeleteMarker with Days',
      rule('<Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>'),
      'MalformedXML',
    ],
    ['Days 0', rule('<Expiration><Days>0</Days></Expiration>'), 'InvalidArgument'],
    ['a Date not at midnight', rule('<Expiration><Date>2030-01-01T10:00:00Z</Date></Expiration>'), 'InvalidArgument'],
    [
      'NoncurrentDays 0',
      rule('<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>'),
      'InvalidArgument',
    ],
    [
      'DaysAfterInitiation 0',
      rule('<AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload>'),
      'InvalidArgument',
    ],
    [
      'an ID of 256 characters',
      `<Rule><ID>${'i'.repeat(256)}</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>`,
      'InvalidArgument',
    ],
    ['a repeated ID', rule('<Expiration><Days>1</Days></Expiration>').repeat(2), 'InvalidArgument'],
    ['no action', rule(''), 'InvalidRequest'],
    [
      'an abort with a tag filter',
      rule(
        '<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>',
        '<Filter><Tag><Key>a</Key><Value>b</Value></Tag></Filter>',
      ),
      'InvalidRequest',
    ],
    [
      '1001 rules',
      Array.from(
        { length: 1001 },
        (_, i) => `<Rule><ID>r${i}</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>`,
      ).join(''),
      'InvalidRequest',
    ],
    ['a transition', rule('<Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition>'), 'NotImplemented'],
  ])('refuses %s', async (_name, rules, code) => {
    const bucket = await newBucket();
    const res = await putRaw(bucket, rules);
    expect(xmlField(res.body, 'Code')).toBe(code);
    expect(res.status).toBe(code === 'NotImplemented' ? 501 : 400);
    await expect(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'NoSuchLifecycleConfiguration',
    });
  });

  it('answers S3 messages for the faults S3 names', async () => {
    const bucket = await newBucket();
    const days0 = await putRaw(bucket, rule('<Expiration><Days>0</Days></Expiration>'));
    expect(xmlField(days0.body, 'Message')).toBe("'Days' for Expiration action must be a positive integer");
    const date = await putRaw(bucket, rule('<Expiration><Date>2030-01-01T10:00:00Z</Date></Expiration>'));
    expect(xmlField(date.body, 'Message')).toBe("'Date' must be at midnight GMT");
    const same = await putRaw(bucket, rule('<Expiration><Days>1</Days></Expiration>').repeat(2));
    expect(xmlField(same.body, 'Message')).toBe('Rule ID must be unique. Found same ID for more than one rule');
  });

  it('answers x-amz-expiration on GetObject and HeadObject for objects a rule expires', async () => {
    const bucket = await newBucket();
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: {
          Rules: [
            { ID: 'tmp files', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 3 } },
            { ID: 'archive', Status: 'Enabled', Filter: { Prefix: 'archive/' }, Expiration: { Date: new Date('2031-06-01T00:00:00Z') } },
            { ID: 'off', Status: 'Disabled', Filter: { Prefix: 'keep/' }, Expiration: { Days: 1 } },
          ],
        },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tmp/a.txt', Body: 'a' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'tmp/a.txt' }));
    const due = new Date(dueAfterDays(head.LastModified!.getTime(), 3)).toUTCString();
    expect(head.Expiration).toBe(`expiry-date="${due}", rule-id="tmp files"`);
    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'tmp/a.txt' }));
    await get.Body!.transformToString();
    expect(get.Expiration).toBe(`expiry-date="${due}", rule-id="tmp files"`);

    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'archive/b', Body: 'b' }));
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'archive/b' }))).Expiration).toBe(
      'expiry-date="Sun, 01 Jun 2031 00:00:00 GMT", rule-id="archive"',
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'keep/c', Body: 'c' }));
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'keep/c' }))).Expiration).toBeUndefined();
  });

  it('takes a configuration from the AWS CLI (put-bucket-lifecycle-configuration)', async () => {
    const bucket = await newBucket();
    const config = {
      Rules: [
        { ID: 'cli-expire', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 7 } },
        { ID: 'cli-abort', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
      ],
    };
    const put = await awsCli(server, [
      's3api',
      'put-bucket-lifecycle-configuration',
      '--bucket',
      bucket,
      '--lifecycle-configuration',
      JSON.stringify(config),
    ]);
    expect(put.stderr).toBe('');
    expect(put.code).toBe(0);
    const got = await awsCli(server, ['s3api', 'get-bucket-lifecycle-configuration', '--bucket', bucket]);
    expect(got.json).toEqual(config);
  });
});
