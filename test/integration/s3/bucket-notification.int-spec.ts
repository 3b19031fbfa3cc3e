import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { rawRequest } from '../../support/raw-request';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** GetBucketNotificationConfiguration / PutBucketNotificationConfiguration: the stored configuration (delivery: bucket-notification-delivery.int-spec.ts). */
describe('bucket notification configuration', () => {
  let server: TestServer;
  let s3: S3Client;
  const bucket = uniqueBucket('notif');

  beforeAll(async () => {
    server = await startServer();
    s3 = server.client();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(() => server.close());

  it('answers an empty configuration when there is none', async () => {
    const res = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    expect(res.$metadata.httpStatusCode).toBe(200);
    expect(res.QueueConfigurations).toBeUndefined();
    expect(res.TopicConfigurations).toBeUndefined();
  });

  it('stores Topic, Queue and CloudFunction configurations with filters, and an empty one removes them', async () => {
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          TopicConfigurations: [{ Id: 't', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Events: ['s3:ObjectCreated:*'] }],
          QueueConfigurations: [
            {
              Id: 'q',
              QueueArn: 'arn:aws:sqs:us-east-1:123456789012:q',
              Events: ['s3:ObjectRemoved:Delete', 's3:ObjectRemoved:DeleteMarkerCreated'],
              Filter: {
                Key: {
                  FilterRules: [
                    { Name: 'prefix', Value: 'logs/' },
                    { Name: 'suffix', Value: '.gz' },
                  ],
                },
              },
            },
          ],
          LambdaFunctionConfigurations: [
            { LambdaFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', Events: ['s3:ObjectTagging:Put'] },
          ],
        },
      }),
    );
    const res = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    expect(res.TopicConfigurations).toEqual([
      { Id: 't', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Events: ['s3:ObjectCreated:*'] },
    ]);
    expect(res.QueueConfigurations).toEqual([
      {
        Id: 'q',
        QueueArn: 'arn:aws:sqs:us-east-1:123456789012:q',
        Events: ['s3:ObjectRemoved:Delete', 's3:ObjectRemoved:DeleteMarkerCreated'],
        Filter: {
          Key: {
            FilterRules: [
              { Name: 'prefix', Value: 'logs/' },
              { Name: 'suffix', Value: '.gz' },
            ],
          },
        },
      },
    ]);
    expect(res.LambdaFunctionConfigurations?.[0]).toMatchObject({
      LambdaFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      Id: expect.any(String),
    });

    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: {} }));
    const empty = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    expect(empty.TopicConfigurations).toBeUndefined();
  });

  it('refuses unknown events (InvalidArgument), bad filters and malformed XML', async () => {
    await expect(
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: { QueueConfigurations: [{ QueueArn: 'arn:aws:sqs:us-east-1:1:q', Events: ['s3:Whatever' as never] }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
    await expect(
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: {
            QueueConfigurations: [
              {
                QueueArn: 'arn:aws:sqs:us-east-1:1:q',
                Events: ['s3:ObjectCreated:*'],
                Filter: { Key: { FilterRules: [{ Name: 'middle' as never, Value: 'x' }] } },
              },
            ],
          },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArgument' });
    const res = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}`,
      query: [['notification', '']],
      body: '<NotificationConfiguration><QueueConfiguration>',
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>MalformedXML</Code>');
  });

  it('answers NoSuchBucket for a missing bucket', async () => {
    await expect(s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: uniqueBucket('missing') }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });
});
