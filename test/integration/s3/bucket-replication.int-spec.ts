import { createHash, randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketReplicationCommand,
  DeleteObjectCommand,
  GetBucketReplicationCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketReplicationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ConsoleClient } from '../../support/console-client';
import { eventually } from '../../support/eventually';
import { startTcpRelay, TcpRelay } from '../../support/tcp-relay';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

const MIB = 1024 * 1024;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Replication to an external S3 endpoint: a second instance of this server is the destination,
 * reached through a TCP relay that is closed and reopened to play a destination that goes down.
 */
describe('bucket replication to external S3', () => {
  let source: TestServer;
  let dest: TestServer;
  /** The destination as the rules name it: a relay to `dest`, closed to play a destination that is down. */
  let relay: TcpRelay;
  let destPort: number;
  let src: S3Client;
  let root: ConsoleClient;
  const clients: S3Client[] = [];

  const destClient = () => {
    const c = dest.client();
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dest = await startServer();
    relay = await startTcpRelay(0, Number(new URL(dest.endpoint).port));
    destPort = relay.port;
    source = await startServer({ config: { eventRetryBaseMs: 50, eventRetryMaxMs: 200 } });
    src = source.client();
    root = await new ConsoleClient(source.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
  });
  afterAll(async () => {
    for (const c of [src, ...clients]) c?.destroy();
    await source?.close();
    await relay?.close();
    await dest?.close();
  });

  const pair = async (prefix: string, rule: Record<string, unknown> = {}) => {
    const bucket = uniqueBucket(prefix);
    const target = uniqueBucket(`${prefix}-dst`);
    await src.send(new CreateBucketCommand({ Bucket: bucket }));
    await destClient().send(new CreateBucketCommand({ Bucket: target }));
    const res = await root.post(`buckets/${bucket}/replication`, {
      id: 'dr',
      destination: { endpoint: `http://127.0.0.1:${destPort}`, bucket: target, access_key: ROOT_ACCESS_KEY, secret_key: ROOT_SECRET_KEY },
      ...rule,
    });
    expect(res.status).toBe(201);
    return { bucket, target, created: res.body.data };
  };
  const destKeys = async (bucket: string) =>
    ((await destClient().send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key!).sort();
  const replicationStatus = async (bucket: string, key: string) =>
    (await src.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ReplicationStatus;

  it('copies new objects with their bytes, metadata and tags; the source reads COMPLETED, the copy REPLICA; the secret is never shown', async () => {
    const { bucket, target, created } = await pair('repl');
    expect(created.destination).toEqual({
      endpoint: `http://127.0.0.1:${destPort}`,
      bucket: target,
      region: 'us-east-1',
      access_key: ROOT_ACCESS_KEY,
      force_path_style: true,
    });
    expect(JSON.stringify(created)).not.toContain(ROOT_SECRET_KEY);
    const body = randomBytes(1000);
    await src.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'docs/a b.bin',
        Body: body,
        ContentType: 'application/x-test',
        CacheControl: 'max-age=60',
        Metadata: { origin: 'source' },
        Tagging: 'team=blue&tier=1',
      }),
    );
    expect(['PENDING', 'COMPLETED']).toContain(await replicationStatus(bucket, 'docs/a b.bin'));
    expect(
      await eventually(
        () => replicationStatus(bucket, 'docs/a b.bin'),
        (s) => s === 'COMPLETED',
      ),
    ).toBe('COMPLETED');
    const got = await destClient().send(new GetObjectCommand({ Bucket: target, Key: 'docs/a b.bin' }));
    expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(body));
    expect(got.ContentType).toBe('application/x-test');
    expect(got.ReplicationStatus).toBe('REPLICA'); // the destination is one of ours
    expect(got.CacheControl).toBe('max-age=60');
    expect(got.Metadata).toEqual({ origin: 'source' });
    const tags = await destClient().send(new GetObjectTaggingCommand({ Bucket: target, Key: 'docs/a b.bin' }));
    expect(tags.TagSet?.sort((a, b) => a.Key!.localeCompare(b.Key!))).toEqual([
      { Key: 'team', Value: 'blue' },
      { Key: 'tier', Value: '1' },
    ]);
    const status = await root.get(`buckets/${bucket}/replication/dr/status`);
    expect(status.body.data).toMatchObject({ rule_id: 'dr', pending: 0, failed: 0, replicated: 1, lag_seconds: 0, last_error: null });
    const listed = await root.get(`buckets/${bucket}/replication`);
    expect(listed.body.data.rules.map((r: { id: string }) => r.id)).toEqual(['dr']);
    expect(JSON.stringify(listed.body)).not.toContain(ROOT_SECRET_KEY);
  });

  it('streams a large object as a multipart upload', async () => {
    const { bucket, target } = await pair('replbig');
    const body = randomBytes(17 * MIB);
    await src.send(new PutObjectCommand({ Bucket: bucket, Key: 'big.bin', Body: body }));
    await eventually(
      () => replicationStatus(bucket, 'big.bin'),
      (s) => s === 'COMPLETED',
      { timeoutMs: 60_000 },
    );
    const got = await destClient().send(new GetObjectCommand({ Bucket: target, Key: 'big.bin' }));
    expect(got.ETag).toMatch(/-3"$/); // 8 MiB parts
    expect(got.ReplicationStatus).toBe('REPLICA');
    expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(body));
  }, 90_000);

  it('replicates deletes when the rule says so, filters by prefix, and queues existing objects (replicate_existing, sync)', async () => {
    const bucket = uniqueBucket('replold');
    const target = uniqueBucket('replold-dst');
    await src.send(new CreateBucketCommand({ Bucket: bucket }));
    await destClient().send(new CreateBucketCommand({ Bucket: target }));
    for (const k of ['in/1', 'in/2', 'out/3']) await src.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
    const res = await root.post(`buckets/${bucket}/replication`, {
      id: 'dr',
      prefix: 'in/',
      replicate_deletes: true,
      replicate_existing: true,
      destination: { endpoint: `http://127.0.0.1:${destPort}`, bucket: target, access_key: ROOT_ACCESS_KEY, secret_key: ROOT_SECRET_KEY },
    });
    expect(res.body.data.queued).toBe(2);
    expect(
      await eventually(
        () => destKeys(target),
        (k) => k.length >= 2,
      ),
    ).toEqual(['in/1', 'in/2']);
    await src.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'in/1' }));
    expect(
      await eventually(
        () => destKeys(target),
        (k) => k.length === 1,
      ),
    ).toEqual(['in/2']);
    // A manual sync puts back what the destination lost.
    await destClient().send(new DeleteObjectCommand({ Bucket: target, Key: 'in/2' }));
    const sync = await root.post(`buckets/${bucket}/replication/dr/sync`);
    expect(sync.status).toBe(202);
    expect(sync.body.data).toEqual({ queued: 1 });
    expect(
      await eventually(
        () => destKeys(target),
        (k) => k.length === 1,
      ),
    ).toEqual(['in/2']);
  });

  it('a destination that goes down mid-way catches up when it returns: nothing lost, content intact', async () => {
    const { bucket, target } = await pair('repldown');
    const bodies = new Map<string, Buffer>();
    for (let i = 0; i < 5; i++) {
      const body = randomBytes(2000 + i);
      bodies.set(`k${i}`, body);
      await src.send(new PutObjectCommand({ Bucket: bucket, Key: `k${i}`, Body: body }));
    }
    await eventually(
      () => destKeys(target),
      (k) => k.length === 5,
    );
    await relay.close();
    for (let i = 5; i < 15; i++) {
      const body = randomBytes(2000 + i);
      bodies.set(`k${i}`, body);
      await src.send(new PutObjectCommand({ Bucket: bucket, Key: `k${i}`, Body: body }));
    }
    // Overwritten while down: the destination ends with the latest bytes.
    const latest = randomBytes(3000);
    bodies.set('k7', latest);
    await src.send(new PutObjectCommand({ Bucket: bucket, Key: 'k7', Body: latest }));
    const stuck = await eventually(
      () => root.get(`buckets/${bucket}/replication/dr/status`),
      (r) => r.body.data.last_error !== null,
    );
    expect(stuck.body.data.pending).toBe(11);
    expect(await replicationStatus(bucket, 'k9')).toBe('PENDING');
    relay = await startTcpRelay(destPort, Number(new URL(dest.endpoint).port));
    await eventually(
      () => root.get(`buckets/${bucket}/replication/dr/status`),
      (r) => r.body.data.pending === 0,
      { timeoutMs: 30_000 },
    );
    expect(await destKeys(target)).toEqual([...bodies.keys()].sort());
    for (const [key, body] of bodies) {
      const got = await destClient().send(new GetObjectCommand({ Bucket: target, Key: key }));
      expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(body));
    }
    expect(await replicationStatus(bucket, 'k9')).toBe('COMPLETED');
  }, 90_000);

  it('S3 Get/Put/DeleteBucketReplication read, change and remove the rules', async () => {
    const { bucket, target } = await pair('repls3');
    const got = await src.send(new GetBucketReplicationCommand({ Bucket: bucket }));
    expect(got.ReplicationConfiguration?.Rules).toEqual([
      {
        ID: 'dr',
        Priority: 0,
        Status: 'Enabled',
        Filter: { Prefix: '' },
        Destination: { Bucket: `arn:aws:s3:::${target}` },
        DeleteMarkerReplication: { Status: 'Disabled' },
      },
    ]);
    await src.send(
      new PutBucketReplicationCommand({
        Bucket: bucket,
        ReplicationConfiguration: {
          Role: '',
          Rules: [
            {
              ID: 'dr',
              Priority: 1,
              Status: 'Disabled',
              Filter: { Prefix: 'x/' },
              Destination: { Bucket: `arn:aws:s3:::${target}` },
              DeleteMarkerReplication: { Status: 'Enabled' },
            },
          ],
        },
      }),
    );
    const rule = (await root.get(`buckets/${bucket}/replication/dr`)).body.data;
    expect(rule).toMatchObject({ enabled: false, priority: 1, prefix: 'x/', replicate_deletes: true });
    // A rule the console has not created (no endpoint, no credentials) is refused.
    await expect(
      src.send(
        new PutBucketReplicationCommand({
          Bucket: bucket,
          ReplicationConfiguration: {
            Role: '',
            Rules: [{ ID: 'new', Status: 'Enabled', Filter: { Prefix: '' }, Destination: { Bucket: 'arn:aws:s3:::elsewhere' } }],
          },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequest' });
    await src.send(new DeleteBucketReplicationCommand({ Bucket: bucket }));
    await expect(src.send(new GetBucketReplicationCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'ReplicationConfigurationNotFoundError',
    });
    expect((await root.get(`buckets/${bucket}/replication/dr`)).status).toBe(404);
  });
});
