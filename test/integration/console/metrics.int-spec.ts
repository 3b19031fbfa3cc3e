import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConsoleClient, createTenantFixture, TenantFixture } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** Dashboard, system, storage, performance and history metrics; the performance routes; Prometheus gauges. */
describe('console metrics and performance', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let a: TenantFixture;
  let b: TenantFixture;
  let tenantS3: S3Client;
  const suffix = randomBytes(3).toString('hex');
  const tenantBucket = uniqueBucket('mt');
  const globalBucket = uniqueBucket('mg');

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    a = await createTenantFixture(root, `ma-${suffix}`);
    b = await createTenantFixture(root, `mb-${suffix}`);
    const key = await a.user.post('access-keys', {});
    tenantS3 = server.client({
      credentials: { accessKeyId: key.body.data.access_key_id, secretAccessKey: key.body.data.secret_access_key },
    });
    await tenantS3.send(new CreateBucketCommand({ Bucket: tenantBucket }));
    for (const k of ['one', 'two', 'three'])
      await tenantS3.send(new PutObjectCommand({ Bucket: tenantBucket, Key: k, Body: 'x'.repeat(100) }));
    const s3 = server.client();
    await s3.send(new CreateBucketCommand({ Bucket: globalBucket }));
    await s3.send(new PutObjectCommand({ Bucket: globalBucket, Key: 'g', Body: 'y'.repeat(10) }));
    await s3.send(new GetObjectCommand({ Bucket: globalBucket, Key: 'missing' })).catch(() => undefined);
  });
  afterAll(() => server.close());

  describe('GET /metrics (dashboard)', () => {
    it('shows a global admin every tenant, the totals and the S3 request and error rates', async () => {
      const res = await root.get('metrics');
      expect(res.status).toBe(200);
      const d = res.body.data;
      expect(d).toMatchObject({ scope: 'global', tenant_id: null, total_tenants: expect.any(Number), uptime_seconds: expect.any(Number) });
      const mine = d.tenants.find((x: { tenant_id: string }) => x.tenant_id === a.tenant.id);
      expect(mine).toMatchObject({ tenant_name: a.tenant.name, buckets: 1, objects: 3, size_bytes: 300 });
      expect(d.tenants.find((x: { tenant_id: string | null }) => x.tenant_id === null)).toMatchObject({
        buckets: 1,
        objects: 1,
        size_bytes: 10,
      });
      expect(d.total_buckets).toBeGreaterThanOrEqual(2);
      expect(d.total_size_bytes).toBeGreaterThanOrEqual(310);
      expect(d.requests.total).toBeGreaterThanOrEqual(7);
      expect(d.requests.errors).toBeGreaterThanOrEqual(1);
      expect(d.requests.last_minute).toMatchObject({
        window_seconds: 60,
        requests: expect.any(Number),
        requests_per_second: expect.any(Number),
        error_rate: expect.any(Number),
      });
    });

    it("shows a tenant's members their tenant only, without the server's request figures", async () => {
      for (const c of [a.admin, a.user]) {
        const res = await c.get('metrics');
        expect(res.status).toBe(200);
        expect(res.body.data).toMatchObject({
          scope: 'tenant',
          tenant_id: a.tenant.id,
          total_buckets: 1,
          total_objects: 3,
          total_size_bytes: 300,
        });
        expect(res.body.data.tenants).toHaveLength(1);
        expect(res.body.data.requests).toBeUndefined();
      }
      expect((await b.admin.get('metrics')).body.data).toMatchObject({ tenant_id: b.tenant.id, total_buckets: 0 });
      expect((await root.anonymous().get('metrics')).status).toBe(401);
    });
  });

  describe('GET /metrics/system', () => {
    it('answers CPU, memory and the disk of DATA_DIR to global admins', async () => {
      const res = await root.get('metrics/system');
      expect(res.status).toBe(200);
      const s = res.body.data;
      expect(s.cpu).toMatchObject({ cores: expect.any(Number), process_percent: expect.any(Number), load_average: expect.any(Array) });
      expect(s.cpu.cores).toBeGreaterThan(0);
      expect(s.memory.process.rss_bytes).toBeGreaterThan(0);
      expect(s.memory.system.total_bytes).toBeGreaterThan(0);
      expect(s.disk.total_bytes).toBeGreaterThan(0);
      expect(s.disk.path).toContain(server.dataDir.split('/').pop());
      expect((await a.admin.get('metrics/system')).status).toBe(403);
    });
  });

  describe('GET /metrics/storage', () => {
    it('lists buckets with their objects and bytes, and the tenants, paginated', async () => {
      const res = await root.get('metrics/storage?page_size=1000');
      expect(res.status).toBe(200);
      expect(res.body.pagination).toMatchObject({ page: 1, page_size: 1000 });
      const tb = res.body.data.find((x: { bucket: string }) => x.bucket === tenantBucket);
      expect(tb).toMatchObject({ tenant_id: a.tenant.id, tenant_name: a.tenant.name, objects: 3, size_bytes: 300 });
      expect(res.body.data.find((x: { bucket: string }) => x.bucket === globalBucket)).toMatchObject({
        tenant_id: null,
        objects: 1,
        size_bytes: 10,
      });
      expect(res.body.buckets).toEqual(res.body.data);
      expect(res.body.tenants.length).toBeGreaterThanOrEqual(2);
      const onePage = await root.get('metrics/storage?page_size=1');
      expect(onePage.body.data).toHaveLength(1);
    });

    it('scopes a tenant admin to their tenant and refuses users and other tenants', async () => {
      const res = await a.admin.get('metrics/storage');
      expect(res.status).toBe(200);
      expect(res.body.data.map((x: { bucket: string }) => x.bucket)).toEqual([tenantBucket]);
      expect(res.body.totals).toEqual({ buckets: 1, objects: 3, size_bytes: 300 });
      expect((await a.admin.get(`metrics/storage?tenant_id=${b.tenant.id}`)).status).toBe(403);
      expect((await a.user.get('metrics/storage')).status).toBe(403);
      expect((await root.get('metrics/storage?page_size=0')).status).toBe(400);
      const filtered = await root.get(`metrics/storage?tenant_id=${a.tenant.name}`);
      expect(filtered.body.data.map((x: { bucket: string }) => x.bucket)).toEqual([tenantBucket]);
    });
  });

  describe('GET /metrics/performance', () => {
    it('answers per-operation counts and latency percentiles', async () => {
      const res = await root.get('metrics/performance');
      expect(res.status).toBe(200);
      const put = res.body.data.operations.find((o: { operation: string }) => o.operation === 'PutObject');
      expect(put).toMatchObject({
        count: 4,
        errors: 0,
        p50_ms: expect.any(Number),
        p99_ms: expect.any(Number),
        max_ms: expect.any(Number),
      });
      expect(put.p99_ms).toBeGreaterThanOrEqual(put.p50_ms);
      const get = res.body.data.operations.find((o: { operation: string }) => o.operation === 'GetObject');
      expect(get).toMatchObject({ errors: 1 });
      expect(res.body.data.operations.map((o: { operation: string }) => o.operation)).not.toContain('health');
      expect((await a.admin.get('metrics/performance')).status).toBe(403);
    });
  });

  describe('metrics history', () => {
    it('stores a snapshot on demand and answers it by time range, whole or as one series', async () => {
      const sampled = await root.post('metrics/history/sample');
      expect(sampled.status).toBe(201);
      const snap = sampled.body.data;
      expect(snap).toMatchObject({
        id: expect.any(String),
        timestamp: expect.any(String),
        node: expect.any(String),
        buckets: expect.any(Number),
      });
      expect(snap.objects).toBeGreaterThanOrEqual(4);
      expect(snap.storage_bytes).toBeGreaterThanOrEqual(310);
      expect(snap.s3_requests).toBeGreaterThanOrEqual(7);
      expect(snap.operations.PutObject).toMatchObject({ count: 4, errors: 0 });
      await tenantS3.send(new PutObjectCommand({ Bucket: tenantBucket, Key: 'four', Body: 'z' }));
      const second = (await root.post('metrics/history/sample')).body.data;
      expect(second.s3_requests).toBe(1); // only what happened since the previous snapshot
      expect(second.objects).toBe(snap.objects + 1);

      const all = await root.get('metrics/history');
      expect(all.status).toBe(200);
      expect(all.body.data.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([snap.id, second.id]));
      expect(all.body.pagination.total).toBeGreaterThanOrEqual(2);
      const series = await root.get('metrics/history?metric=objects');
      expect(series.status).toBe(200);
      expect(series.body.metric).toBe('objects');
      expect(series.body.data.at(-1)).toEqual({ timestamp: second.timestamp, node: second.node, value: second.objects });
      const past = await root.get('metrics/history?start=2000-01-01&end=2000-01-02');
      expect(past.body.data).toEqual([]);
      const byEpoch = await root.get(`metrics/history?start=${Math.floor(Date.parse(snap.timestamp) / 1000)}`);
      expect(byEpoch.body.data.length).toBeGreaterThanOrEqual(2);
    });

    it('refuses bad queries and other roles', async () => {
      expect((await root.get('metrics/history?metric=bogus')).status).toBe(400);
      expect((await root.get('metrics/history?start=yesterday')).status).toBe(400);
      expect((await root.get('metrics/history?start=2030-01-02&end=2030-01-01')).status).toBe(400);
      expect((await a.admin.get('metrics/history')).status).toBe(403);
      expect((await a.admin.post('metrics/history/sample')).status).toBe(403);
    });
  });

  describe('/performance', () => {
    it('answers the overview, the operations (paginated) and the history', async () => {
      const overview = await root.get('performance/overview');
      expect(overview.status).toBe(200);
      expect(overview.body.data).toMatchObject({
        since: expect.any(String),
        overall: { operation: '*' },
        last_minute: { window_seconds: 60 },
      });
      expect(overview.body.data.operations).toBeGreaterThan(0);
      const ops = await root.get('performance/operations?page_size=1');
      expect(ops.status).toBe(200);
      expect(ops.body.data).toHaveLength(1);
      expect(ops.body.pagination.total).toBe(overview.body.data.operations);
      expect(ops.body.data[0]).toMatchObject({ operation: expect.any(String), count: expect.any(Number), p90_ms: expect.any(Number) });
      await root.post('metrics/history/sample');
      const history = await root.get('performance/history');
      expect(history.status).toBe(200);
      expect(history.body.data.at(-1)).toMatchObject({
        s3_requests: expect.any(Number),
        s3_latency_p99_ms: expect.any(Number),
        operations: expect.any(Object),
      });
      expect(history.body.data.at(-1).disk_used_bytes).toBeUndefined();
      expect((await root.get('performance/history?metric=s3_latency_p99_ms')).body.metric).toBe('s3_latency_p99_ms');
    });

    it('resets the counters (global admins only)', async () => {
      expect((await a.admin.post('performance/reset')).status).toBe(403);
      expect((await a.admin.get('performance/overview')).status).toBe(403);
      expect((await a.user.get('performance/operations')).status).toBe(403);
      const res = await root.post('performance/reset');
      expect(res.status).toBe(200);
      expect(res.body.data.reset).toBe(true);
      expect((await root.get('performance/operations')).body.data).toEqual([]);
      await tenantS3.send(new GetObjectCommand({ Bucket: tenantBucket, Key: 'one' }));
      const after = await root.get('performance/operations');
      expect(after.body.data).toEqual([expect.objectContaining({ operation: 'GetObject', count: 1 })]);
      expect((await root.get('performance/operations?page=0')).status).toBe(400);
    });
  });

  describe('Prometheus', () => {
    it('exposes storage gauges per tenant, console requests by route pattern and the cluster gauges', async () => {
      await root.get('settings/session_ttl');
      await root.get('no-such-route');
      const text = await (await fetch(`${server.consoleUrl}/metrics`)).text();
      expect(text).toContain(`maxiofs_storage_used_bytes{tenant="${a.tenant.name}"} 301`);
      expect(text).toContain(`maxiofs_objects_total{tenant="${a.tenant.name}"} 4`);
      expect(text).toContain(`maxiofs_buckets_total{tenant="${a.tenant.name}"} 1`);
      expect(text).toContain(`maxiofs_buckets_total{tenant="${b.tenant.name}"} 0`);
      expect(text).toContain('maxiofs_buckets_total{tenant=""} 1');
      expect(text).toMatch(/maxiofs_api_requests_total\{method="GET",endpoint="\/api\/v1\/settings\/:key"\} \d+/);
      expect(text).toMatch(/maxiofs_api_requests_total\{method="GET",endpoint="unmatched"\} \d+/);
      expect(text).not.toContain('endpoint="/api/v1/settings/session_ttl"');
      expect(text).toMatch(/^cluster_nodes_total 1$/m);
      expect(text).toMatch(/^cluster_nodes_healthy 1$/m);
      const s3Text = await (await fetch(`${server.endpoint}/metrics`)).text();
      expect(s3Text).toContain(`maxiofs_storage_used_bytes{tenant="${a.tenant.name}"}`);
    });
  });
});
