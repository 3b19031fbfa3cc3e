import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConsoleClient, createTenantFixture, TenantFixture } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** /api/v1/buckets (MaxIOFS and Strix), /api/v1/usage, recalculate-stats: roles, IAM and tenant isolation. */
describe('console buckets', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let s3: S3Client;
  let a: TenantFixture;
  let b: TenantFixture;
  const suffix = randomBytes(3).toString('hex');
  const bucketA = uniqueBucket('ba');
  const bucketA2 = uniqueBucket('ba2');
  const bucketB = uniqueBucket('bb');

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    s3 = server.client();
    a = await createTenantFixture(root, `bka-${suffix}`);
    b = await createTenantFixture(root, `bkb-${suffix}`);
    expect((await a.admin.post('buckets', { name: bucketA })).status).toBe(201);
    expect((await a.user.post('buckets', { name: bucketA2 })).status).toBe(201);
    expect((await b.admin.post('buckets', { name: bucketB })).status).toBe(201);
  });
  afterAll(() => server.close());

  it('creates a bucket (Strix shape) with its details, and refuses a taken name with 409', async () => {
    const name = uniqueBucket('root');
    const res = await root.post('buckets', { name });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      success: true,
      data: { name, object_count: 0, size: 0, versioning: null, object_lock_enabled: false, tenant_id: null },
    });
    expect(res.body.bucket.name).toBe(name);
    const again = await a.admin.post('buckets', { name });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, code: 'BucketAlreadyExists' });
  });

  it('creates with versioning or object lock (MaxIOFS fields)', async () => {
    const v = await a.admin.post('buckets', { name: uniqueBucket('ver'), versioning: 'Enabled' });
    expect(v.body.data).toMatchObject({ versioning: 'Enabled', versioning_enabled: true, object_lock_enabled: false });
    const l = await a.admin.post('buckets', { name: uniqueBucket('lock'), object_lock_enabled: true });
    expect(l.body.data).toMatchObject({
      versioning: 'Enabled',
      object_lock_enabled: true,
      object_lock: { enabled: true, default_retention: null },
    });
  });

  it('answers 400 naming the field for bad input', async () => {
    const missing = await root.post('buckets', {});
    expect(missing.status).toBe(400);
    expect(missing.body.fields.name).toBeDefined();
    const unknown = await root.post('buckets', { name: uniqueBucket(), colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields.colour).toBeDefined();
    const region = await root.post('buckets', { name: uniqueBucket(), region: 'mars-1' });
    expect(region.status).toBe(400);
    expect(region.body.fields.region[0]).toMatch(/region/);
    const badName = await root.post('buckets', { name: 'Not_A_Bucket' });
    expect(badName.status).toBe(400);
    expect(badName.body.code).toBe('InvalidBucketName');
    expect((await root.get('buckets?page_size=1001')).status).toBe(400);
  });

  it('lists all buckets for root and only their tenant’s for tenant members', async () => {
    const all = await root.get('buckets?page_size=1000');
    expect(all.status).toBe(200);
    const names = all.body.data.map((x: { name: string }) => x.name);
    expect(names).toEqual(expect.arrayContaining([bucketA, bucketA2, bucketB]));
    expect(all.body.buckets).toEqual(all.body.data);
    expect(all.body.pagination).toMatchObject({ page: 1, page_size: 1000 });

    for (const c of [a.admin, a.user]) {
      const own = (await c.get('buckets')).body.data.map((x: { name: string }) => x.name);
      expect(own).toEqual(expect.arrayContaining([bucketA, bucketA2]));
      expect(own).not.toContain(bucketB);
    }
    const onlyB = await root.get(`buckets?tenant_id=${b.tenant.name}`);
    expect(onlyB.body.data.map((x: { name: string }) => x.name)).toEqual([bucketB]);
    expect((await a.admin.get(`buckets?tenant_id=${b.tenant.id}`)).status).toBe(403);

    const page = await root.get('buckets?page_size=1&page=2');
    expect(page.body.data).toHaveLength(1);
    expect(page.body.pagination.total).toBeGreaterThanOrEqual(3);
  });

  it('shows a user with identity policies only the buckets the policies let them use', async () => {
    const name = `pol-${suffix}`;
    expect((await a.admin.post('users', { username: name, password: 'correct horse battery staple' })).status).toBe(201);
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${bucketA}`] }],
    };
    expect((await a.admin.post(`users/${name}/policies`, { policy: { name: 'only-a', ...policy } })).status).toBe(201);
    const limited = await root.login(name, 'correct horse battery staple');
    const list = await limited.get('buckets');
    expect(list.body.data.map((x: { name: string }) => x.name)).toEqual([bucketA]);
    expect((await limited.get(`buckets/${bucketA}`)).status).toBe(200);
    expect((await limited.get(`buckets/${bucketA2}`)).status).toBe(403);
    expect((await limited.post('buckets', { name: uniqueBucket('nope') })).status).toBe(403);
    expect((await limited.delete(`buckets/${bucketA}`)).status).toBe(403);
  });

  it('details count objects and bytes; another tenant’s bucket is 403, a missing one 404', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucketA, Key: 'one.txt', Body: 'hello' }));
    await s3.send(new PutObjectCommand({ Bucket: bucketA, Key: 'dir/two.txt', Body: 'hello world' }));
    const res = await a.user.get(`buckets/${bucketA}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      name: bucketA,
      object_count: 2,
      size: 16,
      total_size: 16,
      region: server.config.region,
      tenant_id: a.tenant.id,
      tenant_name: a.tenant.name,
      owner: a.adminName,
      has_policy: false,
      is_public: false,
    });
    const other = await b.admin.get(`buckets/${bucketA}`);
    expect(other.status).toBe(403);
    expect(other.body.data).toBeUndefined();
    expect(JSON.stringify(other.body)).not.toContain('one.txt');
    const missing = await root.get(`buckets/${uniqueBucket('missing')}`);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('BucketNotFound');
  });

  it('deletes an empty bucket (204), refuses a non-empty one (409) and another tenant’s (403)', async () => {
    expect((await b.user.delete(`buckets/${bucketA2}`)).status).toBe(403);
    expect((await a.user.delete(`buckets/${bucketA}`)).status).toBe(409);
    const name = uniqueBucket('gone');
    await a.admin.post('buckets', { name });
    expect((await a.user.delete(`buckets/${name}`)).status).toBe(204);
    expect((await a.user.delete(`buckets/${name}`)).status).toBe(404);
  });

  it('GET /usage: per-bucket usage with totals (Strix), scoped to the caller’s tenant', async () => {
    const mine = await a.admin.get('usage');
    expect(mine.status).toBe(200);
    const byName = Object.fromEntries(mine.body.buckets.map((x: { name: string }) => [x.name, x]));
    expect(byName[bucketA]).toMatchObject({ object_count: 2, total_size: 16 });
    expect(byName[bucketB]).toBeUndefined();
    expect(mine.body.total_objects).toBe(mine.body.buckets.reduce((n: number, x: { object_count: number }) => n + x.object_count, 0));
    expect(mine.body.total_buckets).toBe(mine.body.buckets.length);
    expect(mine.body.tenants.map((t: { id: string }) => t.id)).toEqual([a.tenant.id]);
    expect(mine.body.data).toMatchObject({ total_size: mine.body.total_size });
    const all = await root.get(`usage?tenant_id=${b.tenant.id}`);
    expect(all.body.buckets.map((x: { name: string }) => x.name)).toEqual([bucketB]);
    expect((await b.user.get(`usage?tenant_id=${a.tenant.id}`)).status).toBe(403);
  });

  it('POST recalculate-stats: admins only; recounts the bucket and repairs the tenant counters', async () => {
    expect((await a.user.post(`buckets/${bucketA}/recalculate-stats`)).status).toBe(403);
    expect((await b.admin.post(`buckets/${bucketA}/recalculate-stats`)).status).toBe(403);
    expect((await root.post(`buckets/${uniqueBucket('none')}/recalculate-stats`)).status).toBe(404);
    const res = await a.admin.post(`buckets/${bucketA}/recalculate-stats`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      object_count: 2,
      size: 16,
      tenant: { id: a.tenant.id, used_objects: 2, used_storage_bytes: 16 },
    });
    const audit = await root.get(`audit-logs?event_type=bucket.recalculate_stats`);
    expect(audit.body.data.some((r: { resource_name: string }) => r.resource_name === bucketA)).toBe(true);
  });

  it('documents every storage route in the OpenAPI document', async () => {
    const doc = (await root.get('openapi.json')).body;
    const routes: Array<[string, string]> = [
      ['get', '/buckets'],
      ['post', '/buckets'],
      ['get', '/buckets/{name}'],
      ['delete', '/buckets/{name}'],
      ...['versioning', 'lifecycle', 'cors', 'acl', 'policy', 'tagging', 'notifications', 'object-lock', 'inventory'].flatMap(
        (sub): Array<[string, string]> => [
          ['get', `/buckets/{name}/${sub}`],
          ['put', `/buckets/{name}/${sub}`],
        ],
      ),
      ...['lifecycle', 'cors', 'policy', 'tagging', 'notifications', 'inventory'].map((sub): [string, string] => [
        'delete',
        `/buckets/{name}/${sub}`,
      ]),
      ['get', '/buckets/{name}/permissions'],
      ['post', '/buckets/{name}/permissions'],
      ['put', '/buckets/{name}/permissions/{id}'],
      ['delete', '/buckets/{name}/permissions/{id}'],
      ['get', '/buckets/{name}/inventory/reports'],
      ['post', '/buckets/{name}/inventory/run'],
      ['post', '/buckets/{name}/verify-integrity'],
      ['post', '/buckets/{name}/recalculate-stats'],
      ['get', '/buckets/{bucket}/objects'],
      ['delete', '/buckets/{bucket}/objects'],
      ['get', '/buckets/{bucket}/objects/search'],
      ['get', '/buckets/{bucket}/objects/{key}'],
      ['put', '/buckets/{bucket}/objects/{key}'],
      ['delete', '/buckets/{bucket}/objects/{key}'],
      ['get', '/buckets/{bucket}/objects/{key}/acl'],
      ['put', '/buckets/{bucket}/objects/{key}/acl'],
      ['get', '/buckets/{bucket}/objects/{key}/legal-hold'],
      ['put', '/buckets/{bucket}/objects/{key}/legal-hold'],
      ['get', '/buckets/{bucket}/objects/{key}/versions'],
      ['get', '/shares'],
      ['post', '/shares'],
      ['delete', '/shares/{id}'],
      ['get', '/shares/{token}/download'],
      ['post', '/presign'],
      ['get', '/usage'],
    ];
    for (const [method, path] of routes)
      expect([method, path, doc.paths[`/api/v1${path}`]?.[method]?.summary]).toEqual([method, path, expect.any(String)]);
    expect(doc.paths['/api/v1/buckets/{name}/notifications'].put.description).toMatch(/delivered at least once/);
  });

  it('audits creations and deletions', async () => {
    const logs = await root.get('audit-logs?event_type=bucket.create');
    expect(logs.body.data.map((r: { resource_name: string }) => r.resource_name)).toEqual(expect.arrayContaining([bucketA, bucketB]));
  });
});
