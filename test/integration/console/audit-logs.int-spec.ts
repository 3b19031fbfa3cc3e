import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditService } from '../../../src/audit/audit.service';
import { ConsoleClient, createTenantFixture, TEST_PASSWORD, TenantFixture } from '../../support/console-client';
import { SettableClock } from '../../support/settable-clock';
import { createTestDatabase, ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer } from '../../support/start-server';

const DAY = 86_400_000;

/** The audit trail: every console action is recorded; GET /api/v1/audit-logs filters and scopes it. */
describe('console audit logs', () => {
  let server: TestServer;
  let anon: ConsoleClient;
  let root: ConsoleClient;
  let a: TenantFixture;
  let b: TenantFixture;
  const suffix = randomBytes(3).toString('hex');

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    anon = new ConsoleClient(server.consoleUrl);
    root = await anon.login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    a = await createTenantFixture(root, `aa-${suffix}`);
    b = await createTenantFixture(root, `ab-${suffix}`);
  });
  afterAll(() => server.close());

  it('records a console action with who, what, from where, the outcome and the request id', async () => {
    const created = await a.admin.post('users', { username: `audited-${suffix}`, password: TEST_PASSWORD });
    expect(created.status).toBe(201);
    const res = await root.get(`audit-logs?event_type=user.create&user_id=${a.adminName}`);
    expect(res.status).toBe(200);
    expect(res.body.logs).toEqual(res.body.data);
    const rec = res.body.data.find((r: { resource_name: string }) => r.resource_name === `audited-${suffix}`);
    expect(rec).toMatchObject({
      id: expect.any(String),
      timestamp: expect.stringMatching(/^\d{4}-/),
      tenant_id: a.tenant.id,
      user_id: a.adminId,
      username: a.adminName,
      source_ip: '127.0.0.1',
      user_agent: expect.any(String),
      event_type: 'user.create',
      resource_type: 'user',
      action: 'create',
      status: 'success',
      request_id: created.headers.get('x-request-id'),
      details: { method: 'POST', path: '/api/v1/users', status_code: 201 },
    });
    expect(JSON.stringify(rec)).not.toContain(TEST_PASSWORD);
    const one = await root.get(`audit-logs/${rec.id}`);
    expect(one.status).toBe(200);
    expect(one.body.data).toEqual(rec);
  });

  it('records logins (success and failure, never the password), refusals and deletions', async () => {
    await anon.post('auth/login', { username: a.userName, password: 'wrong password here' });
    await a.user.get('users'); // 403: a plain user may not list users
    await a.admin.delete(`users/audited-${suffix}`);
    const failed = await root.get(`audit-logs?event_type=auth.login&status=failure&user_id=${a.userName}`);
    expect(failed.body.data[0]).toMatchObject({
      username: a.userName,
      user_id: null,
      status: 'failure',
      details: { status_code: 401, error_code: 'InvalidCredentials' },
    });
    expect(JSON.stringify(failed.body)).not.toContain('wrong password here');
    const ok = await root.get(`audit-logs?event_type=auth.login&status=success&user_id=${a.userId}`);
    expect(ok.body.data[0]).toMatchObject({ user_id: a.userId, tenant_id: a.tenant.id, status: 'success' });
    const denied = await root.get(`audit-logs?status=denied&user_id=${a.userId}&resource_type=user`);
    expect(denied.body.data[0]).toMatchObject({
      event_type: 'user.read',
      status: 'denied',
      details: { status_code: 403, error_code: 'AccessDenied' },
    });
    const deleted = await root.get(`audit-logs?action=delete&resource_type=user&tenant_id=${a.tenant.id}`);
    expect(deleted.body.data[0]).toMatchObject({ event_type: 'user.delete', resource_name: `audited-${suffix}`, status: 'success' });
  });

  it("shows a tenant admin their tenant's records only; users none", async () => {
    await b.admin.post('users', { username: `b-only-${suffix}`, password: TEST_PASSWORD });
    const res = await a.admin.get('audit-logs?page_size=1000');
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThan(0);
    for (const r of res.body.data) expect(r.tenant_id).toBe(a.tenant.id);
    expect(JSON.stringify(res.body)).not.toContain(`b-only-${suffix}`);
    expect((await a.admin.get(`audit-logs?tenant_id=${b.tenant.id}`)).status).toBe(403);
    const user = await a.user.get('audit-logs');
    expect(user.status).toBe(403);
    expect(user.body.data).toBeUndefined();
    const foreign = (await root.get(`audit-logs?tenant_id=${b.tenant.id}&page_size=1`)).body.data[0];
    expect((await a.admin.get(`audit-logs/${foreign.id}`)).status).toBe(403);
  });

  it('filters by dates and pages (page_size <= 1000)', async () => {
    const all = await root.get('audit-logs?page_size=1000');
    const total = all.body.pagination.total;
    expect(total).toBeGreaterThan(3);
    const page = await root.get('audit-logs?page=2&page_size=2');
    expect(page.body.data).toHaveLength(2);
    expect(page.body.data[0].id).toBe(all.body.data[2].id);
    expect(page.body.pagination).toMatchObject({ page: 2, page_size: 2, total: expect.any(Number) });
    const future = new Date(Date.now() + DAY).toISOString();
    expect((await root.get(`audit-logs?start_date=${future}`)).body.data).toEqual([]);
    const since = Math.floor((Date.now() - 3_600_000) / 1000);
    expect((await root.get(`audit-logs?start_date=${since}&end_date=${future}`)).body.pagination.total).toBeGreaterThan(0);
    const bad = await root.get('audit-logs?start_date=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.fields.start_date).toBeDefined();
    expect((await root.get('audit-logs?page_size=5000')).body.fields.page_size).toBeDefined();
    expect((await root.get('audit-logs?status=maybe')).body.fields.status).toBeDefined();
    const missing = await root.get('audit-logs/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, code: 'NotFound' });
  });

  it('takes records from the S3 layer (AuditService.recordS3)', async () => {
    server.app.app.get(AuditService).recordS3({
      operation: 'PutObject',
      principal: { userId: a.userId, username: a.userName, tenantId: a.tenant.id },
      bucket: `bucket-${suffix}`,
      key: 'dir/file.txt',
      status: 'success',
      httpStatus: 200,
      sourceIp: '10.0.0.1',
      requestId: 'S3REQ',
    });
    const res = await a.admin.get('audit-logs?event_type=s3.PutObject');
    expect(res.body.data[0]).toMatchObject({
      event_type: 's3.PutObject',
      resource_type: 'object',
      resource_name: `bucket-${suffix}/dir/file.txt`,
      action: 'PutObject',
      status: 'success',
      username: a.userName,
      source_ip: '10.0.0.1',
      request_id: 'S3REQ',
    });
  });
});

describe('audit trail durability and retention', () => {
  it('writes buffered records on graceful shutdown, and purges records past the retention', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'os3-audit-'));
    const db = process.env.TEST_DATABASE_URL ? await createTestDatabase(process.env.TEST_DATABASE_URL) : undefined;
    const clock = new SettableClock();
    try {
      let server = await startServer({ dataDir, databaseUrl: db?.url, clock });
      server.app.app
        .get(AuditService)
        .record({ eventType: 'test.shutdown', action: 'shutdown', status: 'success', resourceName: 'buffered' });
      await server.close(); // no flush in between: the record is in the buffer

      server = await startServer({ dataDir, databaseUrl: db?.url, clock });
      const root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
      const res = await root.get('audit-logs?event_type=test.shutdown');
      expect(res.body.data).toHaveLength(1);
      expect(res.body.data[0].resource_name).toBe('buffered');

      clock.advance(91 * DAY); // past AUDIT_RETENTION_DAYS (90)
      const audit = server.app.app.get(AuditService);
      audit.record({ eventType: 'test.recent', action: 'recent', status: 'success' });
      await audit.flush();
      expect(await audit.purgeOnce()).toBeGreaterThan(0);
      expect((await root.get('audit-logs?event_type=test.shutdown')).body.data).toHaveLength(0);
      expect((await root.get('audit-logs?event_type=test.recent')).body.data).toHaveLength(1);
      await server.close();
    } finally {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
