import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConsoleClient, TEST_PASSWORD } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer } from '../../support/start-server';

/**
 * Request bodies as the API references write them are accepted: snake_case (`display_name`, as
 * MaxIOFS's API reference and Strix name fields) and camelCase (`displayName`, MaxIOFS's console),
 * each renamed to the DTO's field before validation (src/console/http/field-names.ts).
 */
const STRIX = readFileSync(join(__dirname, '../../../docs/reference/strix-api.txt'), 'utf8');

interface Example {
  method: string;
  path: string;
  body: unknown;
}

/** The Strix reference's request examples: `METHOD /api/v1/… HTTP/1.1`, headers, then a JSON body. */
function strixExamples(): Example[] {
  const out: Example[] = [];
  const re = /(GET|POST|PUT|DELETE|PATCH) (\/api\/v1\/\S+) HTTP\/1\.1\nHost: [^\n]*\nContent-Type: application\/json\n\{/g;
  for (let m = re.exec(STRIX); m; m = re.exec(STRIX)) {
    const start = m.index + m[0].length - 1;
    let depth = 0;
    let end = start;
    for (; end < STRIX.length; end++) {
      if (STRIX[end] === '{') depth++;
      if (STRIX[end] === '}' && --depth === 0) break;
    }
    out.push({ method: m[1], path: m[2], body: JSON.parse(STRIX.slice(start, end + 1)) });
  }
  return out;
}

/** The one example of `method path` (path as the reference writes it, placeholders included). */
function strix(method: string, path: string): Example {
  const found = strixExamples().find((e) => e.method === method && e.path === path);
  if (!found) throw new Error(`the Strix reference has no example body for ${method} ${path}`);
  return found;
}

// MaxIOFS's multi-tenancy guide (docs/MULTI_TENANCY.md of MaxIOFS 0.9): its request examples.
const MAXIOFS_CREATE_TENANT = {
  name: 'acme',
  displayName: 'ACME Corporation',
  maxStorageBytes: 107374182400,
  maxBuckets: 100,
  maxAccessKeys: 50,
};
const MAXIOFS_UPDATE_TENANT = { maxStorageBytes: 214748364800, maxBuckets: 200, maxAccessKeys: 100 };
const maxiofsCreateUser = (tenantId: string, roles: string[], username: string) => ({
  username,
  password: 'SecurePassword123!',
  email: `${username}@acme.com`,
  roles,
  tenantId,
});

describe('console request bodies of both references', () => {
  let server: TestServer;
  let root: ConsoleClient;

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
  });
  afterAll(() => server.close());

  it('finds the Strix reference examples this spec posts', () => {
    const names = strixExamples().map((e) => `${e.method} ${e.path}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /api/v1/users',
        'POST /api/v1/users/{username}/policies',
        'POST /api/v1/buckets',
        'PUT /api/v1/buckets/{bucket}/policy',
        'DELETE /api/v1/buckets/{bucket}/objects',
        'POST /api/v1/presign',
      ]),
    );
  });

  describe('tenants', () => {
    it("creates and updates a tenant from MaxIOFS's camelCase examples", async () => {
      const created = await root.post('tenants', MAXIOFS_CREATE_TENANT);
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({
        name: 'acme',
        display_name: 'ACME Corporation',
        max_storage_bytes: 107374182400,
        max_buckets: 100,
        max_access_keys: 50,
      });
      const updated = await root.put(`tenants/${created.body.data.id}`, MAXIOFS_UPDATE_TENANT);
      expect(updated.status).toBe(200);
      expect((await root.get('tenants/acme')).body.data).toMatchObject({
        display_name: 'ACME Corporation',
        max_storage_bytes: 214748364800,
        max_buckets: 200,
        max_access_keys: 100,
      });
    });

    it('creates a tenant from the snake_case body (display_name, description, max_access_keys)', async () => {
      const created = await root.post('tenants', {
        name: 'globex',
        display_name: 'Globex Corporation',
        description: 'the other one',
        max_storage_bytes: 1024,
        max_access_keys: 2,
      });
      expect(created.status).toBe(201);
      expect((await root.get('tenants/globex')).body.data).toMatchObject({
        display_name: 'Globex Corporation',
        description: 'the other one',
        max_storage_bytes: 1024,
        max_access_keys: 2,
      });
      const cleared = await root.put('tenants/globex', { displayName: null, description: null });
      expect(cleared.body.data).toMatchObject({ display_name: null, description: null, max_access_keys: 2 });
    });

    it('refuses both spellings of one field with different values, and still refuses unknown fields', async () => {
      const both = await root.post('tenants', { name: 'initech', display_name: 'Initech', displayName: 'Initrode' });
      expect(both.status).toBe(400);
      expect(JSON.stringify(both.body)).toContain('displayName and display_name are the same field');
      const same = await root.post('tenants', { name: 'initech', display_name: 'Initech', displayName: 'Initech' });
      expect(same.status).toBe(201);
      const unknown = await root.post('tenants', { name: 'hooli', displayNam: 'typo' });
      expect(unknown.status).toBe(400);
      expect(JSON.stringify(unknown.body)).toContain('property displayNam should not exist');
    });

    it("enforces the tenant's access-key quota (maxAccessKeys)", async () => {
      const t = (await root.post('tenants', { name: 'umbrella', maxAccessKeys: 1 })).body.data;
      const u = await root.post('users', { username: 'umbrella-dev', password: TEST_PASSWORD, tenantId: t.id });
      expect(u.status).toBe(201);
      expect((await root.post('access-keys', { userId: 'umbrella-dev' })).status).toBe(201);
      const second = await root.post('access-keys', { user_id: 'umbrella-dev' });
      expect(second.status).toBe(403);
      expect(second.body).toMatchObject({ success: false, code: 'QuotaExceeded' });
    });
  });

  describe('users', () => {
    it("creates a tenant admin and a tenant user from MaxIOFS's examples (roles, tenantId)", async () => {
      const t = (await root.post('tenants', { name: 'stark' })).body.data;
      const admin = await root.post('users', maxiofsCreateUser(t.id, ['admin'], 'stark-admin'));
      expect(admin.status).toBe(201);
      expect(admin.body.data).toMatchObject({
        username: 'stark-admin',
        role: 'tenant-admin',
        tenant_id: t.id,
        email: 'stark-admin@acme.com',
      });
      const user = await root.post('users', maxiofsCreateUser(t.id, ['user'], 'john.doe'));
      expect(user.status).toBe(201);
      expect(user.body.data).toMatchObject({ username: 'john.doe', role: 'user', tenant_id: t.id });
      await new ConsoleClient(server.consoleUrl).login('john.doe', 'SecurePassword123!');
    });

    it("creates a user with a first access key from Strix's example, then attaches its policy example", async () => {
      const created = strix('POST', '/api/v1/users');
      const res = await root.request(created.method, created.path, created.body);
      expect(res.status).toBe(201);
      expect(res.body.user).toMatchObject({ username: 'alice', arn: expect.stringContaining('user/alice'), status: 'active' });
      expect(res.body.access_key).toMatchObject({ access_key_id: expect.any(String), secret_access_key: expect.any(String) });

      const policy = strix('POST', '/api/v1/users/{username}/policies');
      const attached = await root.request(policy.method, policy.path.replace('{username}', 'alice'), policy.body);
      expect(attached.status).toBeLessThan(300);
      const list = await root.get('users/alice/policies');
      expect(JSON.stringify(list.body)).toContain('MyPolicy');
    });
  });

  describe('buckets, bucket policy, bulk delete, presign', () => {
    it("runs Strix's examples in order against one bucket", async () => {
      const bucket = strix('POST', '/api/v1/buckets');
      expect((await root.request(bucket.method, bucket.path, bucket.body)).status).toBe(201);
      const name = (bucket.body as { name: string }).name;

      const policy = strix('PUT', '/api/v1/buckets/{bucket}/policy');
      expect((await root.request(policy.method, policy.path.replace('{bucket}', name), policy.body)).status).toBe(200);
      const read = await root.get(`buckets/${name}/policy`);
      expect(read.body.policy.Statement[0]).toMatchObject({ Sid: 'PublicRead', Effect: 'Allow' });

      for (const key of ['file1.txt', 'file2.txt', 'file.txt']) {
        const put = await root.request('PUT', `buckets/${name}/objects/${key}`, undefined, {
          raw: `contents of ${key}`,
          headers: { 'content-type': 'text/plain' },
        });
        expect(put.status).toBeLessThan(300);
      }
      const bulk = strix('DELETE', '/api/v1/buckets/{bucket}/objects');
      expect((await root.request(bulk.method, bulk.path.replace('{bucket}', name), bulk.body)).status).toBe(200);
      expect((await root.get(`buckets/${name}/objects/file1.txt`)).status).toBe(404);
      expect((await root.get(`buckets/${name}/objects/file2.txt`)).status).toBe(404);

      const presign = strix('POST', '/api/v1/presign');
      const signed = await root.request(presign.method, presign.path, presign.body);
      expect(signed.status).toBeLessThan(300);
      expect(signed.body).toMatchObject({ expires_in: 3600, method: 'GET' });
      const got = await fetch(signed.body.url);
      expect(got.status).toBe(200);
      expect(await got.text()).toBe('contents of file.txt');

      const camel = await root.post('presign', { bucket: name, key: 'file.txt', method: 'GET', expiresIn: 60 });
      expect(camel.status).toBeLessThan(300);
      expect(camel.body).toMatchObject({ expires_in: 60 });
    });
  });

  describe('identity providers and group mappings', () => {
    it('creates a group mapping from the camelCase spelling of the README example', async () => {
      const idp = await root.post('identity-providers', {
        name: 'corp-sso',
        type: 'oidc',
        config: { issuer_url: 'https://login.example.com/realms/corp', client_id: 'c', client_secret: 's' },
      });
      expect(idp.status).toBe(201);
      const t = (await root.post('tenants', { name: 'wayne' })).body.data;
      const mapping = await root.post('identity-providers/corp-sso/group-mappings', {
        externalGroup: 'developers',
        role: 'user',
        tenantId: t.id,
      });
      expect(mapping.status).toBe(201);
      expect(JSON.stringify(mapping.body)).toContain('developers');
    });
  });
});
