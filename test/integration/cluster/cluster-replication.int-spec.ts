import { createHash, randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { eventually } from '../../support/eventually';
import { blobBytes, healthSeenBy, metricOf, startTestCluster, TestCluster, TestNode } from '../../support/cluster';
import { uniqueBucket } from '../../support/start-server';

/**
 * Cluster replication on three server processes sharing one PostgreSQL: a bucket held by node B is
 * replicated to node C; B is killed with SIGKILL under traffic; reads fail over to C, writes answer
 * 503, and nothing acknowledged is lost once B returns. PostgreSQL only (skipped otherwise).
 */
const BASE_URL = process.env.TEST_DATABASE_URL;
if (!BASE_URL) {
  process.stderr.write(
    'cluster-replication.int-spec: SKIPPED — three-node cluster tests need PostgreSQL; set TEST_DATABASE_URL to run them\n',
  );
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bodyBytes = async (body: unknown) =>
  Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());

/** An SDK call's outcome: the value, or the HTTP status and Retry-After of its error. */
async function outcome<T>(
  p: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; status?: number; retryAfter?: string; code: string }> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    const e = err as { name: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
    return { ok: false, status: e.$metadata?.httpStatusCode, retryAfter: e.$response?.headers?.['retry-after'], code: e.name };
  }
}

(BASE_URL ? describe : describe.skip)(
  'cluster replication, read failover, write 503 (three nodes, skipped without TEST_DATABASE_URL)',
  () => {
    let cluster: TestCluster;
    let a: TestNode;
    let b: TestNode;
    let c: TestNode;
    const bucket = uniqueBucket('replicated');
    let ruleId: string;
    const client = (n: TestNode): S3Client => n.server.client({ maxAttempts: 1 });
    const rules = async (n: TestNode, name = bucket) =>
      (await n.console.get(`cluster/replication?bucket=${name}`)).body.data as Array<Record<string, unknown>>;
    const drained = (n: TestNode, name = bucket) =>
      eventually(
        async () => (await rules(n, name))[0]?.pending_objects,
        (p) => p === 0,
        { timeoutMs: 30_000, everyMs: 100 },
      );

    beforeAll(async () => {
      cluster = await startTestCluster(BASE_URL!, ['node-a', 'node-b', 'node-c']);
      [a, b, c] = ['node-a', 'node-b', 'node-c'].map((name) => cluster.nodes.find((n) => n.name === name)!);
      // Created through node B: B holds it.
      await client(b).send(new CreateBucketCommand({ Bucket: bucket }));
      await client(b).send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    }, 120_000);
    afterAll(async () => cluster?.close());

    it('creates a rule with an initial sync of the existing objects, and refuses bad ones', async () => {
      await client(a).send(new PutObjectCommand({ Bucket: bucket, Key: 'before-rule', Body: 'existed before the rule' }));
      expect((await a.console.post('cluster/replication', { source_bucket: bucket, destination_node_id: 'node-b' })).status).toBe(400);
      expect((await a.console.post('cluster/replication', { source_bucket: bucket, destination_node_id: 'node-z' })).status).toBe(404);
      expect(
        (await a.console.post('cluster/replication', { source_bucket: 'no-such-bucket-here', destination_node_id: 'node-c' })).status,
      ).toBe(404);

      const created = await a.console.post('cluster/replication', {
        source_bucket: bucket,
        destination_node_id: 'node-c',
        replicate_deletes: true,
      });
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({
        source_bucket: bucket,
        destination_bucket: bucket,
        destination_node_id: 'node-c',
        destination_node_ids: ['node-c'],
        enabled: true,
        queued_objects: 1,
      });
      ruleId = created.body.data.id;
      expect((await c.console.post('cluster/replication', { source_bucket: bucket, destination_node_id: 'node-c' })).status).toBe(409);
      expect(await drained(c)).toBe(0);
      const listed = await b.console.get('cluster/replication');
      expect(listed.body.rules.map((r: { id: string }) => r.id)).toContain(ruleId);
      expect((await b.console.get(`cluster/replication/${ruleId}`)).body.data).toMatchObject({
        in_sync: true,
        pending_by_node: { 'node-c': 0 },
      });
      expect((await a.console.get('cluster/status')).body.data.replicated_buckets).toBe(1);
    });

    it('counts pending copies on the metrics and health routes as the queue holds them', async () => {
      // A declared node that never runs: copies to it stay pending (retried with backoff).
      expect((await a.console.post('cluster/nodes', { id: 'node-x', name: 'never-up', endpoint: 'http://127.0.0.1:1' })).status).toBe(201);
      const other = uniqueBucket('pending');
      await client(b).send(new CreateBucketCommand({ Bucket: other }));
      for (const key of ['p1', 'p2', 'p3']) await client(a).send(new PutObjectCommand({ Bucket: other, Key: key, Body: key }));
      const rule = await c.console.post('cluster/replication', { bucket: other, destination_node_ids: ['node-x'] });
      expect(rule.body.data.queued_objects).toBe(3);
      await client(c).send(new PutObjectCommand({ Bucket: other, Key: 'p4', Body: 'p4' }));
      for (const n of [a, b, c]) expect(await metricOf(n, 'cluster_replication_objects_pending')).toBe(4);
      const health = await a.console.get('cluster/health');
      expect(health.body.data.replication).toMatchObject({ objects_pending: 4, pending_by_node: { 'node-x': 4 } });
      expect((await rules(a, other))[0]).toMatchObject({ pending_objects: 4, in_sync: false });
      // Deleting the rule drops its queue.
      expect((await a.console.delete(`cluster/replication/${rule.body.data.id}`)).status).toBe(204);
      expect(await metricOf(b, 'cluster_replication_objects_pending')).toBe(0);
      expect((await a.console.delete('cluster/nodes/node-x')).status).toBe(204);
    });

    const payload = randomBytes(256 * 1024);
    const big = randomBytes(6 * 1024 * 1024);
    const versions: Record<string, string> = {};

    it('copies writes, new versions and multipart objects to the replica; a deleted version leaves it', async () => {
      const v1 = await client(a).send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'version one' }));
      const v2 = await client(c).send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: payload }));
      versions.v1 = v1.VersionId!;
      versions.v2 = v2.VersionId!;
      await new Upload({ client: client(a), params: { Bucket: bucket, Key: 'multi', Body: big }, partSize: 5 * 1024 * 1024 }).done();
      const doomed = await client(a).send(new PutObjectCommand({ Bucket: bucket, Key: 'doomed', Body: randomBytes(1024 * 1024) }));
      expect(await drained(a)).toBe(0);
      const held = blobBytes(c.server.dataDir);
      // The replica holds every version's bytes (C holds no bucket of its own).
      expect(held).toBeGreaterThanOrEqual(payload.length + big.length + 1024 * 1024);
      await client(a).send(new DeleteObjectCommand({ Bucket: bucket, Key: 'doomed', VersionId: doomed.VersionId }));
      expect(await drained(a)).toBe(0);
      expect(blobBytes(c.server.dataDir)).toBeLessThanOrEqual(held - 1024 * 1024);
      // A plain delete in a versioned bucket is a delete marker: catalog only.
      await client(a).send(new PutObjectCommand({ Bucket: bucket, Key: 'marked', Body: 'soon hidden' }));
      await client(a).send(new DeleteObjectCommand({ Bucket: bucket, Key: 'marked' }));
      expect(await drained(a)).toBe(0);
    });

    it('SIGKILL of the owner under traffic: reads fail over to the replica, writes answer 503, nothing acknowledged is lost', async () => {
      const acked: Array<{ key: string; body: Buffer }> = [];
      let writing = true;
      let i = 0;
      const writer = (async () => {
        while (writing) {
          const key = `load-${i++}`;
          const body = randomBytes(2048);
          const r = await outcome(client(a).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })));
          if (r.ok) acked.push({ key, body });
          else await new Promise((res) => setTimeout(res, 50));
        }
      })();
      await eventually(
        () => acked.length,
        (n) => n >= 10,
      );
      await b.server.kill('SIGKILL');
      for (const n of [a, c]) {
        expect(
          await eventually(
            () => healthSeenBy(n, 'node-b'),
            (h) => h === 'unhealthy',
            { timeoutMs: 20_000, everyMs: 200 },
          ),
        ).toBe('unhealthy');
      }

      // Writes: 503 with Retry-After on every node, never accepted.
      for (const n of [a, c]) {
        const refused = await outcome(client(n).send(new PutObjectCommand({ Bucket: bucket, Key: 'while-down', Body: 'x' })));
        expect(refused).toMatchObject({ ok: false, status: 503, retryAfter: '5' });
        const del = await outcome(client(n).send(new DeleteObjectCommand({ Bucket: bucket, Key: 'doc' })));
        expect(del).toMatchObject({ ok: false, status: 503 });
      }
      // Reads through A and C: served by C from its copy.
      for (const n of [a, c]) {
        const latest = await client(n).send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' }));
        expect(sha256(await bodyBytes(latest.Body))).toBe(sha256(payload));
        expect(latest.VersionId).toBe(versions.v2);
        const old = await client(n).send(new GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: versions.v1 }));
        expect((await bodyBytes(old.Body)).toString()).toBe('version one');
        const multi = await client(n).send(new GetObjectCommand({ Bucket: bucket, Key: 'multi' }));
        expect(sha256(await bodyBytes(multi.Body))).toBe(sha256(big));
        const range = await client(n).send(new GetObjectCommand({ Bucket: bucket, Key: 'multi', Range: 'bytes=5242870-5242889' }));
        expect(await bodyBytes(range.Body)).toEqual(big.subarray(5242870, 5242890));
        expect((await client(n).send(new HeadObjectCommand({ Bucket: bucket, Key: 'before-rule' }))).ContentLength).toBe(23);
        const listed = await client(n).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'd' }));
        expect(listed.Contents?.map((o) => o.Key)).toEqual(['doc']);
        const gone = await outcome(client(n).send(new GetObjectCommand({ Bucket: bucket, Key: 'marked' })));
        expect(gone).toMatchObject({ ok: false, status: 404 });
        const doomed = await client(n).send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'doomed' }));
        expect(doomed.Versions ?? []).toEqual([]);
      }
      writing = false;
      await writer;
      // Objects acknowledged just before the kill: served from C once copied, else 503 — never wrong bytes.
      for (const { key, body } of acked) {
        const r = await outcome(client(c).send(new GetObjectCommand({ Bucket: bucket, Key: key })));
        if (r.ok) expect(sha256(await bodyBytes(r.value.Body))).toBe(sha256(body));
        else expect(r).toMatchObject({ status: 503 });
      }

      // B comes back: every acknowledged object is there, and the queue drains to C.
      b = await cluster.start('node-b');
      expect(
        await eventually(
          () => healthSeenBy(a, 'node-b'),
          (h) => h === 'healthy',
          { timeoutMs: 20_000, everyMs: 200 },
        ),
      ).toBe('healthy');
      for (const { key, body } of acked) {
        const r = await client(a).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        expect(sha256(await bodyBytes(r.Body))).toBe(sha256(body));
      }
      expect(await drained(c)).toBe(0);
      for (const n of [a, b, c]) expect(await metricOf(n, 'cluster_replication_objects_pending')).toBe(0);
      expect((await c.console.get('cluster/health')).body.data.replication.objects_pending).toBe(0);
    }, 120_000);
  },
);
