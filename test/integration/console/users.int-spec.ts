import { randomBytes } from 'node:crypto';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ConsoleClient, createTenantFixture, TEST_PASSWORD, TenantFixture } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer } from '../../support/start-server';

/** /api/v1/users: MaxIOFS and Strix shapes, roles, tenant isolation. */
describe('console users', () => {
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
    a = await createTenantFixture(root, `ua-${suffix}`);
    b = await createTenantFixture(root, `ub-${suffix}`);
  });
  afterAll(() => server.close());

  describe('create', () => {
    it('creates a tenant admin (MaxIOFS shape, password, no key) as root', async () => {
      const res = await root.post('users', {
        username: `ta-${suffix}`,
        password: TEST_PASSWORD,
        email: 'ta@example.com',
        roles: ['tenant-admin'],
        tenantId: a.tenant.name,
      });
      expect(res.status).toBe(201);
      expect(res.body.success).toBe(true);
      expect(res.body.data).toMatchObject({
        username: `ta-${suffix}`,
        role: 'tenant-admin',
        roles: ['tenant-admin'],
        tenant_id: a.tenant.id,
        email: 'ta@example.com',
        status: 'active',
      });
      expect(res.body.user).toEqual(res.body.data);
      expect(res.body.access_key).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toContain(TEST_PASSWORD);
    });

    it('answers the Strix shape for {"username"}: the user and a first access key that works on S3', async () => {
      const res = await a.admin.post('users', { username: `strix-${suffix}` });
      expect(res.status).toBe(201);
      expect(res.body.user).toMatchObject({
        username: `strix-${suffix}`,
        arn: `arn:aws:iam::${a.tenant.name}:user/strix-${suffix}`,
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        status: 'active',
        role: 'user',
        tenant_id: a.tenant.id,
      });
      expect(res.body.access_key).toMatchObject({
        access_key_id: expect.any(String),
        secret_access_key: expect.any(String),
        username: `strix-${suffix}`,
        status: 'active',
        created_at: expect.any(String),
      });
      const s3 = server.client({
        credentials: { accessKeyId: res.body.access_key.access_key_id, secretAccessKey: res.body.access_key.secret_access_key },
      });
      expect((await s3.send(new ListBucketsCommand({}))).$metadata.httpStatusCode).toBe(200);
      s3.destroy();
    });

    it('puts a tenant admin’s users in their tenant, and refuses other tenants and the admin role (403)', async () => {
      const other = await a.admin.post('users', { username: `x1-${suffix}`, password: TEST_PASSWORD, tenant_id: b.tenant.id });
      expect(other.status).toBe(403);
      expect(other.body).toMatchObject({ success: false, code: 'AccessDenied', error: 'Access denied' });
      const admin = await a.admin.post('users', { username: `x2-${suffix}`, password: TEST_PASSWORD, role: 'admin' });
      expect(admin.status).toBe(403);
      const user = await a.user.post('users', { username: `x3-${suffix}`, password: TEST_PASSWORD });
      expect(user.status).toBe(403);
      expect((await root.get(`users/x1-${suffix}`)).status).toBe(404);
    });

    it('answers 400 naming the field, and 409 for a taken username', async () => {
      const missing = await root.post('users', { password: TEST_PASSWORD });
      expect(missing.status).toBe(400);
      expect(missing.body.fields.username).toBeDefined();
      const role = await root.post('users', { username: `r-${suffix}`, role: 'superuser' });
      expect(role.status).toBe(400);
      expect(role.body.error).toMatch(/^role must be one of/);
      const name = await root.post('users', { username: 'no spaces allowed' });
      expect(name.status).toBe(400);
      expect(name.body.message).toMatch(/username/);
      const taken = await root.post('users', { username: a.userName, password: TEST_PASSWORD, tenant_id: a.tenant.id });
      expect(taken.status).toBe(409);
      expect(taken.body).toMatchObject({ success: false, code: 'UserAlreadyExists' });
      const tenant = await root.post('users', { username: `nt-${suffix}`, tenant_id: 'no-such-tenant' });
      expect(tenant.status).toBe(404);
      expect(tenant.body.code).toBe('TenantNotFound');
    });
  });

  describe('list', () => {
    it('lists every user for a global admin, in both shapes', async () => {
      const res = await root.get('users?page_size=1000');
      expect(res.status).toBe(200);
      expect(res.body.users).toEqual(res.body.data);
      const names = res.body.data.map((u: { username: string }) => u.username);
      expect(names).toEqual(expect.arrayContaining(['root', a.adminName, a.userName, b.adminName, b.userName]));
      expect(res.body.pagination).toMatchObject({ page: 1, page_size: 1000, total: names.length });
      const onlyB = await root.get(`users?tenant_id=${b.tenant.name}`);
      expect(onlyB.body.data.map((u: { username: string }) => u.username).sort()).toEqual([b.adminName, b.userName].sort());
    });

    it("shows a tenant admin their tenant's users only", async () => {
      const res = await a.admin.get('users');
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeGreaterThanOrEqual(2);
      for (const u of res.body.data) expect(u.tenant_id).toBe(a.tenant.id);
      const names = res.body.users.map((u: { username: string }) => u.username);
      expect(names).not.toContain(b.adminName);
      expect(names).not.toContain('root');
      expect((await a.admin.get(`users?tenant_id=${b.tenant.id}`)).status).toBe(403);
    });

    it('refuses a plain user (403)', async () => {
      const res = await a.user.get('users');
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ success: false, code: 'AccessDenied' });
      expect(res.body.data).toBeUndefined();
    });

    it('pages (page, page_size <= 1000)', async () => {
      const p1 = await root.get('users?page=1&page_size=2');
      const p2 = await root.get('users?page=2&page_size=2');
      expect(p1.body.data).toHaveLength(2);
      expect(p1.body.pagination.total).toBeGreaterThanOrEqual(5);
      expect(p2.body.data[0].username).not.toBe(p1.body.data[0].username);
      const tooBig = await root.get('users?page_size=1001');
      expect(tooBig.status).toBe(400);
      expect(tooBig.body.fields.page_size).toBeDefined();
      expect((await root.get('users?page=0')).body.fields.page).toBeDefined();
      expect((await root.get('users?sort=name')).status).toBe(400);
    });
  });

  describe('get', () => {
    it('finds a user by id or by username', async () => {
      const byName = await a.admin.get(`users/${a.userName}`);
      expect(byName.status).toBe(200);
      const byId = await a.admin.get(`users/${a.userId}`);
      expect(byId.body.data).toEqual(byName.body.data);
      // Strix: the user's fields at the top level too.
      // The fixture's user carries the explicit tenant-full-access policy (tenant users start with none).
      expect(byId.body).toMatchObject({
        username: a.userName,
        arn: expect.any(String),
        status: 'active',
        policies: ['tenant-full-access'],
      });
    });

    it('lets users see themselves, not others; tenant admins not other tenants', async () => {
      expect((await a.user.get(`users/${a.userName}`)).status).toBe(200);
      expect((await a.user.get(`users/${a.adminName}`)).status).toBe(403);
      const foreign = await a.admin.get(`users/${b.userName}`);
      expect(foreign.status).toBe(403);
      expect(JSON.stringify(foreign.body)).not.toContain(b.userId);
      expect((await a.admin.get('users/root')).status).toBe(403);
    });

    it('answers 404 for a user that does not exist', async () => {
      const res = await root.get(`users/nobody-${suffix}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        success: false,
        code: 'UserNotFound',
        error: 'User not found',
        message: expect.stringContaining(`nobody-${suffix}`),
      });
    });
  });

  describe('update', () => {
    it('lets a tenant admin change a user’s email and role, and a user their own email only', async () => {
      const u = await a.admin.post('users', { username: `upd-${suffix}`, password: TEST_PASSWORD });
      const res = await a.admin.put(`users/${u.body.data.id}`, { email: 'new@example.com', role: 'tenant-admin' });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ email: 'new@example.com', role: 'tenant-admin' });
      const c = await anon.login(`upd-${suffix}`, TEST_PASSWORD);
      expect((await c.put(`users/upd-${suffix}`, { email: 'mine@example.com' })).body.data.email).toBe('mine@example.com');
      expect((await c.put(`users/upd-${suffix}`, { role: 'user' })).status).toBe(403);
      expect((await a.user.put(`users/upd-${suffix}`, { email: 'x@example.com' })).status).toBe(403);
      expect((await a.admin.put(`users/upd-${suffix}`, { role: 'admin' })).status).toBe(403);
      expect((await b.admin.put(`users/upd-${suffix}`, { email: 'x@example.com' })).status).toBe(403);
      const bad = await a.admin.put(`users/upd-${suffix}`, { status: 'gone' });
      expect(bad.status).toBe(400);
      expect(bad.body.fields.status).toBeDefined();
      expect((await root.put(`users/nobody-${suffix}`, { email: 'x@example.com' })).status).toBe(404);
    });
  });

  describe('password', () => {
    it('lets a user change their own with the current one, and their admin without', async () => {
      const u = await a.admin.post('users', { username: `pw-${suffix}`, password: TEST_PASSWORD });
      const c = await anon.login(`pw-${suffix}`, TEST_PASSWORD);
      const noCurrent = await c.put(`users/pw-${suffix}/password`, { new_password: 'a brand new password' });
      expect(noCurrent.status).toBe(400);
      expect(noCurrent.body.fields.current_password).toBeDefined();
      const wrong = await c.put(`users/pw-${suffix}/password`, { new_password: 'a brand new password', current_password: 'not it at all' });
      expect(wrong.status).toBe(401);
      const ok = await c.put(`users/pw-${suffix}/password`, { newPassword: 'a brand new password', currentPassword: TEST_PASSWORD });
      expect(ok.status).toBe(200);
      await anon.login(`pw-${suffix}`, 'a brand new password');
      expect((await a.admin.put(`users/${u.body.data.id}/password`, { password: 'set by the admin' })).status).toBe(200);
      await anon.login(`pw-${suffix}`, 'set by the admin');
      expect((await b.admin.put(`users/${u.body.data.id}/password`, { password: 'set by a stranger' })).status).toBe(403);
      expect((await a.user.put(`users/${u.body.data.id}/password`, { password: 'set by a peer!!' })).status).toBe(403);
      const missing = await a.admin.put(`users/${u.body.data.id}/password`, {});
      expect(missing.status).toBe(400);
      expect(missing.body.fields.new_password).toBeDefined();
    });

    it('lets root change its password with its secret key as the current one', async () => {
      const res = await root.put('users/root/password', { new_password: 'root console password', current_password: ROOT_SECRET_KEY });
      expect(res.status).toBe(200);
      await anon.login('root', 'root console password');
      await anon.login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    });
  });

  describe('status', () => {
    it('deactivates and reactivates a user (tenant admin), refusing others', async () => {
      const off = await a.admin.patch(`users/${a.userName}/status`, { status: 'inactive' });
      expect(off.status).toBe(200);
      expect(off.body.data.status).toBe('inactive');
      expect((await a.user.get('auth/me')).status).toBe(403);
      expect((await a.admin.patch(`users/${a.userName}/status`, { status: 'active' })).body.data.status).toBe('active');
      expect((await a.user.get('auth/me')).status).toBe(200);
      expect((await b.admin.patch(`users/${a.userName}/status`, { status: 'inactive' })).status).toBe(403);
      expect((await a.user.patch(`users/${a.userName}/status`, { status: 'inactive' })).status).toBe(403);
      expect((await a.admin.patch(`users/${a.adminName}/status`, { status: 'inactive' })).status).toBe(403);
      const bad = await a.admin.patch(`users/${a.userName}/status`, { status: 'paused' });
      expect(bad.status).toBe(400);
      expect(bad.body.fields.status).toBeDefined();
      expect((await root.patch(`users/nobody-${suffix}/status`, { status: 'active' })).status).toBe(404);
    });
  });

  describe('unlock', () => {
    it('is for the user’s admins only', async () => {
      expect((await b.admin.post(`users/${a.userName}/unlock`)).status).toBe(403);
      expect((await a.user.post(`users/${a.userName}/unlock`)).status).toBe(403);
      expect((await a.admin.post(`users/${a.userName}/unlock`)).status).toBe(200);
    });
  });

  describe('delete', () => {
    it('deletes a user (204), refusing other tenants, oneself and root', async () => {
      const u = await a.admin.post('users', { username: `del-${suffix}`, password: TEST_PASSWORD });
      expect(u.status).toBe(201);
      expect((await b.admin.delete(`users/del-${suffix}`)).status).toBe(403);
      expect((await a.user.delete(`users/del-${suffix}`)).status).toBe(403);
      const res = await a.admin.delete(`users/del-${suffix}`);
      expect(res.status).toBe(204);
      expect(res.body).toBeUndefined();
      expect((await a.admin.get(`users/${u.body.data.id}`)).status).toBe(404);
      expect((await a.admin.delete(`users/del-${suffix}`)).status).toBe(404);
      const self = await a.admin.delete(`users/${a.adminName}`);
      expect(self.status).toBe(400);
      expect((await root.delete('users/root')).status).toBe(400);
    });
  });
});
