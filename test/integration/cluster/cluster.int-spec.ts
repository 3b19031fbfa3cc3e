import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { signInternalRequest, sha256Hex } from '../../../src/cluster/internal-auth';
import { eventually } from '../../support/eventually';
import { blobBytes, startTestCluster, TEST_CLUSTER_SECRET, TestCluster, TestNode } from '../../support/cluster';
import { uniqueBucket } from '../../support/start-server';

/**
 * Three server processes on one PostgreSQL (cluster mode). PostgreSQL only: cluster mode refuses
 * SQLite, so without TEST_DATABASE_URL this suite is skipped (CI runs it in its PostgreSQL pass).
 */
const BASE_URL = process.env.TEST_DATABASE_URL;
if (!BASE_URL) {
  process.stderr.write('cluster.int-spec: SKIPPED — three-node cluster tests need PostgreSQL; set TEST_DATABASE_URL to run them\n');
}

const NAMES = ['node-a', 'node-b', 'node-c'];

/** Reads a node's console event stream (SSE) until an event matches; the events seen otherwise. */
async function sseUntil(
  consoleUrl: string,
  token: string,
  match: (e: { type: string; data: Record<string, unknown> }) => boolean,
  started: () => Promise<void>,
): Promise<{ type: string; data: Record<string, unknown> } | undefined> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 10_000);
  try {
    const res = await fetch(`${consoleUrl}/api/v1/notifications/stream`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    await started();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return undefined;
      buffer += decoder.decode(value, { stream: true });
      for (const line of buffer.split('\n')) {
        if (!line.startsWith('data: ')) continue;
        const event = JSON.parse(line.slice(6)) as { type: string; data: Record<string, unknown> };
        if (match(event)) return event;
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    }
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bodyBytes = async (body: unknown) =>
  Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());

/** Metric value from a Prometheus text page. */
const metric = (text: string, name: string): number | undefined => {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

(BASE_URL ? describe : describe.skip)('three nodes on one PostgreSQL (skipped without TEST_DATABASE_URL)', () => {
  let cluster: TestCluster;
  let a: TestNode;
  let b: TestNode;
  let c: TestNode;
  const byName = (name: string) => cluster.nodes.find((n) => n.name === name)!;
  const nodesSeenBy = async (n: TestNode) => {
    const res = await n.console.get('cluster/nodes');
    expect(res.status).toBe(200);
    return res.body.data as Array<{
      id: string;
      name: string;
      health_status: string;
      endpoint: string;
      last_heartbeat: string | null;
      is_local: boolean;
    }>;
  };

  beforeAll(async () => {
    cluster = await startTestCluster(BASE_URL!, NAMES);
    [a, b, c] = NAMES.map(byName);
  }, 120_000);
  afterAll(async () => cluster?.close());

  it('registers every node, visible with its endpoint and heartbeats on every node', async () => {
    for (const n of [a, b, c]) {
      const nodes = await nodesSeenBy(n);
      expect(nodes.map((x) => x.id).sort()).toEqual(NAMES);
      for (const x of nodes) {
        expect(x.health_status).toBe('healthy');
        expect(x.endpoint).toBe(byName(x.id).server.endpoint);
        expect(x.is_local).toBe(x.id === n.name);
      }
    }
    // Heartbeats move on: node-b's last heartbeat, as node-c sees it, advances.
    const first = (await nodesSeenBy(c)).find((x) => x.id === 'node-b')!.last_heartbeat!;
    const later = await eventually(
      async () => (await nodesSeenBy(c)).find((x) => x.id === 'node-b')!.last_heartbeat!,
      (hb) => Date.parse(hb) > Date.parse(first),
    );
    expect(Date.parse(later)).toBeGreaterThan(Date.parse(first));

    const status = await a.console.get('cluster/status');
    expect(status.body.data).toMatchObject({ is_enabled: true, total_nodes: 3, healthy_nodes: 3, unhealthy_nodes: 0 });
    const config = await b.console.get('cluster/config');
    expect(config.body.data).toMatchObject({ is_cluster_enabled: true, node_id: 'node-b', endpoint: b.server.endpoint });
    expect(config.body.data.cluster_id).toBe(status.body.data.cluster_id);
    expect(JSON.stringify(config.body)).not.toContain(TEST_CLUSTER_SECRET);
  });

  it('reports the node figures on the metrics and health routes', async () => {
    for (const n of [a, c]) {
      const text = await (await fetch(`${n.server.endpoint}/metrics`)).text();
      expect(metric(text, 'cluster_nodes_total')).toBe(3);
      expect(metric(text, 'cluster_nodes_healthy')).toBe(3);
    }
    const health = await b.console.get('cluster/health');
    expect(health.body.data).toMatchObject({ overall_status: 'healthy', total_nodes: 3, healthy_nodes: 3, health_percentage: 100 });
  });

  it('refuses forged, unsigned and replayed internal requests, and serves signed ones', async () => {
    const path = '/_cluster/v1/node';
    const url = `${c.server.endpoint}${path}`;
    const unsigned = await fetch(url);
    expect(unsigned.status).toBe(403);
    const parts = { method: 'GET', target: path, contentSha256: sha256Hex('') };
    const forged = await fetch(url, { headers: signInternalRequest('not-the-cluster-secret-but-long-enough-0000', 'node-a', parts) });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toMatch(/refused: bad signature/);

    const signed = signInternalRequest(TEST_CLUSTER_SECRET, 'node-a', parts);
    const ok = await fetch(url, { headers: signed });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ node_id: 'node-c', asked_by: 'node-a' });
    const replayed = await fetch(url, { headers: signed });
    expect(replayed.status).toBe(403);
    expect(await replayed.text()).toMatch(/replayed/);
  });

  it('probes every other node on a health refresh', async () => {
    const res = await a.console.post('cluster/health/refresh');
    expect(res.status).toBe(200);
    const probes = res.body.data.probes as Array<{ node_id: string; reachable: boolean; latency_ms: number | null }>;
    expect(probes.map((p) => p.node_id).sort()).toEqual(['node-b', 'node-c']);
    for (const p of probes) {
      expect(p.reachable).toBe(true);
      expect(p.latency_ms).toEqual(expect.any(Number));
    }
    expect((await c.console.get('cluster/nodes/node-b')).body.data.latency_ms).toEqual(expect.any(Number));
  });

  it('refuses on node C, within a second, a key whose user was disabled on node A', async () => {
    const created = await a.console.post('users', { username: `cluster-user-${Date.now()}`, role: 'admin', create_access_key: true });
    expect(created.status).toBe(201);
    const key = created.body.access_key as { access_key_id: string; secret_access_key: string };
    const onC = new S3Client({
      endpoint: c.server.endpoint,
      region: c.server.region,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: key.access_key_id, secretAccessKey: key.secret_access_key },
    });
    // Node C knows (and caches, for 5 s) the key.
    expect((await onC.send(new ListBucketsCommand({}))).$metadata.httpStatusCode).toBe(200);

    const disabled = await a.console.patch(`users/${created.body.data.id}/status`, { status: 'inactive' });
    expect(disabled.status).toBe(200);
    const refused = await eventually(
      () =>
        onC.send(new ListBucketsCommand({})).then(
          () => 'accepted',
          (err: { name: string }) => err.name,
        ),
      (outcome) => outcome !== 'accepted',
      { timeoutMs: 1000, everyMs: 25 },
    );
    expect(refused).toBe('InvalidAccessKeyId');
  });

  it('stops serving on node C, within a second, a bucket deleted on node A', async () => {
    const bucket = uniqueBucket('cluster');
    await a.server.client().send(new CreateBucketCommand({ Bucket: bucket }));
    const onC = c.server.client({ maxAttempts: 1 });
    // Node C caches the bucket row (2 s).
    expect((await onC.send(new HeadBucketCommand({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(200);
    expect((await a.console.delete(`buckets/${bucket}`)).status).toBe(204);
    const status = await eventually(
      () =>
        onC.send(new HeadBucketCommand({ Bucket: bucket })).then(
          () => 200,
          (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode,
        ),
      (s) => s === 404,
      { timeoutMs: 1000, everyMs: 25 },
    );
    expect(status).toBe(404);
  });

  it('applies on node C, within a second, maintenance mode switched on at node A', async () => {
    const bucket = uniqueBucket('maint');
    await c.server.client().send(new CreateBucketCommand({ Bucket: bucket }));
    const put = () =>
      c.server
        .client({ maxAttempts: 1 })
        .send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x' }))
        .then(
          () => 200,
          (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode,
        );
    expect(await put()).toBe(200);
    expect((await a.console.put('settings/maintenance_mode', { value: true })).status).toBe(200);
    try {
      expect(await eventually(put, (s) => s === 503, { timeoutMs: 1000, everyMs: 25 })).toBe(503);
    } finally {
      expect((await a.console.put('settings/maintenance_mode', { value: false })).status).toBe(200);
    }
    expect(await eventually(put, (s) => s === 200)).toBe(200);
  });

  describe('placement and forwarding', () => {
    let bucket: string;
    beforeAll(async () => {
      bucket = uniqueBucket('owned-by-b');
      // A bucket belongs to the node that creates it.
      await b.server.client().send(new CreateBucketCommand({ Bucket: bucket }));
    });

    it('streams an object written through A to the bucket on B; C reads it back byte-identical', async () => {
      const before = NAMES.map((n) => blobBytes(byName(n).server.dataDir));
      const data = randomBytes(6 * 1024 * 1024 + 17);
      // A stream body: the SDK sends it aws-chunked with a checksum trailer, which B decodes.
      const put = await a.server
        .client()
        .send(new PutObjectCommand({ Bucket: bucket, Key: 'big/object.bin', Body: Readable.from([data]), ContentLength: data.length }));
      expect(put.$metadata.httpStatusCode).toBe(200);
      await a.server.client().send(new PutObjectCommand({ Bucket: bucket, Key: 'small.txt', Body: 'hello from A' }));

      const got = await c.server.client().send(new GetObjectCommand({ Bucket: bucket, Key: 'big/object.bin' }));
      const bytes = await bodyBytes(got.Body);
      expect(bytes.length).toBe(data.length);
      expect(sha256(bytes)).toBe(sha256(data));
      expect(got.ETag).toBe(put.ETag);
      const small = await c.server.client().send(new GetObjectCommand({ Bucket: bucket, Key: 'small.txt' }));
      expect((await bodyBytes(small.Body)).toString()).toBe('hello from A');

      // The bytes are on B's volume only.
      const after = NAMES.map((n) => blobBytes(byName(n).server.dataDir));
      expect(after[1] - before[1]).toBeGreaterThanOrEqual(data.length);
      expect(after[0]).toBe(before[0]);
      expect(after[2]).toBe(before[2]);
    });

    it('forwards ranges, HEAD, listings, presigned URLs, multipart uploads and deletes', async () => {
      const range = await c.server.client().send(new GetObjectCommand({ Bucket: bucket, Key: 'small.txt', Range: 'bytes=6-9' }));
      expect(range.$metadata.httpStatusCode).toBe(206);
      expect((await bodyBytes(range.Body)).toString()).toBe('from');
      const head = await a.server.client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'small.txt' }));
      expect(head.ContentLength).toBe(12);
      const list = await c.server.client().send(new ListObjectsV2Command({ Bucket: bucket }));
      expect(list.Contents?.map((o) => o.Key)).toEqual(['big/object.bin', 'small.txt']);

      const url = await getSignedUrl(c.server.client(), new GetObjectCommand({ Bucket: bucket, Key: 'small.txt' }), { expiresIn: 60 });
      const presigned = await fetch(url);
      expect(presigned.status).toBe(200);
      expect(await presigned.text()).toBe('hello from A');

      const parts = randomBytes(11 * 1024 * 1024);
      await new Upload({
        client: c.server.client(),
        params: { Bucket: bucket, Key: 'multi.bin', Body: parts },
        partSize: 5 * 1024 * 1024,
        queueSize: 2,
      }).done();
      const multi = await a.server.client().send(new GetObjectCommand({ Bucket: bucket, Key: 'multi.bin' }));
      expect(sha256(await bodyBytes(multi.Body))).toBe(sha256(parts));

      await a.server.client().send(new DeleteObjectCommand({ Bucket: bucket, Key: 'multi.bin' }));
      const gone = await c.server
        .client({ maxAttempts: 1 })
        .send(new HeadObjectCommand({ Bucket: bucket, Key: 'multi.bin' }))
        .then(
          () => 200,
          (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode,
        );
      expect(gone).toBe(404);
    });

    it('refuses a forged forwarded request on the owner', async () => {
      const target = `/${bucket}/small.txt`;
      const claims = Buffer.from(
        JSON.stringify({ v: 1, k: a.server.accessKey, m: 'v4-header', p: { kind: 'none' }, ip: null, tls: false }),
      ).toString('base64url');
      const forged = signInternalRequest('not-the-cluster-secret-but-long-enough-0000', 'node-a', {
        method: 'GET',
        target,
        contentSha256: 'UNSIGNED-STREAM',
        claims,
      });
      const res = await fetch(`${b.server.endpoint}${target}`, { headers: forged });
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/<Code>AccessDenied<\/Code>[\s\S]*refused: bad signature/);
      // The same claims, signed with the cluster secret, are served: the refusal above is the signature's.
      const signed = signInternalRequest(TEST_CLUSTER_SECRET, 'node-a', {
        method: 'GET',
        target,
        contentSha256: 'UNSIGNED-STREAM',
        claims,
      });
      const ok = await fetch(`${b.server.endpoint}${target}`, { headers: signed });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('hello from A');
    });

    it("serves console downloads of another node's bucket, and counts location cache hits", async () => {
      const otherNode = await a.console.get(`buckets/${bucket}/objects/small.txt`);
      expect(otherNode.status).toBe(200);
      expect(otherNode.body).toBe('hello from A');
      const stats = await a.console.get('cluster/cache/stats');
      expect(stats.body.data).toMatchObject({ enabled: true, node_id: 'node-a' });
      expect(stats.body.data.hits).toBeGreaterThan(0);
      expect(stats.body.data.forwarded_requests).toBeGreaterThan(0);
      const text = await (await fetch(`${a.server.endpoint}/metrics`)).text();
      expect(metric(text, 'cluster_cache_hit_ratio')).toBeGreaterThan(0);
      const cleared = await a.console.delete('cluster/cache');
      expect(cleared.status).toBe(200);
      expect((await a.console.get('cluster/cache/stats')).body.data.entries).toBe(0);
      const status = await b.console.get('cluster/status');
      expect(status.body.data.local_buckets).toBeGreaterThanOrEqual(1);
    });
  });

  it("shows on node C's console event stream a bucket created through node A", async () => {
    const bucket = uniqueBucket('sse');
    const event = await sseUntil(
      c.server.consoleUrl,
      c.console.token!,
      (e) => e.type === 'bucket.created' && e.data.bucket === bucket,
      async () => {
        await a.server.client().send(new CreateBucketCommand({ Bucket: bucket }));
      },
    );
    expect(event).toMatchObject({ type: 'bucket.created', data: { bucket, node_id: 'node-a' } });
  });

  it('declares, updates and removes nodes; refuses to remove a live node or itself', async () => {
    const added = await a.console.post('cluster/nodes', { id: 'node-x', name: 'spare', endpoint: 'http://127.0.0.1:1', zone: 'z9' });
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({ id: 'node-x', health_status: 'unknown', zone: 'z9', last_heartbeat: null });
    expect((await c.console.get('cluster/nodes/node-x')).body.data.name).toBe('spare');
    const updated = await b.console.put('cluster/nodes/node-x', { name: 'spare-2', capacity_total: 1000 });
    expect(updated.body.data).toMatchObject({ name: 'spare-2', capacity_total: 1000 });
    expect((await a.console.post('cluster/nodes', { id: 'node-x', name: 'again', endpoint: 'http://127.0.0.1:1' })).status).toBe(409);
    expect((await a.console.delete('cluster/nodes/node-c')).status).toBe(409);
    expect((await a.console.delete('cluster/nodes/node-a')).status).toBe(409);
    expect((await a.console.delete('cluster/nodes/node-x')).status).toBe(204);
    expect((await c.console.get('cluster/nodes/node-x')).status).toBe(404);
  });

  it('lets a node leave and join again', async () => {
    const left = await b.console.post('cluster/leave');
    expect(left.status).toBe(200);
    expect((await a.console.get('cluster/nodes/node-b')).body.data.status).toBe('left');
    expect((await b.console.post('cluster/join', { cluster_token: 'wrong' })).status).toBe(403);
    const joined = await b.console.post('cluster/join', { cluster_token: TEST_CLUSTER_SECRET });
    expect(joined.status).toBe(200);
    expect((await c.console.get('cluster/nodes/node-b')).body.data.status).toBe('active');
    const history = await a.console.get('cluster/health/history?node_id=node-b');
    expect(history.body.data.map((e: { event: string }) => e.event)).toEqual(expect.arrayContaining(['registered', 'left', 'joined']));
  });

  it('marks a SIGKILLed node unhealthy on the others, and healthy again when it returns', async () => {
    const deadBucket = uniqueBucket('dead-owner');
    await b.server.client().send(new CreateBucketCommand({ Bucket: deadBucket }));
    await b.server.client().send(new PutObjectCommand({ Bucket: deadBucket, Key: 'before-death', Body: 'kept' }));
    await b.server.kill('SIGKILL');
    for (const n of [a, c]) {
      const health = await eventually(
        async () => (await nodesSeenBy(n)).find((x) => x.id === 'node-b')!.health_status,
        (h) => h === 'unhealthy',
        { timeoutMs: 20_000, everyMs: 200 },
      );
      expect(health).toBe('unhealthy');
    }
    const text = await (await fetch(`${c.server.endpoint}/metrics`)).text();
    expect(metric(text, 'cluster_nodes_total')).toBe(3);
    expect(metric(text, 'cluster_nodes_healthy')).toBe(2);
    const summary = await a.console.get('cluster/health');
    expect(summary.body.data).toMatchObject({ overall_status: 'degraded', healthy_nodes: 2, unhealthy_nodes: 1 });
    const refresh = await c.console.post('cluster/health/refresh');
    expect(refresh.body.data.probes.find((p: { node_id: string }) => p.node_id === 'node-b')).toMatchObject({ reachable: false });
    const history = await c.console.get('cluster/health/history?node_id=node-b');
    const down = history.body.data.find((e: { event: string }) => e.event === 'unhealthy');
    expect(down).toBeDefined();
    expect(['node-a', 'node-c']).toContain(down.observed_by);
    // Its buckets answer 503 with Retry-After on the other nodes: nothing is accepted that B did not store.
    const writeToB = await fetch(`${a.server.endpoint}/${deadBucket}/after-death`, { method: 'PUT' });
    expect(writeToB.status).toBe(403); // unsigned: refused before any forwarding
    const refusedWrite = await a.server
      .client({ maxAttempts: 1 })
      .send(new PutObjectCommand({ Bucket: deadBucket, Key: 'after-death', Body: 'x' }))
      .then(
        () => ({ status: 200, retryAfter: undefined as string | undefined }),
        (err: { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } }) => ({
          status: err.$metadata?.httpStatusCode,
          retryAfter: err.$response?.headers?.['retry-after'],
        }),
      );
    expect(refusedWrite).toEqual({ status: 503, retryAfter: '5' });
    // A node that holds buckets cannot be removed.
    const removal = await a.console.delete('cluster/nodes/node-b');
    expect(removal.status).toBe(409);
    expect(removal.body.message).toMatch(/holds \d+ bucket/);
    // It comes back: it re-registers, is healthy again, and serves its bucket.

    b = await cluster.start('node-b');
    const back = await eventually(
      async () => (await nodesSeenBy(a)).find((x) => x.id === 'node-b')!,
      (x) => x.health_status === 'healthy' && x.endpoint === b.server.endpoint,
    );
    expect(back).toMatchObject({ health_status: 'healthy', endpoint: b.server.endpoint });
    const kept = await eventually(
      () =>
        c.server
          .client({ maxAttempts: 1 })
          .send(new GetObjectCommand({ Bucket: deadBucket, Key: 'before-death' }))
          .then(
            async (r) => (await bodyBytes(r.Body)).toString(),
            (err: { name: string }) => err.name,
          ),
      (v) => v === 'kept',
    );
    expect(kept).toBe('kept');
  });
});
