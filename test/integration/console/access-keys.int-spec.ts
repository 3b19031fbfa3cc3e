import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConsoleClient, createTenantFixture, TenantFixture } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** Access keys (MaxIOFS and Strix routes) and Strix inline user policies. */
describe('console access keys and user policies', () => {
  let server: TestServer;
  let anon: ConsoleClient;
  let root: ConsoleClient;
  let a: TenantFixture;
  let b: TenantFixture;
  const suffix = randomBytes(3).toString('hex');
  const clients: S3Client[] = [];
  const s3 = (key: { access_key_id: string; secret_access_key: string }) => {
    const c = server.client({ credentials: { accessKeyId: key.access_key_id, secretAccessKey: key.secret_access_key } });
    clients.push(c);
    return c;
  };
  const usernames = (body: { data: Array<{ username: string }> }) => [...new Set(body.data.map((k) => k.username))].sort();

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    anon = new ConsoleClient(server.consoleUrl);
    root = await anon.login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    a = await createTenantFixture(root, `ka-${suffix}`, { userPolicy: false }); // its user gets policies below
    b = await createTenantFixture(root, `kb-${suffix}`);
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server.close();
  });

  describe('access keys', () => {
    it('lets a user create their own key (secret answered once) and use it on S3', async () => {
      const res = await a.user.post('access-keys', {});
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({
        access_key_id: expect.any(String),
        secret_access_key: expect.any(String),
        username: a.userName,
        user_id: a.userId,
        status: 'active',
      });
      expect(res.body.access_key_id).toBe(res.body.data.access_key_id);
      expect((await s3(res.body.data).send(new ListBucketsCommand({}))).$metadata.httpStatusCode).toBe(200);
      const list = await a.user.get('access-keys');
      expect(list.status).toBe(200);
      expect(list.body.data.map((k: { access_key_id: string }) => k.access_key_id)).toContain(res.body.data.access_key_id);
      expect(JSON.stringify(list.body)).not.toContain(res.body.data.secret_access_key);
      expect(usernames(list.body)).toEqual([a.userName]);
    });

    it("scopes the list: a tenant admin sees their tenant's keys, root all", async () => {
      expect((await a.admin.post('access-keys', { user_id: a.userId })).status).toBe(201);
      expect((await b.admin.post('access-keys', { username: b.userName })).status).toBe(201);
      const tenantA = await a.admin.get('access-keys');
      expect(tenantA.status).toBe(200);
      expect(tenantA.body.access_keys).toEqual(tenantA.body.data);
      for (const name of usernames(tenantA.body)) expect([a.adminName, a.userName]).toContain(name);
      expect(usernames(tenantA.body)).toContain(a.userName);
      const all = await root.get('access-keys?page_size=1000');
      expect(usernames(all.body)).toEqual(expect.arrayContaining(['root', a.userName, b.userName]));
      expect((await a.admin.get(`access-keys?tenant_id=${b.tenant.id}`)).status).toBe(403);
      expect((await a.user.get(`access-keys?user_id=${a.adminName}`)).status).toBe(403);
      expect((await a.admin.get(`access-keys?user_id=${b.userName}`)).status).toBe(403);
      const paged = await root.get('access-keys?page_size=1');
      expect(paged.body.data).toHaveLength(1);
      expect(paged.body.pagination.total).toBeGreaterThanOrEqual(3);
    });

    it("lists a user's keys by id (MaxIOFS) and by username (Strix)", async () => {
      const maxiofs = await a.admin.get(`access-keys/user/${a.userId}`);
      expect(maxiofs.status).toBe(200);
      expect(usernames(maxiofs.body)).toEqual([a.userName]);
      const strix = await a.user.get(`users/${a.userName}/access-keys`);
      expect(strix.status).toBe(200);
      expect(Object.keys(strix.body.access_keys[0]).sort()).toEqual([
        'access_key_id',
        'created_at',
        'id',
        'last_used_at',
        'status',
        'user_id',
        'username',
      ]);
      expect(strix.body.access_keys[0]).toMatchObject({
        id: expect.any(String),
        access_key_id: expect.any(String),
        user_id: a.userId,
        username: a.userName,
        status: 'active',
        created_at: expect.any(String),
      });
      expect((await b.admin.get(`access-keys/user/${a.userId}`)).status).toBe(403);
      expect((await b.user.get(`users/${a.userName}/access-keys`)).status).toBe(403);
      expect((await root.get(`users/nobody-${suffix}/access-keys`)).status).toBe(404);
    });

    it('creates a key Strix-style (the key at the top level) and deletes it (204)', async () => {
      const res = await a.admin.post(`users/${a.userName}/access-keys`);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        access_key_id: expect.any(String),
        secret_access_key: expect.any(String),
        username: a.userName,
        status: 'active',
        created_at: expect.any(String),
      });
      expect((await b.admin.delete(`access-keys/${res.body.access_key_id}`)).status).toBe(403);
      expect((await a.user.delete(`access-keys/${res.body.access_key_id}`)).status).toBe(204);
      const gone = await a.admin.delete(`access-keys/${res.body.access_key_id}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toMatchObject({ success: false, code: 'AccessKeyNotFound' });
    });

    it('keeps a given key pair (migration), and validates it', async () => {
      const id = `MIGRATED${suffix.toUpperCase()}`;
      const res = await root.post('access-keys', {
        user_id: b.userName,
        access_key_id: id,
        secret_access_key: 'migrated-secret-0123456789',
      });
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({ access_key_id: id, secret_access_key: 'migrated-secret-0123456789', username: b.userName });
      const half = await root.post('access-keys', { user_id: b.userName, access_key_id: `X${id}` });
      expect(half.status).toBe(400);
      expect(half.body.fields.secret_access_key).toBeDefined();
      const dup = await root.post('access-keys', { user_id: b.userName, access_key_id: id, secret_access_key: 'another-secret-0123' });
      expect(dup.status).toBe(409);
      const unknown = await a.user.post('access-keys', { description: 'x' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toBe('property description should not exist');
    });

    it("refuses creating keys for someone one does not manage (403), and deleting root's key (400)", async () => {
      expect((await a.user.post('access-keys', { user_id: a.adminName })).status).toBe(403);
      expect((await a.admin.post('access-keys', { user_id: b.userName })).status).toBe(403);
      expect((await a.admin.post(`users/${b.userName}/access-keys`)).status).toBe(403);
      expect((await root.post('access-keys', { user_id: `nobody-${suffix}` })).status).toBe(404);
      const rootKey = await root.delete(`access-keys/${ROOT_ACCESS_KEY}`);
      expect(rootKey.status).toBe(400);
      expect((await a.admin.delete(`access-keys/${ROOT_ACCESS_KEY}`)).status).toBe(403);
    });
  });

  describe('inline policies (Strix)', () => {
    const readOnly = (bucket: string) => ({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] },
      ],
    });

    it('attaches, lists, reads and detaches policies, and they decide S3 access', async () => {
      const bucket = uniqueBucket('pol');
      const adminKey = await a.admin.post('access-keys', {});
      const adminS3 = s3(adminKey.body.data);
      await adminS3.send(new CreateBucketCommand({ Bucket: bucket }));
      await adminS3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v' }));

      const put = await a.admin.put(`users/${a.userName}/policies/ReadOnly`, readOnly(bucket));
      expect(put.status).toBe(200);
      expect(put.body.data).toMatchObject({ name: 'ReadOnly', policy: readOnly(bucket) });

      const strix = await a.admin.post(`users/${a.userName}/policies`, {
        policy: { name: 'MyPolicy', Statement: [{ Effect: 'Deny', Action: ['s3:DeleteObject'], Resource: [`arn:aws:s3:::${bucket}/*`] }] },
      });
      expect(strix.status).toBe(201);
      expect(strix.body).toMatchObject({ name: 'MyPolicy', policy: { Statement: [{ Effect: 'Deny' }] } });
      expect(strix.body.policy.name).toBeUndefined();

      const list = await a.user.get(`users/${a.userName}/policies`);
      expect(list.status).toBe(200);
      expect(list.body.policies.map((p: { name: string }) => p.name)).toEqual(['MyPolicy', 'ReadOnly']);
      expect((await root.get(`users/${a.userName}`)).body.data.policies).toEqual(['MyPolicy', 'ReadOnly']);
      expect((await a.user.get(`users/${a.userName}/policies/ReadOnly`)).body.policy).toEqual(readOnly(bucket));

      const userKey = await a.user.post('access-keys', {});
      const userS3 = s3(userKey.body.data);
      expect((await userS3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }))).$metadata.httpStatusCode).toBe(200);
      await expect(userS3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k2', Body: 'v' }))).rejects.toMatchObject({
        name: 'AccessDenied',
      });

      const del = await a.admin.delete(`users/${a.userName}/policies/ReadOnly`);
      expect(del.status).toBe(204);
      expect((await a.admin.delete(`users/${a.userName}/policies/ReadOnly`)).body.code).toBe('PolicyNotFound');
      expect((await a.admin.get(`users/${a.userName}/policies/ReadOnly`)).status).toBe(404);
    });

    it('refuses writes by the user themselves and by other tenants (403), and reads by other tenants', async () => {
      expect((await a.user.put(`users/${a.userName}/policies/Mine`, readOnly('x'))).status).toBe(403);
      expect((await b.admin.put(`users/${a.userName}/policies/Theirs`, readOnly('x'))).status).toBe(403);
      expect((await b.admin.get(`users/${a.userName}/policies`)).status).toBe(403);
      expect((await b.admin.delete(`users/${a.userName}/policies/MyPolicy`)).status).toBe(403);
    });

    it('answers 400 for a malformed policy or a missing name, 404 for an unknown user', async () => {
      const bad = await a.admin.put(`users/${a.userName}/policies/Bad`, {
        Statement: [{ Effect: 'Allow', Actions: ['s3:GetObject'], Resource: '*' }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ success: false, code: 'MalformedPolicy' });
      const noName = await a.admin.post(`users/${a.userName}/policies`, { policy: { Statement: [] } });
      expect(noName.status).toBe(400);
      expect(noName.body.fields.name).toBeDefined();
      const notObject = await a.admin.post(`users/${a.userName}/policies`, { policy: 'text' });
      expect(notObject.status).toBe(400);
      expect(notObject.body.fields.policy).toBeDefined();
      expect((await root.get(`users/nobody-${suffix}/policies`)).status).toBe(404);
    });
  });
});
