import { startServer, TestServer, ROOT_ACCESS_KEY, ROOT_SECRET_KEY } from '../../support/start-server';

describe('routes of later milestones, and cluster routes on a single node', () => {
  let server: TestServer;
  let token: string;
  const call = (method: string, path: string) =>
    fetch(`${server.consoleUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  beforeAll(async () => {
    server = await startServer();
    const res = await fetch(`${server.consoleUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ROOT_ACCESS_KEY, password: ROOT_SECRET_KEY }),
    });
    token = ((await res.json()) as { data: { token: string } }).data.token;
  });
  afterAll(async () => server?.close());

  it.each([
    ['GET', '/api/v1/cluster/replication', /replication/i],
    ['POST', '/api/v1/cluster/replication/bulk', /replication/i],
  ])('%s %s answers 501 NotImplemented naming what is missing', async (method, path, what) => {
    const res = await call(method, path);
    expect(res.status).toBe(501);
    const body = (await res.json()) as { success: boolean; error: string; message: string };
    expect(body.success).toBe(false);
    expect(body.error).toMatch(/not implemented/);
    expect(body.error).toMatch(what);
    expect(body.message).toBe(body.error);
  });

  it('describes the single node: status, config, nodes, health', async () => {
    const status = (await (await call('GET', '/api/v1/cluster/status')).json()) as { data: Record<string, unknown> };
    expect(status.data).toMatchObject({ is_enabled: false, cluster_id: null, total_nodes: 1, healthy_nodes: 1, total_buckets: 0 });
    const config = (await (await call('GET', '/api/v1/cluster/config')).json()) as { data: Record<string, unknown> };
    expect(config.data).toMatchObject({ is_cluster_enabled: false, endpoint: server.endpoint });
    const nodes = (await (await call('GET', '/api/v1/cluster/nodes')).json()) as { data: Array<Record<string, unknown>>; total: number };
    expect(nodes.total).toBe(1);
    expect(nodes.data[0]).toMatchObject({ health_status: 'healthy', is_local: true, endpoint: server.endpoint });
    const health = (await (await call('GET', '/api/v1/cluster/health')).json()) as { data: Record<string, unknown> };
    expect(health.data).toMatchObject({ overall_status: 'healthy', total_nodes: 1, healthy_nodes: 1 });
    const cache = (await (await call('GET', '/api/v1/cluster/cache/stats')).json()) as { data: Record<string, unknown> };
    expect(cache.data).toMatchObject({ enabled: false, entries: 0, hits: 0, misses: 0, forwarded_requests: 0 });
  });

  it.each([
    ['POST', '/api/v1/cluster/initialize'],
    ['POST', '/api/v1/cluster/join'],
    ['POST', '/api/v1/cluster/leave'],
    ['POST', '/api/v1/cluster/nodes'],
    ['DELETE', '/api/v1/cluster/nodes/other'],
  ])('%s %s is refused with 409 saying how to turn cluster mode on', async (method, path) => {
    const res = await fetch(`${server.consoleUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify(path.endsWith('nodes') ? { name: 'n2', endpoint: 'http://n2:9000' } : {}) : undefined,
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { message: string }).message).toMatch(/CLUSTER_ENABLED/);
  });

  it('lists no bucket migration, and refuses one with 409 saying how to turn cluster mode on', async () => {
    const list = await call('GET', '/api/v1/cluster/migrations');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { data: unknown[] }).data).toEqual([]);
    expect((await call('GET', '/api/v1/cluster/migrations/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    const res = await fetch(`${server.consoleUrl}/api/v1/cluster/buckets/some-bucket/migrate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ target_node_id: 'node-b' }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { message: string }).message).toMatch(/CLUSTER_ENABLED/);
  });

  it('answers 404 for a node that does not exist', async () => {
    expect((await call('GET', '/api/v1/cluster/nodes/abc')).status).toBe(404);
  });

  it('refuses an S3 request claiming to be forwarded by a cluster node (cluster mode off)', async () => {
    const res = await fetch(`${server.endpoint}/any-bucket/key`, {
      headers: { 'x-cluster-node': 'node-a', 'x-cluster-signature': '0'.repeat(64), 'x-cluster-claims': 'e30' },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/<Code>AccessDenied<\/Code>[\s\S]*cluster mode is off/);
  });

  it('still requires a token', async () => {
    expect((await fetch(`${server.consoleUrl}/api/v1/cluster/status`)).status).toBe(401);
  });
});
