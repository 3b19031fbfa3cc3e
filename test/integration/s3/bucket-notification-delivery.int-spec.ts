import { createHmac } from 'node:crypto';
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import * as amqp from 'amqplib';
import Redis from 'ioredis';
import * as mqtt from 'mqtt';
import { connect as natsConnect } from 'nats';
import { LifecycleWorker } from '../../../src/lifecycle/lifecycle.worker';
import { ConsoleClient } from '../../support/console-client';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/child-server';
import { SettableClock } from '../../support/settable-clock';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';
import { startTcpRelay } from '../../support/tcp-relay';
import { WebhookReceiver } from '../../support/webhook-receiver';

/* eslint-disable @typescript-eslint/no-explicit-any */

const DAY = 24 * 3600 * 1000;
/** PUTs of the "as many events as writes" test: 500 keeps it lean on 2 cores; EVENT_TEST_PUTS=10000 runs the full count. */
const MANY = Number(process.env.EVENT_TEST_PUTS ?? 500);

/**
 * Bucket notifications delivered: a webhook receiver on this machine and the real brokers
 * (Redis 6379, RabbitMQ 5672, Mosquitto 1883, NATS 4222; JetStream on a nats-server -js started here).
 */
describe('bucket notification delivery', () => {
  const clock = new SettableClock();
  const hook = new WebhookReceiver();
  let server: TestServer;
  let s3: S3Client;
  let root: ConsoleClient;

  beforeAll(async () => {
    await hook.start();
    server = await startServer({
      clock,
      config: {
        eventTargets: { 'orders-hook': { type: 'webhook', url: hook.url } },
        eventRetryBaseMs: 100,
        eventRetryMaxMs: 400,
      },
    });
    s3 = server.client();
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
    await hook.stop();
  });

  const newBucket = async (prefix: string, versioned = false) => {
    const bucket = uniqueBucket(prefix);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    if (versioned) await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    return bucket;
  };
  const setRules = async (bucket: string, rules: unknown[]) => {
    const res = await root.put(`buckets/${bucket}/notifications`, { rules });
    expect(res.status).toBe(200);
    expect(res.body.data.delivery_enabled).toBe(true);
  };
  const recordsOf = (bucket: string) => hook.records().filter((r) => r.s3.bucket.name === bucket);
  const waitFor = async (bucket: string, n: number, timeoutMs = 15_000) => {
    const got = await eventually(
      () => recordsOf(bucket),
      (r) => r.length >= n,
      { timeoutMs },
    );
    expect(got).toHaveLength(n);
    return got;
  };

  it('sends ObjectCreated:Put exactly as S3 writes it, signed with the HMAC secret and the configured header', async () => {
    const bucket = await newBucket('evput');
    await setRules(bucket, [
      {
        id: 'created',
        target: { type: 'webhook', url: hook.url, headers: { Authorization: 'Bearer t0ken' }, secret: 's3cr3t' },
        events: ['s3:ObjectCreated:*'],
      },
    ]);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'photos/red flower.jpg', Body: 'hello' }));
    const [record] = await waitFor(bucket, 1);
    const requestId = put.$metadata.requestId;
    expect(record).toEqual({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: server.region,
      eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: ROOT_ACCESS_KEY },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': requestId, 'x-amz-id-2': put.$metadata.extendedRequestId },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'created',
        bucket: { name: bucket, ownerIdentity: { principalId: expect.any(String) }, arn: `arn:aws:s3:::${bucket}` },
        object: {
          key: 'photos/red+flower.jpg',
          size: 5,
          eTag: put.ETag!.replace(/"/g, ''),
          sequencer: expect.stringMatching(/^[0-9A-F]+$/),
        },
      },
    });
    const message = hook.received.find((m) => m.json.Records[0].s3.bucket.name === bucket)!;
    expect(Object.keys(message.json)).toEqual(['Records']);
    expect(message.headers.authorization).toBe('Bearer t0ken');
    expect(message.headers['content-type']).toBe('application/json');
    expect(message.headers['x-signature-256']).toBe(`sha256=${createHmac('sha256', 's3cr3t').update(message.body).digest('hex')}`);
    // The console never shows the secret back.
    const cfg = await root.get(`buckets/${bucket}/notifications`);
    expect(cfg.body.data.rules[0].target.secret).toBeUndefined();
    expect(cfg.body.data.rules[0].target.secret_set).toBe(true);
  });

  it('sends Copy, CompleteMultipartUpload, Delete, DeleteMarkerCreated, one per object of DeleteObjects, in order, filtered', async () => {
    const bucket = await newBucket('evall', true);
    await setRules(bucket, [
      {
        id: 'docs',
        target: { type: 'webhook', url: hook.url },
        events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
        filter: { prefix: 'docs/', suffix: '.txt' },
      },
    ]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'other/a.txt', Body: 'x' })); // prefix does not match
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'docs/a.bin', Body: 'x' })); // suffix does not match
    const v1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'docs/a.txt', Body: 'abc' }));
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'docs/b.txt', CopySource: `${bucket}/docs/a.txt` }));
    const mp = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'docs/big.txt' }));
    const part = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'docs/big.txt', UploadId: mp.UploadId, PartNumber: 1, Body: 'part' }),
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'docs/big.txt',
        UploadId: mp.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'docs/a.txt' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'docs/a.txt', VersionId: v1.VersionId }));
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: [{ Key: 'docs/b.txt' }, { Key: 'docs/big.txt' }, { Key: 'other/a.txt' }] },
      }),
    );
    const records = await waitFor(bucket, 7);
    const seen = records.map((r) => [r.eventName, r.s3.object.key]);
    expect(seen.slice(0, 5)).toEqual([
      ['ObjectCreated:Put', 'docs/a.txt'],
      ['ObjectCreated:Copy', 'docs/b.txt'],
      ['ObjectCreated:CompleteMultipartUpload', 'docs/big.txt'],
      ['ObjectRemoved:DeleteMarkerCreated', 'docs/a.txt'],
      ['ObjectRemoved:Delete', 'docs/a.txt'],
    ]);
    // DeleteObjects runs its deletes concurrently: one event per object, in any order.
    expect(seen.slice(5).sort()).toEqual([
      ['ObjectRemoved:DeleteMarkerCreated', 'docs/b.txt'],
      ['ObjectRemoved:DeleteMarkerCreated', 'docs/big.txt'],
    ]);
    expect(records[0].s3.object).toMatchObject({ size: 3, versionId: v1.VersionId });
    expect(records[2].s3.object).toMatchObject({ size: 4, eTag: done.ETag!.replace(/"/g, ''), versionId: done.VersionId });
    expect(records[3].s3.object).toEqual({ key: 'docs/a.txt', versionId: marker.VersionId, sequencer: expect.any(String) });
    expect(records[4].s3.object).toEqual({ key: 'docs/a.txt', versionId: v1.VersionId, sequencer: expect.any(String) });
    // The sequencer of a key's later event sorts after its earlier one.
    expect(records[4].s3.object.sequencer > records[0].s3.object.sequencer).toBe(true);
  });

  it('delivers to the server target an S3 ARN names (PutBucketNotificationConfiguration)', async () => {
    const bucket = await newBucket('evarn');
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [{ Id: 'q', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:orders-hook', Events: ['s3:ObjectCreated:Put'] }],
        },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'order-1.json', Body: '{}' }));
    const [record] = await waitFor(bucket, 1);
    expect(record).toMatchObject({ eventName: 'ObjectCreated:Put', s3: { configurationId: 'q', object: { key: 'order-1.json' } } });
    const status = await root.get(`buckets/${bucket}/notifications/status`);
    expect(status.status).toBe(200);
    expect(status.body.data.rules).toEqual([
      expect.objectContaining({ id: 'q', target_id: 'arn:orders-hook', target_type: 'webhook', pending: 0, dead: 0 }),
    ]);
    expect(status.body.data.rules[0].health.ok).toBe(true);
  });

  it('a target down for a while receives every event once it is back, in order; the console shows the queue', async () => {
    const bucket = await newBucket('evdown');
    await setRules(bucket, [{ id: 'all', target: { type: 'webhook', url: hook.url }, events: ['s3:ObjectCreated:Put'] }]);
    await hook.stop();
    try {
      for (let i = 0; i < 20; i++)
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `k${String(i).padStart(2, '0')}`, Body: `${i}` }));
      // Several retries fail while it is down (backoff 100 ms doubling to 400 ms).
      const stuck = await eventually(
        () => root.get(`buckets/${bucket}/notifications/status`),
        (r) => r.body.data.rules[0].last_error !== null,
      );
      expect(stuck.body.data.rules[0]).toMatchObject({ pending: 20, dead: 0, health: { ok: false } });
      const metrics = await (await fetch(`${server.endpoint}/metrics`)).text();
      expect(metrics).toContain(`maxiofs_events_pending{target="${bucket}/all"} 20`);
      expect(metrics).toMatch(new RegExp(`maxiofs_events_failed_total\\{target="${bucket}/all"\\} [1-9]`));
    } finally {
      await hook.start();
    }
    const records = await waitFor(bucket, 20);
    expect(records.map((r) => r.s3.object.key)).toEqual(Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`));
    const after = await root.get(`buckets/${bucket}/notifications/status`);
    expect(after.body.data.rules[0]).toMatchObject({ pending: 0, dead: 0, health: { ok: true } });
    const metrics = await (await fetch(`${server.endpoint}/metrics`)).text();
    expect(metrics).toContain(`maxiofs_events_delivered_total{target="${bucket}/all"} 20`);
  });

  it(`${MANY} PUTs produce exactly ${MANY} events`, async () => {
    const bucket = await newBucket('evmany');
    await setRules(bucket, [{ id: 'all', target: { type: 'webhook', url: hook.url }, events: ['s3:ObjectCreated:*'] }]);
    let next = 0;
    const worker = async () => {
      while (next < MANY) {
        const i = next++;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `obj/${i}`, Body: 'x' }));
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const records = await waitFor(bucket, MANY, 120_000);
    expect(new Set(records.map((r) => r.s3.object.key)).size).toBe(MANY);
  }, 180_000);

  it('sends lifecycle expirations as LifecycleExpiration:Delete', async () => {
    const bucket = await newBucket('evlc');
    await setRules(bucket, [{ id: 'lc', target: { type: 'webhook', url: hook.url }, events: ['s3:LifecycleExpiration:*'] }]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tmp/old.log', Body: 'old' }));
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: [{ ID: 'tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } }] },
      }),
    );
    clock.advance(3 * DAY);
    await server.app.app.get(LifecycleWorker).runOnce();
    const [record] = await waitFor(bucket, 1);
    expect(record).toMatchObject({
      eventName: 'LifecycleExpiration:Delete',
      userIdentity: { principalId: 's3.amazonaws.com' },
      s3: { object: { key: 'tmp/old.log' } },
    });
  });

  describe('brokers', () => {
    it('Redis: RPUSH to a list, and PUBLISH to a channel', async () => {
      const bucket = await newBucket('evredis');
      const list = `events-${bucket}`;
      const sub = new Redis('redis://127.0.0.1:6379');
      const redis = new Redis('redis://127.0.0.1:6379');
      const published: string[] = [];
      try {
        await sub.subscribe(`chan-${bucket}`);
        sub.on('message', (_c, m) => published.push(m));
        await setRules(bucket, [
          { id: 'list', target: { type: 'redis', url: 'redis://127.0.0.1:6379', key: list }, events: ['s3:ObjectCreated:*'] },
          {
            id: 'chan',
            target: { type: 'redis', url: 'redis://127.0.0.1:6379/0', channel: `chan-${bucket}` },
            events: ['s3:ObjectCreated:*'],
          },
        ]);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'a' }));
        const items = await eventually(
          () => redis.lrange(list, 0, -1),
          (l) => l.length >= 1,
        );
        expect(items).toHaveLength(1);
        expect(JSON.parse(items[0]).Records[0]).toMatchObject({
          eventName: 'ObjectCreated:Put',
          s3: { configurationId: 'list', object: { key: 'a.txt' } },
        });
        await eventually(
          () => published.length,
          (n) => n >= 1,
        );
        expect(JSON.parse(published[0]).Records[0]).toMatchObject({ s3: { configurationId: 'chan', object: { key: 'a.txt' } } });
        await redis.del(list);
      } finally {
        sub.disconnect();
        redis.disconnect();
      }
    });

    it('RabbitMQ: publishes to the exchange with the routing key', async () => {
      const bucket = await newBucket('evamqp');
      const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
      try {
        const ch = await conn.createChannel();
        const q = await ch.assertQueue(`q-${bucket}`, { exclusive: true, autoDelete: true });
        const got: any[] = [];
        await ch.consume(q.queue, (m) => m && got.push(JSON.parse(m.content.toString())), { noAck: true });
        await setRules(bucket, [
          {
            id: 'mq',
            target: { type: 'rabbitmq', url: 'amqp://guest:guest@127.0.0.1:5672', routing_key: q.queue },
            events: ['s3:ObjectCreated:*'],
          },
        ]);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'a' }));
        await eventually(
          () => got.length,
          (n) => n >= 1,
        );
        expect(got).toHaveLength(1);
        expect(got[0].Records[0]).toMatchObject({
          eventName: 'ObjectCreated:Put',
          s3: { configurationId: 'mq', object: { key: 'a.txt' } },
        });
        const status = await root.get(`buckets/${bucket}/notifications/status`);
        expect(status.body.data.rules[0].health).toMatchObject({ ok: true });
      } finally {
        await conn.close();
      }
    });

    it('MQTT: publishes on the topic (QoS 1)', async () => {
      const bucket = await newBucket('evmqtt');
      const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
      try {
        const got: any[] = [];
        client.on('message', (_t, payload) => got.push(JSON.parse(payload.toString())));
        await client.subscribeAsync(`s3/${bucket}`, { qos: 1 });
        await setRules(bucket, [
          {
            id: 'mqtt',
            target: { type: 'mqtt', url: 'mqtt://127.0.0.1:1883', topic: `s3/${bucket}`, qos: 1 },
            events: ['s3:ObjectCreated:*'],
          },
        ]);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'a' }));
        await eventually(
          () => got.length,
          (n) => n >= 1,
        );
        expect(got[0].Records[0]).toMatchObject({
          eventName: 'ObjectCreated:Put',
          s3: { configurationId: 'mqtt', object: { key: 'a.txt' } },
        });
      } finally {
        await client.endAsync();
      }
    });

    it('NATS: publishes on the subject', async () => {
      const bucket = await newBucket('evnats');
      const nc = await natsConnect({ servers: 'nats://127.0.0.1:4222' });
      try {
        const got: any[] = [];
        const sub = nc.subscribe(`s3.${bucket}`);
        void (async () => {
          for await (const m of sub) got.push(JSON.parse(new TextDecoder().decode(m.data)));
        })();
        await nc.flush();
        await setRules(bucket, [
          { id: 'nats', target: { type: 'nats', url: 'nats://127.0.0.1:4222', subject: `s3.${bucket}` }, events: ['s3:ObjectCreated:*'] },
        ]);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'a' }));
        await eventually(
          () => got.length,
          (n) => n >= 1,
        );
        expect(got[0].Records[0]).toMatchObject({
          eventName: 'ObjectCreated:Put',
          s3: { configurationId: 'nats', object: { key: 'a.txt' } },
        });
      } finally {
        await nc.close();
      }
    });

    it('NATS JetStream: the stream stores the event (publish acknowledged)', async () => {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), 'os3-js-'));
      const js: ChildProcess = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
      try {
        const nc = await eventually(
          () => natsConnect({ servers: `nats://127.0.0.1:${port}` }).catch(() => null),
          (c) => c !== null,
        );
        expect(nc).not.toBeNull();
        const bucket = await newBucket('evjs');
        const jsm = await nc!.jetstreamManager();
        await jsm.streams.add({ name: 'S3EVENTS', subjects: ['s3events.>'] });
        await setRules(bucket, [
          {
            id: 'js',
            target: { type: 'nats', url: `nats://127.0.0.1:${port}`, subject: `s3events.${bucket}`, jetstream: true },
            events: ['s3:ObjectCreated:*'],
          },
        ]);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'a' }));
        const info = await eventually(
          () => jsm.streams.info('S3EVENTS'),
          (i) => i.state.messages >= 1,
        );
        expect(info.state.messages).toBe(1);
        const msg = await jsm.streams.getMessage('S3EVENTS', { seq: 1 });
        expect(JSON.parse(new TextDecoder().decode(msg.data)).Records[0]).toMatchObject({
          s3: { configurationId: 'js', object: { key: 'a.txt' } },
        });
        await nc!.close();
      } finally {
        js.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a broker on a wrong port then fixed: the events wait, then all arrive', async () => {
      const bucket = await newBucket('evfix');
      const list = `fix-${bucket}`;
      const redis = new Redis('redis://127.0.0.1:6379');
      const deadPort = await freePort();
      try {
        const rule = (port: number) => ({
          id: 'r',
          target: { type: 'redis', url: `redis://127.0.0.1:${port}`, key: list },
          events: ['s3:ObjectCreated:*'],
        });
        await setRules(bucket, [rule(deadPort)]);
        for (const k of ['1', '2', '3']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
        const stuck = await eventually(
          () => root.get(`buckets/${bucket}/notifications/status`),
          (r) => r.body.data.rules[0].last_error !== null,
        );
        expect(stuck.body.data.rules[0]).toMatchObject({ pending: 3, health: { ok: false } });
        // The events keep the target they were recorded with; a fixed configuration applies to new
        // events, and the stuck ones are moved by fixing the broker (here: a relay on the old port).
        const relay = await startTcpRelay(deadPort, 6379);
        try {
          const items = await eventually(
            () => redis.lrange(list, 0, -1),
            (l) => l.length >= 3,
          );
          expect(items.map((i) => JSON.parse(i).Records[0].s3.object.key)).toEqual(['1', '2', '3']);
        } finally {
          await relay.close();
        }
        await redis.del(list);
      } finally {
        redis.disconnect();
      }
    });
  });
});

describe('bucket notification dead letters', () => {
  const hook = new WebhookReceiver();
  let server: TestServer;
  let s3: S3Client;
  let root: ConsoleClient;

  beforeAll(async () => {
    await hook.start();
    server = await startServer({ config: { eventRetryBaseMs: 20, eventRetryMaxMs: 40, eventMaxAttempts: 3 } });
    s3 = server.client();
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
    await hook.stop();
  });

  it('dead-letters an event its target refuses EVENT_MAX_ATTEMPTS times, shows it, and delivers it when retried', async () => {
    const bucket = uniqueBucket('evdead');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await root.put(`buckets/${bucket}/notifications`, {
      rules: [{ id: 'h', target: { type: 'webhook', url: hook.url }, events: ['s3:ObjectCreated:*'] }],
    });
    hook.status = 500;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'x.txt', Body: 'x' }));
    const dead = await eventually(
      () => root.get(`buckets/${bucket}/notifications/dead-letters`),
      (r) => r.body.data.events.length >= 1,
    );
    expect(dead.body.data.events).toEqual([
      expect.objectContaining({
        key: 'x.txt',
        rule_id: 'h',
        event_name: 'ObjectCreated:Put',
        attempts: 3,
        last_error: 'webhook answered HTTP 500',
      }),
    ]);
    expect((await root.get(`buckets/${bucket}/notifications/status`)).body.data).toMatchObject({ pending: 0, dead: 1 });
    const metrics = await (await fetch(`${server.endpoint}/metrics`)).text();
    expect(metrics).toContain(`maxiofs_events_dead_letter{target="${bucket}/h"} 1`);
    hook.status = 200;
    const retried = await root.post(`buckets/${bucket}/notifications/dead-letters/retry`);
    expect(retried.body.data).toEqual({ requeued: 1 });
    const got = await eventually(
      () => hook.records(),
      (r) => r.length >= 1,
    );
    expect(got.map((r) => r.s3.object.key)).toEqual(['x.txt']);
    expect((await root.get(`buckets/${bucket}/notifications/dead-letters`)).body.data.events).toEqual([]);
  });
});
