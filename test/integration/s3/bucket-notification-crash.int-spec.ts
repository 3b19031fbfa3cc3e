import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ChildServer, startChildServer } from '../../support/child-server';
import { eventually } from '../../support/eventually';
import { createTestDatabase } from '../../support/start-server';
import { WebhookReceiver } from '../../support/webhook-receiver';

/**
 * The outbox survives a crash: with the webhook target down, acknowledged PUTs (and more in flight)
 * are followed by SIGKILL of the server (FSYNC=true); after a restart on the same data, the target
 * (back up) receives one event for every object that exists, and none for a write that did not commit.
 */
describe('bucket notifications across kill -9', () => {
  const hook = new WebhookReceiver();
  let dataDir: string;
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  let child: ChildServer | undefined;
  const clients: S3Client[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'os3-evcrash-'));
    if (process.env.TEST_DATABASE_URL) ({ url: databaseUrl, drop } = await createTestDatabase(process.env.TEST_DATABASE_URL));
    await hook.start();
    await hook.stop(); // its port is known; the target is down until the restart
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await child?.kill('SIGKILL');
    await hook.stop();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = () =>
    startChildServer({
      dataDir,
      databaseUrl,
      env: {
        EVENT_TARGETS: JSON.stringify({ hook: { type: 'webhook', url: hook.url } }),
        EVENT_RETRY_BASE_MS: '50',
        EVENT_RETRY_MAX_MS: '200',
      },
    });

  it('delivers every committed change after a restart, exactly once, and nothing for a write that did not commit', async () => {
    child = await start();
    const s3 = child.client({ maxAttempts: 1 });
    clients.push(s3);
    const Bucket = 'crash-events';
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket,
        NotificationConfiguration: {
          QueueConfigurations: [{ Id: 'q', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:hook', Events: ['s3:ObjectCreated:*'] }],
        },
      }),
    );
    for (let i = 0; i < 50; i++) await s3.send(new PutObjectCommand({ Bucket, Key: `acked/${i}`, Body: `${i}` }));
    // More writes in flight when the process dies: each either committed with its event or not at all.
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      s3.send(new PutObjectCommand({ Bucket, Key: `inflight/${i}`, Body: `${i}` })).catch(() => null),
    );
    await new Promise((r) => setImmediate(r));
    const exit = await child.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    await Promise.all(inFlight);
    expect(hook.received).toHaveLength(0);

    await hook.start();
    child = await start();
    const s3b = child.client();
    clients.push(s3b);
    const listed = ((await s3b.send(new ListObjectsV2Command({ Bucket, MaxKeys: 1000 }))).Contents ?? []).map((o) => o.Key!).sort();
    expect(listed.filter((k) => k.startsWith('acked/'))).toHaveLength(50);
    const keys = await eventually(
      () => hook.records().map((r) => decodeURIComponent(r.s3.object.key)),
      (k) => k.length >= listed.length,
    );
    expect(keys.sort()).toEqual(listed);
    // A moment later still nothing more (no duplicate): the outbox is empty.
    const status = await eventually(
      async () => (await fetch(`${child!.endpoint}/metrics`)).text(),
      (t) => /maxiofs_events_delivered_total\{target="arn:hook"\} \d+/.test(t),
    );
    expect(status).not.toMatch(/maxiofs_events_pending\{target="arn:hook"\} [1-9]/);
    expect(hook.records()).toHaveLength(listed.length);
  }, 120_000);
});
