import {
  CreateBucketCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SettableClock } from '../../support/settable-clock';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

describe('lifecycle worker on its schedule (LIFECYCLE_INTERVAL_SECONDS)', () => {
  const clock = new SettableClock();
  let server: TestServer;
  let s3: S3Client;
  beforeAll(async () => {
    server = await startServer({ clock, config: { lifecycleIntervalMs: 200 } });
    s3 = server.client();
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  it('applies the rules without being asked', async () => {
    const bucket = uniqueBucket('sched');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: [{ ID: 'tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } }] },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tmp/a', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'keep/b', Body: 'b' }));
    clock.advance(2 * 86_400_000);
    const at = server.client({ systemClockOffset: clock.offset });
    const deadline = Date.now() + 10_000;
    let keys: Array<string | undefined> = [];
    while (Date.now() < deadline) {
      keys = ((await at.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);
      if (keys.length === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    at.destroy();
    expect(keys).toEqual(['keep/b']);
  });
});
