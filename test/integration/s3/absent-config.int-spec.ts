import {
  CreateBucketCommand,
  DeleteBucketOwnershipControlsCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAccelerateConfigurationCommand,
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketReplicationCommand,
  GetBucketRequestPaymentCommand,
  GetBucketWebsiteCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListBucketAnalyticsConfigurationsCommand,
  ListBucketInventoryConfigurationsCommand,
  ListBucketMetricsConfigurationsCommand,
  PutBucketAccelerateConfigurationCommand,
  PutBucketReplicationCommand,
} from '@aws-sdk/client-s3';
import { s3Fixture } from '../../support/s3-fixture';
import { uniqueBucket } from '../../support/start-server';

/** Bucket configurations never set: reads answer "none configured" as S3 does; features not offered answer writes with 501. */
describe('bucket configurations this server does not offer', () => {
  const f = s3Fixture('absent');
  const bucket = f.bucket;

  it.each([
    ['GetBucketEncryption', () => new GetBucketEncryptionCommand({ Bucket: bucket }), 'ServerSideEncryptionConfigurationNotFoundError'],
    ['GetBucketWebsite', () => new GetBucketWebsiteCommand({ Bucket: bucket }), 'NoSuchWebsiteConfiguration'],
    ['GetBucketReplication', () => new GetBucketReplicationCommand({ Bucket: bucket }), 'ReplicationConfigurationNotFoundError'],
    ['GetBucketOwnershipControls', () => new GetBucketOwnershipControlsCommand({ Bucket: bucket }), 'OwnershipControlsNotFoundError'],
    ['GetPublicAccessBlock', () => new GetPublicAccessBlockCommand({ Bucket: bucket }), 'NoSuchPublicAccessBlockConfiguration'],
  ] as const)('%s answers 404 %s', async (_op, command, code) => {
    await expect(f.s3.send(command() as never)).rejects.toMatchObject({ name: code, $metadata: { httpStatusCode: 404 } });
  });

  it('GetBucketLogging, GetBucketAccelerateConfiguration and GetBucketRequestPayment answer the unconfigured state', async () => {
    const logging = await f.s3.send(new GetBucketLoggingCommand({ Bucket: bucket }));
    expect(logging.$metadata.httpStatusCode).toBe(200);
    expect(logging.LoggingEnabled).toBeUndefined();
    const accelerate = await f.s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket: bucket }));
    expect(accelerate.$metadata.httpStatusCode).toBe(200);
    expect(accelerate.Status).toBeUndefined();
    const payment = await f.s3.send(new GetBucketRequestPaymentCommand({ Bucket: bucket }));
    expect(payment.Payer).toBe('BucketOwner');
  });

  it('answers 501 for analytics, metrics and S3 inventory configurations (not a ListObjects page)', async () => {
    for (const command of [
      new ListBucketAnalyticsConfigurationsCommand({ Bucket: bucket }),
      new ListBucketMetricsConfigurationsCommand({ Bucket: bucket }),
      new ListBucketInventoryConfigurationsCommand({ Bucket: bucket }),
    ]) {
      await expect(f.s3.send(command as never)).rejects.toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
    }
  });

  it('never takes DeletePublicAccessBlock or DeleteBucketOwnershipControls for DeleteBucket (the empty bucket stays)', async () => {
    const empty = uniqueBucket('keep');
    await f.s3.send(new CreateBucketCommand({ Bucket: empty }));
    expect((await f.s3.send(new DeletePublicAccessBlockCommand({ Bucket: empty }))).$metadata.httpStatusCode).toBe(204);
    expect((await f.s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: empty }))).$metadata.httpStatusCode).toBe(204);
    await expect(
      f.s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket: empty, AccelerateConfiguration: { Status: 'Enabled' } })),
    ).rejects.toMatchObject({ name: 'NotImplemented' });
    expect((await f.s3.send(new HeadBucketCommand({ Bucket: empty }))).$metadata.httpStatusCode).toBe(200);
  });

  it('answers NoSuchBucket for a bucket that does not exist', async () => {
    const missing = uniqueBucket('missing');
    await expect(f.s3.send(new GetBucketEncryptionCommand({ Bucket: missing }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(f.s3.send(new GetBucketRequestPaymentCommand({ Bucket: missing }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('PutBucketReplication of a rule the console has not created: InvalidRequest', async () => {
    await expect(
      f.s3.send(
        new PutBucketReplicationCommand({
          Bucket: bucket,
          ReplicationConfiguration: {
            Role: 'arn:aws:iam::1:role/r',
            Rules: [{ Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::d' } }],
          },
        }),
      ),
      // Replication exists (bucket-replication.int-spec.ts), but a destination's endpoint and credentials are created in the console.
    ).rejects.toMatchObject({ name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } });
  });
});
