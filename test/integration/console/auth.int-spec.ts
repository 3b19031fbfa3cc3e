import { randomBytes } from 'node:crypto';
import { ConsoleClient, TEST_PASSWORD } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer } from '../../support/start-server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Console authentication: root login, tokens (logout, refresh, expiry), lockout, rate limit, error shapes. */
describe('console authentication', () => {
  let server: TestServer;
  let anon: ConsoleClient;
  let root: ConsoleClient;
  const suffix = randomBytes(3).toString('hex');

  beforeAll(async () => {
    // No per-IP limit here: this suite logs in many times (the limit has its own suite below).
    server = await startServer({ config: { loginRateLimit: 0 } });
    anon = new ConsoleClient(server.consoleUrl);
    root = await anon.login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
  });
  afterAll(() => server.close());

  const createUser = async (username: string, password = TEST_PASSWORD) => {
    const res = await root.post('users', { username, password });
    expect(res.status).toBe(201);
    return res.body.data as { id: string; username: string };
  };

  describe('login', () => {
    it('logs root in with its access key and secret key, as MinIO does', async () => {
      const res = await anon.post('auth/login', { username: ROOT_ACCESS_KEY, password: ROOT_SECRET_KEY });
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.data).toMatchObject({
        token_type: 'Bearer',
        expires_in: 900,
        user: { username: 'root', role: 'admin', tenant_id: null },
      });
      expect(res.body.data.token.split('.')).toHaveLength(3);
      const me = await new ConsoleClient(server.consoleUrl, res.body.data.token).get('auth/me');
      expect(me.status).toBe(200);
      expect(me.body.data).toMatchObject({ username: 'root', role: 'admin' });
    });

    it('logs a user in with a password', async () => {
      const u = await createUser(`login-${suffix}`);
      const c = await anon.login(u.username, TEST_PASSWORD);
      expect((await c.get('auth/me')).body.data).toMatchObject({ id: u.id, username: u.username });
    });

    it('refuses a wrong password, an unknown user and a key-only user alike: 401 Invalid credentials', async () => {
      const strix = await root.post('users', { username: `keyonly-${suffix}` }); // no password: Strix shape
      expect(strix.status).toBe(201);
      for (const body of [
        { username: ROOT_ACCESS_KEY, password: 'wrong-secret' },
        { username: `nobody-${suffix}`, password: 'whatever-password' },
        { username: `keyonly-${suffix}`, password: 'whatever-password' },
        { username: 'root', password: ROOT_SECRET_KEY }, // root's console login is its access key
      ]) {
        const res = await anon.post('auth/login', body);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({
          success: false,
          error: 'Invalid credentials',
          message: 'Invalid credentials',
          code: 'InvalidCredentials',
        });
      }
    });

    it('answers 400 naming the field for a missing, mistyped or unknown field', async () => {
      const missing = await anon.post('auth/login', { username: 'x' });
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({ success: false, code: 'ValidationError' });
      expect(missing.body.fields.password).toBeDefined();
      expect(missing.body.error).toMatch(/password/);

      const typed = await anon.post('auth/login', { username: 42, password: 'x' });
      expect(typed.status).toBe(400);
      expect(typed.body.message).toMatch(/username must be a string/);

      const unknown = await anon.post('auth/login', { username: 'x', password: 'y', remember: true });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toBe('property remember should not exist');
    });

    it('answers 400 JSON for a malformed body and 413 for a too large one', async () => {
      const bad = await anon.request('POST', 'auth/login', undefined, { raw: '{"username": ' });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ success: false, code: 'MalformedJSON' });
      const big = await anon.request('POST', 'auth/login', undefined, {
        raw: JSON.stringify({ username: 'x', password: 'y'.repeat(2 * 1024 * 1024) }),
      });
      expect(big.status).toBe(413);
      expect(big.body).toMatchObject({ success: false, code: 'PayloadTooLarge' });
    });
  });

  describe('tokens', () => {
    it('refuses requests without a token, with a garbage token, or with a token signed by another key', async () => {
      const none = await anon.get('auth/me');
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ success: false, code: 'Unauthenticated' });
      expect(none.body.message).toEqual(expect.any(String));

      expect((await new ConsoleClient(server.consoleUrl, 'not.a.token').get('auth/me')).status).toBe(401);
      // Same claims, another signature.
      const [h, p] = root.token!.split('.');
      const forged = await new ConsoleClient(server.consoleUrl, `${h}.${p}.${Buffer.from('forged').toString('base64url')}`).get('auth/me');
      expect(forged.status).toBe(401);
    });

    it('revokes the token on logout (and only that token)', async () => {
      const u = await createUser(`logout-${suffix}`);
      const a = await anon.login(u.username, TEST_PASSWORD);
      const b = await anon.login(u.username, TEST_PASSWORD);
      const out = await a.post('auth/logout');
      expect(out.status).toBe(200);
      expect(out.body.success).toBe(true);
      const after = await a.get('auth/me');
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('TokenRevoked');
      expect((await b.get('auth/me')).status).toBe(200);
    });

    it('renews a valid token with refresh; the old one is revoked', async () => {
      const u = await createUser(`refresh-${suffix}`);
      const old = await anon.login(u.username, TEST_PASSWORD);
      const res = await old.post('auth/refresh');
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ expires_in: 900, user: { username: u.username } });
      const renewed = new ConsoleClient(server.consoleUrl, res.body.data.token);
      expect((await renewed.get('auth/me')).status).toBe(200);
      expect((await old.get('auth/me')).body.code).toBe('TokenRevoked');
    });

    it('refuses the token of a deactivated user, and their login', async () => {
      const u = await createUser(`inactive-${suffix}`);
      const c = await anon.login(u.username, TEST_PASSWORD);
      expect((await root.patch(`users/${u.id}/status`, { status: 'inactive' })).status).toBe(200);
      const me = await c.get('auth/me');
      expect(me.status).toBe(403);
      expect(me.body.code).toBe('AccountDisabled');
      expect((await anon.post('auth/login', { username: u.username, password: TEST_PASSWORD })).body.code).toBe('AccountDisabled');
      expect((await root.patch(`users/${u.id}/status`, { status: 'active' })).status).toBe(200);
      expect((await c.get('auth/me')).status).toBe(200);
    });
  });

  describe('lockout', () => {
    it('locks an account after 5 failed logins, refuses even the right password, and unlocks on request', async () => {
      const u = await createUser(`lock-${suffix}`);
      for (let i = 1; i <= 4; i++) {
        const res = await anon.post('auth/login', { username: u.username, password: `wrong-${i}-password` });
        expect(res.status).toBe(401);
      }
      const fifth = await anon.post('auth/login', { username: u.username, password: 'wrong-5-password' });
      expect(fifth.status).toBe(403);
      expect(fifth.body).toMatchObject({ success: false, code: 'AccountLocked' });
      expect(Date.parse(fifth.body.data.locked_until)).toBeGreaterThan(Date.now() + 14 * 60_000);

      const right = await anon.post('auth/login', { username: u.username, password: TEST_PASSWORD });
      expect(right.status).toBe(403);
      expect(right.body.code).toBe('AccountLocked');
      const seen = await root.get(`users/${u.username}`);
      expect(seen.body.data).toMatchObject({ locked: true, locked_until: expect.any(String) });

      const unlock = await root.post(`users/${u.id}/unlock`);
      expect(unlock.status).toBe(200);
      expect(unlock.body.data).toMatchObject({ locked: false, failed_login_attempts: 0 });
      await anon.login(u.username, TEST_PASSWORD);
    });

    it('forgets failures after a successful login', async () => {
      const u = await createUser(`reset-${suffix}`);
      for (let i = 0; i < 4; i++) await anon.post('auth/login', { username: u.username, password: 'wrong-password' });
      await anon.login(u.username, TEST_PASSWORD);
      for (let i = 0; i < 4; i++)
        expect((await anon.post('auth/login', { username: u.username, password: 'wrong-password' })).status).toBe(401);
      await anon.login(u.username, TEST_PASSWORD);
    });

    it('answers 404 for unlocking a user that does not exist, 403 for a user without the role', async () => {
      const missing = await root.post(`users/nobody-${suffix}/unlock`);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ success: false, code: 'UserNotFound' });
      const tenant = await root.post('tenants', { name: `lk-${suffix}` });
      const plain = await root.post('users', { username: `lkuser-${suffix}`, password: TEST_PASSWORD, tenant_id: tenant.body.data.id });
      const c = await anon.login(plain.body.data.username, TEST_PASSWORD);
      expect((await c.post(`users/${plain.body.data.id}/unlock`)).status).toBe(403);
    });
  });

  describe('password policy', () => {
    it('refuses a password shorter than PASSWORD_MIN_LENGTH with a 400 naming the password', async () => {
      const res = await root.post('users', { username: `short-${suffix}`, password: 'short' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: 'InvalidInput' });
      expect(res.body.message).toMatch(/password must be at least 8 characters/);
      const u = await createUser(`pw-${suffix}`);
      const change = await root.put(`users/${u.id}/password`, { new_password: 'short' });
      expect(change.status).toBe(400);
      expect(change.body.message).toMatch(/password/);
    });
  });

  describe('system routes and the console port', () => {
    it('serves version, info and health without a token', async () => {
      const version = await anon.get('version');
      expect(version.status).toBe(200);
      expect(version.body).toMatchObject({ success: true, data: { version: expect.any(String) }, version: expect.any(String) });
      const info = await anon.get('info');
      expect(info.status).toBe(200);
      expect(info.body).toMatchObject({ version: expect.any(String), mode: 'standalone', region: 'us-east-1', uptime: expect.any(Number) });
      expect(info.body).toHaveProperty('commit');
      const health = await anon.get('health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', success: true });
    });

    it('answers an unknown console route with the JSON error shape, and keeps /health, /ready and /metrics', async () => {
      const res = await root.get('no-such-route');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, code: 'NotFound', error: expect.any(String), message: expect.any(String) });
      expect((await anon.get('/health')).body).toEqual({ status: 'ok' });
      expect((await anon.get('/ready')).status).toBe(200);
      const metrics = await anon.get('/metrics');
      expect(metrics.status).toBe(200);
      expect(String(metrics.body)).toContain('process_cpu');
    });

    it('gives every console response a request id, also found in error bodies', async () => {
      const res = await anon.get('auth/me');
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9A-F]{16}$/);
      expect(res.body.request_id).toBe(id);
    });
  });
});

describe('console token expiry', () => {
  let server: TestServer;
  beforeAll(async () => {
    // JWT times are whole seconds: a token issued at x.999 s with a 1 s TTL is expired at once.
    // With 3 s it stays valid for at least 2 s after login, and is surely expired 3.1 s later.
    server = await startServer({ config: { jwtTtlSeconds: 3 } });
  });
  afterAll(() => server.close());

  it('refuses an expired token (401 TokenExpired), also for refresh', async () => {
    const c = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    expect((await c.get('auth/me')).status).toBe(200);
    await sleep(3100);
    const me = await c.get('auth/me');
    expect(me.status).toBe(401);
    expect(me.body).toMatchObject({ success: false, code: 'TokenExpired' });
    expect((await c.post('auth/refresh')).status).toBe(401);
  });
});

describe('console login rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 3 } });
  });
  afterAll(() => server.close());

  it('answers 429 with Retry-After past the per-IP budget, even for the right password', async () => {
    const anon = new ConsoleClient(server.consoleUrl);
    for (let i = 0; i < 3; i++)
      expect((await anon.post('auth/login', { username: 'someone', password: 'wrong-password' })).status).toBe(401);
    const res = await anon.post('auth/login', { username: ROOT_ACCESS_KEY, password: ROOT_SECRET_KEY });
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ success: false, code: 'TooManyRequests' });
    const retry = Number(res.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
  });
});
