import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ConsoleClient, createTenantFixture, TenantFixture } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** /api/v1/tenants: global admins manage; a tenant's members see their own only. */
describe('console tenants', () => {
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
    a = await createTenantFixture(root, `ta-${suffix}`);
    b = await createTenantFixture(root, `tb-${suffix}`);
  });
  afterAll(() => server.close());

  it('creates a tenant with quotas, reads it by id and by name, updates and deletes it', async () => {
    const created = await root.post('tenants', { name: `acme-${suffix}`, max_storage_bytes: 1024 ** 3, maxBuckets: 5 });
    expect(created.status).toBe(201);
    const t = created.body.data;
    expect(t).toMatchObject({
      name: `acme-${suffix}`,
      status: 'active',
      max_storage_bytes: 1024 ** 3,
      max_buckets: 5,
      max_objects: null,
      used_storage_bytes: 0,
      used_objects: 0,
    });
    expect(created.body.tenant).toEqual(t);

    expect((await root.get(`tenants/${t.id}`)).body.data).toEqual(t);
    expect((await root.get(`tenants/acme-${suffix}`)).body.data).toEqual(t);

    const upd = await root.put(`tenants/${t.id}`, { max_buckets: null, max_objects: 100 });
    expect(upd.status).toBe(200);
    expect(upd.body.data).toMatchObject({ max_buckets: null, max_objects: 100, max_storage_bytes: 1024 ** 3 });

    const del = await root.delete(`tenants/${t.id}`);
    expect(del.status).toBe(204);
    const gone = await root.get(`tenants/${t.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ success: false, code: 'TenantNotFound', error: 'Tenant not found' });
  });

  it('lists every tenant for root, and only their own for a tenant admin or user', async () => {
    const all = await root.get('tenants');
    expect(all.status).toBe(200);
    expect(all.body.tenants).toEqual(all.body.data);
    expect(all.body.data.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining([a.tenant.name, b.tenant.name]));
    for (const c of [a.admin, a.user]) {
      const own = await c.get('tenants');
      expect(own.status).toBe(200);
      expect(own.body.data.map((t: { id: string }) => t.id)).toEqual([a.tenant.id]);
    }
    const paged = await root.get('tenants?page_size=1&page=2');
    expect(paged.body.data).toHaveLength(1);
    expect((await root.get('tenants?page_size=0')).status).toBe(400);
  });

  it('refuses tenant admins and users other tenants and every write (403)', async () => {
    expect((await a.admin.get(`tenants/${a.tenant.id}`)).status).toBe(200);
    expect((await a.user.get(`tenants/${a.tenant.name}`)).status).toBe(200);
    for (const [method, path, body] of [
      ['GET', `tenants/${b.tenant.id}`],
      ['GET', `tenants/${b.tenant.id}/stats`],
      ['POST', 'tenants', { name: `x-${suffix}` }],
      ['PUT', `tenants/${a.tenant.id}`, { max_buckets: 1000 }],
      ['DELETE', `tenants/${a.tenant.id}`],
    ] as Array<[string, string, unknown?]>) {
      for (const c of [a.admin, a.user]) {
        const res = await c.request(method, path, body);
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ success: false, code: 'AccessDenied' });
        expect(res.body.data).toBeUndefined();
        expect(JSON.stringify(res.body)).not.toContain(b.tenant.name);
      }
    }
  });

  it('answers stats: buckets, users, keys, objects and bytes, with quota use', async () => {
    const key = await a.admin.post('access-keys', {});
    const s3 = server.client({
      credentials: { accessKeyId: key.body.data.access_key_id, secretAccessKey: key.body.data.secret_access_key },
    });
    const bucket = uniqueBucket('stats');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'hello' }));
    s3.destroy();
    await root.put(`tenants/${a.tenant.id}`, { max_buckets: 4 });

    const res = await a.admin.get(`tenants/${a.tenant.id}/stats`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      tenant_id: a.tenant.id,
      name: a.tenant.name,
      bucket_count: 1,
      user_count: 2,
      access_key_count: 1,
      object_count: 1,
      storage_bytes: 5,
      max_buckets: 4,
      buckets_used_percent: 25,
      storage_used_percent: null,
    });
    expect((await root.get(`tenants/${a.tenant.name}/stats`)).body.data.bucket_count).toBe(1);

    // Not empty: 409.
    const del = await root.delete(`tenants/${a.tenant.id}`);
    expect(del.status).toBe(409);
    expect(del.body.code).toBe('TenantNotEmpty');
  });

  it("suspends a tenant: its members' tokens stop working until it is active again", async () => {
    expect((await root.put(`tenants/${b.tenant.id}`, { status: 'suspended' })).body.data.status).toBe('suspended');
    const me = await b.user.get('auth/me');
    expect(me.status).toBe(403);
    expect(me.body.code).toBe('AccountDisabled');
    expect((await root.put(`tenants/${b.tenant.id}`, { status: 'active' })).status).toBe(200);
    expect((await b.user.get('auth/me')).status).toBe(200);
  });

  it('answers 400 naming the field, 404 and 409', async () => {
    const missing = await root.post('tenants', { max_buckets: 1 });
    expect(missing.status).toBe(400);
    expect(missing.body.fields.name).toBeDefined();
    const negative = await root.post('tenants', { name: `neg-${suffix}`, max_buckets: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body.error).toMatch(/^max_buckets must not be less than 0/);
    const typed = await root.put(`tenants/${a.tenant.id}`, { max_storage_bytes: 'lots' });
    expect(typed.status).toBe(400);
    expect(typed.body.fields.max_storage_bytes).toBeDefined();
    const status = await root.put(`tenants/${a.tenant.id}`, { status: 'closed' });
    expect(status.body.fields.status).toBeDefined();
    const badName = await root.post('tenants', { name: 'Not A Valid Name' });
    expect(badName.status).toBe(400);
    expect(badName.body.message).toMatch(/name/i);
    expect((await root.post('tenants', { name: a.tenant.name })).status).toBe(409);
    expect((await root.put(`tenants/nope-${suffix}`, { max_buckets: 1 })).status).toBe(404);
    expect((await root.get(`tenants/nope-${suffix}/stats`)).status).toBe(404);
    expect((await root.delete(`tenants/nope-${suffix}`)).status).toBe(404);
  });
});
