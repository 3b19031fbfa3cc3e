import { join } from 'node:path';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { Attribute, Change, Client } from 'ldapts';
import { ConsoleClient, Json, TEST_PASSWORD } from '../../support/console-client';
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_BASE_DN, startLdapServer, TestLdapServer } from '../../support/ldap-server';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer } from '../../support/start-server';

const PEOPLE = `ou=people,${LDAP_BASE_DN}`;
const GROUPS = `ou=groups,${LDAP_BASE_DN}`;
const dnOf = (uid: string) => `uid=${uid},${PEOPLE}`;

/** LDAP identity provider against a real slapd: test, search, import, login by bind, group mappings, sync, filter injection. */
describe('LDAP identity provider', () => {
  let ldap: TestLdapServer;
  let server: TestServer;
  let anon: ConsoleClient;
  let root: ConsoleClient;
  let acmeId: string;
  let providerId: string;

  const ldapSettings = () => ({
    url: ldap.url,
    bind_dn: `cn=reader,ou=services,${LDAP_BASE_DN}`,
    bind_password: 'reader-secret',
    user_search_base: PEOPLE,
    user_filter: '(objectClass=inetOrgPerson)',
    group_search_base: GROUPS,
  });

  /** Changes the directory as its manager. */
  const directory = async (fn: (c: Client) => Promise<void>) => {
    const c = new Client({ url: ldap.url });
    await c.bind(LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD);
    try {
      await fn(c);
    } finally {
      await c.unbind();
    }
  };
  const removeMember = (group: string, uid: string) =>
    directory((c) =>
      c.modify(
        `cn=${group},${GROUPS}`,
        new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [dnOf(uid)] }) }),
      ),
    );

  const login = (username: string, password: string, extra: Record<string, string> = {}) =>
    anon.post('auth/login', { username, password, ...extra });

  beforeAll(async () => {
    ldap = await startLdapServer(join(__dirname, '..', '..', 'fixtures', 'ldap', 'directory.ldif'));
    server = await startServer({ config: { loginRateLimit: 0, idpSyncIntervalMs: 0 } });
    anon = new ConsoleClient(server.consoleUrl);
    root = await anon.login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    const t = await root.post('tenants', { name: 'acme' });
    expect(t.status).toBe(201);
    acmeId = t.body.data.id;
  });
  afterAll(async () => {
    await server?.close();
    await ldap?.stop();
  });

  it('creates a provider, keeps the bind password secret, and tests the bind', async () => {
    const res = await root.post('identity-providers', { name: 'corp-ldap', type: 'ldap', config: ldapSettings() });
    expect(res.status).toBe(201);
    providerId = res.body.data.id;
    expect(res.body.data).toMatchObject({ name: 'corp-ldap', type: 'ldap', status: 'active', tenant_id: null });
    expect(res.body.data.config).toMatchObject({ url: ldap.url, attr_username: 'uid', has_bind_password: true, auto_create_users: false });
    expect(JSON.stringify(res.body)).not.toContain('reader-secret');
    expect(JSON.stringify((await root.get(`identity-providers/${providerId}`)).body)).not.toContain('reader-secret');

    const test = await root.post(`identity-providers/${providerId}/test`);
    expect(test.status).toBe(200);
    expect(test.body.data).toMatchObject({ success: true, details: { connected: true, users_found: 5 } });

    const bad = await root.post('identity-providers', {
      name: 'bad-ldap',
      type: 'ldap',
      config: { ...ldapSettings(), bind_password: 'wrong' },
    });
    const badTest = await root.post(`identity-providers/${bad.body.data.id}/test`);
    expect(badTest.status).toBe(200);
    expect(badTest.body.data.success).toBe(false);
    expect(badTest.body.data.message).toMatch(/invalid credentials/i);
    expect((await root.delete(`identity-providers/${bad.body.data.id}`)).status).toBe(204);
  });

  it('refuses bad settings naming the field', async () => {
    const noUrl = await root.post('identity-providers', { name: 'x-ldap', type: 'ldap', config: { user_search_base: PEOPLE } });
    expect(noUrl.status).toBe(400);
    expect(noUrl.body.message).toMatch(/config.url/);
    const unknown = await root.post('identity-providers', { name: 'x-ldap', type: 'ldap', config: { ...ldapSettings(), colour: 'blue' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/config.colour/);
    const admin = await root.post('identity-providers', {
      name: 'x-ldap',
      type: 'ldap',
      config: { ...ldapSettings(), default_role: 'admin' },
    });
    expect(admin.status).toBe(400);
    expect(admin.body.message).toMatch(/default_role cannot be admin/);
  });

  it('searches users and groups; a search term is a literal, never a wildcard', async () => {
    const users = await root.post(`identity-providers/${providerId}/search-users`, { query: 'ali' });
    expect(users.status).toBe(200);
    expect(users.body.data.map((u: Json) => u.username)).toEqual(['alice']);
    expect(users.body.data[0]).toMatchObject({ dn: dnOf('alice'), email: 'alice@example.org', groups: [`cn=storage-admins,${GROUPS}`] });
    const all = await root.post(`identity-providers/${providerId}/search-users`, {});
    expect(all.body.data).toHaveLength(5);
    for (const query of ['*', '*)(uid=*', 'a*e']) {
      const r = await root.post(`identity-providers/${providerId}/search-users`, { query });
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual([]);
    }
    const groups = await root.post(`identity-providers/${providerId}/search-groups`, { query: 'dev' });
    expect(groups.body.data).toEqual([
      { external_id: `cn=developers,${GROUPS}`, dn: `cn=developers,${GROUPS}`, name: 'developers', member_count: 3 },
    ]);
  });

  it('maps groups to roles and tenants', async () => {
    const admins = await root.post(`identity-providers/${providerId}/group-mappings`, {
      external_group: `cn=storage-admins,${GROUPS}`,
      role: 'admin',
    });
    expect(admins.status).toBe(201);
    expect(admins.body.data).toMatchObject({ role: 'admin', tenant_id: null });
    const devs = await root.post(`identity-providers/${providerId}/group-mappings`, {
      external_group: 'developers',
      role: 'user',
      tenant_id: 'acme',
    });
    expect(devs.body.data).toMatchObject({ role: 'user', tenant_id: acmeId, tenant_name: 'acme' });
    const leads = await root.post(`identity-providers/${providerId}/group-mappings`, {
      external_group: 'team-leads',
      role: 'tenant-admin',
      tenant_id: acmeId,
    });
    expect(leads.status).toBe(201);
    const dupe = await root.post(`identity-providers/${providerId}/group-mappings`, {
      external_group: 'DEVELOPERS',
      role: 'user',
      tenant_id: acmeId,
    });
    expect(dupe.status).toBe(409);
    const noTenant = await root.post(`identity-providers/${providerId}/group-mappings`, { external_group: 'x', role: 'user' });
    expect(noTenant.status).toBe(400);
    const list = await root.get(`identity-providers/${providerId}/group-mappings`);
    expect(list.body.data).toHaveLength(3);
  });

  it('imports a user (no password) and logs them in by binding to the directory', async () => {
    const imp = await root.post(`identity-providers/${providerId}/import-user`, { username: 'alice' });
    expect(imp.status).toBe(200);
    expect(imp.body.data[0]).toMatchObject({
      username: 'alice',
      status: 'imported',
      user: { username: 'alice', role: 'admin', tenant_id: null },
    });
    const carol = await root.post(`identity-providers/${providerId}/import-user`, { username: 'carol' });
    expect(carol.body.data[0]).toMatchObject({ status: 'error' });
    expect(carol.body.data[0].error).toMatch(/none of their groups .* is mapped/);
    const missing = await root.post(`identity-providers/${providerId}/import-user`, { users: [{ username: 'nobody' }] });
    expect(missing.body.data[0]).toMatchObject({ status: 'error', error: 'not found in the directory' });

    const ok = await login('alice', 'alice-pass-1');
    expect(ok.status).toBe(200);
    expect(ok.body.data.user).toMatchObject({ username: 'alice', role: 'admin' });
    const me = await new ConsoleClient(server.consoleUrl, ok.body.data.token).get('auth/me');
    expect(me.body.data.username).toBe('alice');

    const wrong = await login('alice', 'not-her-password');
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('InvalidCredentials');
  });

  it('creates users on first login only when the provider is told to', async () => {
    const off = await login('bob', 'bob-pass-1', { provider: 'corp-ldap' });
    expect(off.status).toBe(401);
    expect(off.body.message).toMatch(/auto_create_users is off/);
    // Without a provider and without auto-create, an unknown name is just an unknown user.
    expect((await login('bob', 'bob-pass-1')).body.code).toBe('InvalidCredentials');

    const put = await root.put(`identity-providers/${providerId}`, { config: { auto_create_users: true } });
    expect(put.status).toBe(200);
    expect(put.body.data.config).toMatchObject({ auto_create_users: true, has_bind_password: true, url: ldap.url });

    const bob = await login('bob', 'bob-pass-1');
    expect(bob.status).toBe(200);
    expect(bob.body.data.user).toMatchObject({ username: 'bob', role: 'user', tenant_id: acmeId });
    const erin = await login('erin', 'erin-pass-1');
    expect(erin.body.data.user).toMatchObject({ role: 'tenant-admin', tenant_id: acmeId });

    const carol = await login('carol', 'carol-pass-1');
    expect(carol.status).toBe(403);
    expect(carol.body.code).toBe('NoRoleMapping');
    expect(carol.body.message).toMatch(/carol has no role here/);
    expect((await root.get('users/carol')).status).toBe(404);
  });

  it('never lets a hostile username widen the directory search', async () => {
    for (const username of ['*', '*)(uid=*', 'al*', 'alice)(uid=*', '*)(|(uid=*', 'alice\\2a', '(uid=alice)']) {
      const res = await login(username, 'alice-pass-1', { provider: 'corp-ldap' });
      expect({ username, status: res.status, code: res.body.code }).toEqual({ username, status: 401, code: 'InvalidCredentials' });
      const plain = await login(username, 'alice-pass-1');
      expect(plain.status).toBe(401);
    }
    const users = (await root.get('users')).body.data.map((u: Json) => u.username);
    expect(users.filter((u: string) => /[*()\\]/.test(u))).toEqual([]);
  });

  it('keeps local passwords for local users, and LDAP users have none', async () => {
    const local = await root.post('users', { username: 'local-larry', password: TEST_PASSWORD });
    expect(local.status).toBe(201);
    expect((await login('local-larry', TEST_PASSWORD)).status).toBe(200);
    expect((await login('local-larry', TEST_PASSWORD, { provider: 'corp-ldap' })).status).toBe(401);
    // An empty-password bind would be anonymous in LDAP: the API refuses it before.
    expect((await login('alice', '')).status).toBe(400);
  });

  it('syncs group changes into roles, and deactivates users who left (their keys stop working)', async () => {
    const dave = await login('dave', 'dave-pass-1');
    expect(dave.body.data.user).toMatchObject({ role: 'user', tenant_id: acmeId });
    const key = await root.post('users/dave/access-keys');
    expect(key.status).toBe(201);
    const { access_key_id: accessKeyId, secret_access_key: secretAccessKey } = key.body.data;
    const s3 = server.client({ credentials: { accessKeyId, secretAccessKey } });
    await s3.send(new ListBucketsCommand({}));

    await directory((c) => c.del(dnOf('dave')));
    await removeMember('team-leads', 'erin');
    const sync = await root.post(`identity-providers/${providerId}/sync`);
    expect(sync.status).toBe(200);
    expect(sync.body.data).toMatchObject({ deactivated: 1, errors: 0 });
    expect(sync.body.data.updated).toBeGreaterThanOrEqual(1);

    expect((await root.get('users/dave')).body.data.status).toBe('inactive');
    expect((await root.get('users/erin')).body.data).toMatchObject({ role: 'user', tenant_id: acmeId });
    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    expect((await login('dave', 'dave-pass-1')).status).toBe(401);

    const provider = await root.get(`identity-providers/${providerId}`);
    expect(provider.body.data.last_sync_result).toMatchObject({ deactivated: 1 });
    expect(provider.body.data.last_sync_at).not.toBeNull();
  });

  it('syncs one mapping: members lose the role when they leave the group, new members are imported', async () => {
    const mappings = (await root.get(`identity-providers/${providerId}/group-mappings`)).body.data;
    const devs = mappings.find((m: Json) => m.external_group === 'developers');
    await removeMember('developers', 'bob');
    await directory(async (c) => {
      await c.add(dnOf('frank'), { objectClass: 'inetOrgPerson', uid: 'frank', cn: 'Frank New', sn: 'New', userPassword: 'frank-pass-1' });
      await c.modify(
        `cn=developers,${GROUPS}`,
        new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dnOf('frank')] }) }),
      );
    });
    const res = await root.post(`identity-providers/${providerId}/group-mappings/${devs.id}/sync`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ mapping_id: devs.id, imported: 1, deactivated: 1, errors: 0 });
    expect((await root.get('users/bob')).body.data.status).toBe('inactive');
    expect((await root.get('users/frank')).body.data).toMatchObject({ role: 'user', tenant_id: acmeId, status: 'active' });
    expect((await login('frank', 'frank-pass-1')).status).toBe(200);

    // Back in a mapped group: the next sync reactivates bob (he was deactivated by a sync, not by an admin).
    await directory((c) =>
      c.modify(
        `cn=developers,${GROUPS}`,
        new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dnOf('bob')] }) }),
      ),
    );
    const again = await root.post(`identity-providers/${providerId}/sync`);
    expect(again.body.data.reactivated).toBe(1);
    expect((await login('bob', 'bob-pass-1')).status).toBe(200);
  });

  it('lets a tenant admin manage only providers of their tenant, never granting admin', async () => {
    await root.post('users', { username: 'acme-boss', password: TEST_PASSWORD, tenant_id: acmeId, role: 'tenant-admin' });
    const boss = await anon.login('acme-boss', TEST_PASSWORD);
    expect((await boss.get('identity-providers')).body.data).toEqual([]);
    expect((await boss.get(`identity-providers/${providerId}`)).status).toBe(403);
    const own = await boss.post('identity-providers', { name: 'acme-ldap', type: 'ldap', config: ldapSettings() });
    expect(own.status).toBe(201);
    expect(own.body.data.tenant_id).toBe(acmeId);
    const admin = await boss.post(`identity-providers/${own.body.data.id}/group-mappings`, { external_group: 'developers', role: 'admin' });
    expect(admin.status).toBe(400);
    const other = await root.post('tenants', { name: 'globex' });
    const foreign = await boss.post(`identity-providers/${own.body.data.id}/group-mappings`, {
      external_group: 'developers',
      role: 'user',
      tenant_id: other.body.data.id,
    });
    expect(foreign.status).toBe(400);
    const fine = await boss.post(`identity-providers/${own.body.data.id}/group-mappings`, { external_group: 'developers', role: 'user' });
    expect(fine.status).toBe(201);
    expect(fine.body.data.tenant_id).toBe(acmeId);
    const user = await anon.login('frank', 'frank-pass-1');
    expect((await user.get('identity-providers')).status).toBe(403);
  });
});
