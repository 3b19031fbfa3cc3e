import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, PutBucketAclCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { DatabaseService } from '../../../src/database/database.service';
import { AccessKeyEntity } from '../../../src/iam/entities/access-key.entity';
import { ConsoleClient, createTenantFixture, TEST_PASSWORD, TenantFixture, totpNow } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

const DAY_MS = 86_400_000;

/** GET /api/v1/security/status: 2FA adoption, lockouts, stale keys, public buckets, server facts. */
describe('console security status', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let a: TenantFixture;
  let b: TenantFixture;
  let s3: S3Client;
  const suffix = randomBytes(3).toString('hex');
  const aclBucket = uniqueBucket('pub-acl');
  const policyBucket = uniqueBucket('pub-pol');
  const privateBucket = uniqueBucket('priv');
  let staleKey: string;

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0, loginMaxFailures: 2 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    a = await createTenantFixture(root, `sa-${suffix}`);
    b = await createTenantFixture(root, `sb-${suffix}`);

    // a's admin turns on 2FA; a's user gets locked out.
    const setup = await a.admin.post('auth/2fa/setup');
    expect((await a.admin.post('auth/2fa/verify', { code: totpNow(setup.body.data.secret) })).status).toBe(200);
    for (let i = 0; i < 2; i++) await root.anonymous().post('auth/login', { username: a.userName, password: 'wrong password!' });

    // a key of a's user that has not been used for 100 days.
    const key = await a.user.post('access-keys', {});
    staleKey = key.body.data.access_key_id;
    const old = Date.now() - 100 * DAY_MS;
    await server.app.app
      .get(DatabaseService)
      .tx((m) => m.update(AccessKeyEntity, { accessKeyId: staleKey }, { createdAt: old, lastUsedAt: old }));

    const fresh = await b.admin.post('access-keys', {});
    s3 = server.client({ credentials: { accessKeyId: fresh.body.data.access_key_id, secretAccessKey: fresh.body.data.secret_access_key } });
    for (const bucket of [aclBucket, policyBucket, privateBucket]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketAclCommand({ Bucket: aclBucket, ACL: 'public-read' }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: policyBucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${policyBucket}/*` }],
        }),
      }),
    );
  });
  afterAll(() => server.close());

  it('gives a global admin the whole server: 2FA, lockouts, stale keys, public buckets, master key, root credentials, transport', async () => {
    const res = await root.get('security/status');
    expect(res.status).toBe(200);
    const s = res.body.data;
    expect(s.scope).toBe('global');
    expect(s.two_factor.with_2fa).toBe(1);
    expect(s.two_factor.total_users).toBeGreaterThanOrEqual(5);
    expect(s.two_factor.without_2fa).toBe(s.two_factor.total_users - 1);
    expect(s.two_factor.adoption_percent).toBeCloseTo((100 * 1) / s.two_factor.total_users, 1);
    const without = s.two_factor.users_without_2fa.map((u: { username: string }) => u.username);
    expect(without).toEqual(expect.arrayContaining(['root', a.userName, b.adminName]));
    expect(without).not.toContain(a.adminName);
    expect(s.two_factor.users_without_2fa[0].role).toBe('admin'); // admins first
    expect(s.locked_accounts).toEqual([
      expect.objectContaining({ username: a.userName, tenant_id: a.tenant.id, locked_until: expect.any(String) }),
    ]);
    expect(s.stale_access_keys).toMatchObject({
      threshold_days: 90,
      count: 1,
      keys: [expect.objectContaining({ access_key_id: staleKey, username: a.userName })],
    });
    expect(s.public_buckets).toEqual(
      [
        { name: aclBucket, tenant_id: b.tenant.id, via: ['acl'] },
        { name: policyBucket, tenant_id: b.tenant.id, via: ['policy'] },
      ].sort((x, y) => (x.name < y.name ? -1 : 1)),
    );
    expect(s.master_key.source).toBe(server.config.masterKey ? 'configured' : 'generated');
    expect(s.root_credentials).toEqual({ source: 'configured', default_in_use: false, password_set: false, two_factor_enabled: false });
    expect(s.transport).toMatchObject({ tls_terminated_by_server: false, request_secure: false, note: expect.stringMatching(/TLS/) });
    expect(s.maintenance_mode).toBe(false);
    const codes = s.findings.map((f: { code: string }) => f.code);
    expect(codes).toEqual(
      expect.arrayContaining(['InsecureTransport', 'RootWithoutTwoFactor', 'PublicBuckets', 'StaleAccessKeys', 'LockedAccounts']),
    );
    expect(codes).not.toContain('DefaultRootCredentials');
    expect(s.findings[0].severity).not.toBe('info');
  });

  it('counts a request that came through a TLS proxy as secure', async () => {
    const res = await root.request('GET', 'security/status', undefined, { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.body.data.transport.request_secure).toBe(true);
    expect(res.body.data.findings.map((f: { code: string }) => f.code)).not.toContain('InsecureTransport');
  });

  it("gives a tenant admin their tenant only, without the server's facts", async () => {
    const res = await b.admin.get('security/status');
    expect(res.status).toBe(200);
    const s = res.body.data;
    expect(s).toMatchObject({ scope: 'tenant', tenant_id: b.tenant.id, locked_accounts: [], stale_access_keys: { count: 0 } });
    expect(s.two_factor.total_users).toBe(2);
    expect(s.public_buckets.map((x: { name: string }) => x.name).sort()).toEqual([aclBucket, policyBucket].sort());
    expect(s.master_key).toBeUndefined();
    expect(s.root_credentials).toBeUndefined();
    const other = (await a.admin.get('security/status')).body.data;
    expect(other.public_buckets).toEqual([]);
    expect(other.locked_accounts.map((u: { username: string }) => u.username)).toEqual([a.userName]);
    expect(other.two_factor.with_2fa).toBe(1);
  });

  it('refuses users and anonymous callers', async () => {
    expect((await b.user.get('security/status')).status).toBe(403);
    expect((await root.anonymous().get('security/status')).status).toBe(401);
  });

  it('lists a user created with a password among those without 2FA', async () => {
    const created = await a.admin.post('users', { username: `late-${suffix}`, password: TEST_PASSWORD });
    expect(created.status).toBe(201);
    const s = (await a.admin.get('security/status')).body.data;
    expect(s.two_factor.users_without_2fa.map((u: { username: string }) => u.username)).toContain(`late-${suffix}`);
  });

  // Last: a second server in this process takes over the passport strategy (process-wide) from the first.
  it('notices a root configured with a well-known default secret', async () => {
    const weak = await startServer({ config: { rootSecretKey: 'minioadmin', rootAccessKey: 'minioadmin' } });
    try {
      const c = await new ConsoleClient(weak.consoleUrl).login('minioadmin', 'minioadmin');
      const s = (await c.get('security/status')).body.data;
      expect(s.root_credentials.default_in_use).toBe(true);
      expect(s.findings[0]).toMatchObject({ severity: 'high', code: 'DefaultRootCredentials' });
    } finally {
      await weak.close();
    }
  });
});
