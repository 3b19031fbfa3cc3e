import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN_JS, startChildServer } from '../../support/child-server';
import { ConsoleClient, createTenantFixture, TenantFixture } from '../../support/console-client';
import { createTestDatabase, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer } from '../../support/start-server';

/** GET /api/v1/profiling: CPU profiles and heap snapshots of the server process (global admins, one at a time). */
describe('console profiling', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let t: TenantFixture;

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    t = await createTenantFixture(root, `pf-${randomBytes(3).toString('hex')}`);
  });
  afterAll(() => server.close());

  it('returns a .cpuprofile with nodes, samples and time deltas', async () => {
    const started = Date.now();
    const res = await root.get('profiling?type=cpu&seconds=1');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="cpu-.*\.cpuprofile"$/);
    const profile = res.body;
    expect(Array.isArray(profile.nodes)).toBe(true);
    expect(profile.nodes.length).toBeGreaterThan(0);
    expect(profile.nodes[0]).toMatchObject({ id: expect.any(Number), callFrame: { functionName: expect.any(String) } });
    expect(profile.endTime).toBeGreaterThan(profile.startTime);
    expect(Array.isArray(profile.samples)).toBe(true);
    const audit = await root.get('audit-logs?event_type=profiling.profile');
    expect(audit.body.data[0]).toMatchObject({ status: 'success', username: 'root' });
  });

  it('takes one profile at a time: 409 while one runs', async () => {
    const running = root.get('profiling?type=cpu&seconds=3');
    await new Promise((r) => setTimeout(r, 300));
    const second = await root.get('profiling?type=cpu&seconds=1');
    // On a loaded machine the "second" request can be the one that starts first: then the other waits 409.
    if (second.status === 200) {
      expect((await running).status).toBe(409);
      return;
    }
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ success: false, code: 'Conflict', message: expect.stringMatching(/already/) });
    expect((await root.get('profiling?type=heap')).status).toBe(409);
    expect((await running).status).toBe(200);
  });

  // On the built server in a child process: a snapshot of this jest worker's heap (the TypeScript
  // compiler included) takes tens of seconds; the server's own takes well under one.
  it('streams a heap snapshot (built server, npm run build)', async () => {
    if (!existsSync(join(MAIN_JS, '..', 'console', 'controllers', 'profiling.controller.js'))) {
      throw new Error(`${MAIN_JS} predates the profiling route: run \`npm run build\` first`);
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'os3-prof-'));
    const db = process.env.TEST_DATABASE_URL ? await createTestDatabase(process.env.TEST_DATABASE_URL) : undefined;
    const child = await startChildServer({ dataDir, databaseUrl: db?.url, fsync: false });
    try {
      const admin = await new ConsoleClient(child.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
      const res = await fetch(`${child.consoleUrl}/api/v1/profiling?type=heap`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(/\.heapsnapshot"$/);
      expect(res.headers.get('content-length')).toBeNull(); // streamed, not buffered
      const reader = res.body!.getReader();
      let head = '';
      while (head.length < 200) {
        const { value, done } = await reader.read();
        if (done) break;
        head += Buffer.from(value).toString('utf8');
      }
      await reader.cancel();
      expect(head).toMatch(/^\{"snapshot":\{"meta":/);
      // The slot is free again once the download is gone.
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await admin.get('profiling?type=cpu&seconds=1')).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
    } finally {
      await child.stop();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses bad parameters, other roles and anonymous callers', async () => {
    expect((await root.get('profiling?type=cpu&seconds=31')).status).toBe(400);
    expect((await root.get('profiling?type=cpu&seconds=0')).status).toBe(400);
    expect((await root.get('profiling?type=goroutine')).status).toBe(400);
    expect((await t.admin.get('profiling?type=cpu&seconds=1')).status).toBe(403);
    expect((await t.user.get('profiling?type=cpu&seconds=1')).status).toBe(403);
    expect((await root.anonymous().get('profiling')).status).toBe(401);
  });
});
