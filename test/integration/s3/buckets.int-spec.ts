import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketLocationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

describe('bucket operations', () => {
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

  it('CreateBucket, HeadBucket, ListBuckets, GetBucketLocation, DeleteBucket', async () => {
    const bucket = uniqueBucket();
    const created = await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    expect(created.$metadata.httpStatusCode).toBe(200);
    expect(created.Location).toBe(`/${bucket}`);

    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect(head.BucketRegion).toBe('us-east-1');

    const list = await s3.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toContain(bucket);
    expect(list.Owner?.DisplayName).toBe('root');
    expect(list.Buckets?.find((b) => b.Name === bucket)?.CreationDate).toBeInstanceOf(Date);

    const loc = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
    expect(loc.LocationConstraint).toBeUndefined();

    const del = await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    await expect(s3.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('answers 200 to a second create by the owner in us-east-1, as AWS does there', async () => {
    // Other regions answer BucketAlreadyOwnedByYou (409): see aws-exact.int-spec.ts.
    const bucket = uniqueBucket();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    expect((await s3.send(new CreateBucketCommand({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(200);
  });

  it('accepts a LocationConstraint equal to the region and refuses another', async () => {
    const bucket = uniqueBucket();
    await expect(
      s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
    ).rejects.toMatchObject({ name: 'InvalidLocationConstraint', $metadata: { httpStatusCode: 400 } });
    await expect(s3.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it.each(['ab', 'UPPER-case', 'has_underscore', '-leading', 'trailing-', '192.168.1.1', 'a..b', 'x'.repeat(64)])(
    'refuses the invalid bucket name %s',
    async (name) => {
      const res = await fetch(`${server.endpoint}/${encodeURIComponent(name)}`, { method: 'PUT' });
      // Unsigned: denied first. Signed through the SDK below.
      expect(res.status).toBe(403);
      await expect(s3.send(new CreateBucketCommand({ Bucket: name }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    },
  );

  it('refuses to delete a non-empty bucket with BucketNotEmpty', async () => {
    const bucket = uniqueBucket();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x' }));
    await expect(s3.send(new DeleteBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'BucketNotEmpty',
      $metadata: { httpStatusCode: 409 },
    });
  });

  it('answers NoSuchBucket for operations on a missing bucket', async () => {
    await expect(s3.send(new DeleteBucketCommand({ Bucket: uniqueBucket('missing') }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(s3.send(new PutObjectCommand({ Bucket: uniqueBucket('missing'), Key: 'k', Body: 'x' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });

  it('serves health, readiness and metrics without credentials', async () => {
    const health = await fetch(`${server.endpoint}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.endpoint}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { details: { database: { status: string } } }).details.database.status).toBe('up');
    await s3.send(new ListBucketsCommand({}));
    const metrics = await (await fetch(`${server.endpoint}/metrics`)).text();
    expect(metrics).toMatch(/maxiofs_s3_operations_total\{operation="ListBuckets",status="200"\} \d+/);
    expect(metrics).toMatch(/maxiofs_s3_operation_duration_seconds_bucket\{le="[^"]+",operation="ListBuckets"\}/);
  });
});
