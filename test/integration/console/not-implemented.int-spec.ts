import { startServer, TestServer, ROOT_ACCESS_KEY, ROOT_SECRET_KEY } from '../../support/start-server';

describe('routes of later milestones', () => {
  let server: TestServer;
  let token: string;
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
    ['GET', '/api/v1/cluster/status'],
    ['POST', '/api/v1/cluster/initialize'],
    ['GET', '/api/v1/cluster/nodes/abc'],
    ['GET', '/api/v1/buckets/some-bucket/replication'],
    ['POST', '/api/v1/buckets/some-bucket/replication/r1/sync'],
  ])('%s %s answers 501 NotImplemented in the console error shape', async (method, path) => {
    const res = await fetch(`${server.consoleUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(501);
    const body = (await res.json()) as { success: boolean; error: string; message: string };
    expect(body.success).toBe(false);
    expect(body.error).toMatch(/not implemented/);
    expect(body.message).toBe(body.error);
  });

  it('still requires a token', async () => {
    expect((await fetch(`${server.consoleUrl}/api/v1/cluster/status`)).status).toBe(401);
  });
});
