import { randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import { DatabaseService } from '../../../src/database/database.service';
import { ConsoleClient, createTenantFixture, TEST_PASSWORD, TenantFixture, totpNow } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer } from '../../support/start-server';

/** A 6-digit code that is not valid for the secret now (nor one step before or after). */
function wrongCode(secret: string): string {
  const step = 30_000;
  const valid = new Set([-1, 0, 1].map((d) => authenticator.clone({ epoch: Date.now() + d * step }).generate(secret)));
  let n = 123456;
  while (valid.has(String(n))) n++;
  return String(n);
}

describe('console TOTP two-factor authentication', () => {
  let server: TestServer;
  let anon: ConsoleClient;
  let root: ConsoleClient;
  const suffix = randomBytes(3).toString('hex');

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    anon = new ConsoleClient(server.consoleUrl);
    root = await anon.login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
  });
  afterAll(() => server.close());

  const newUser = async (name: string) => {
    const res = await root.post('users', { username: `${name}-${suffix}`, password: TEST_PASSWORD });
    expect(res.status).toBe(201);
    return {
      id: res.body.data.id as string,
      username: res.body.data.username as string,
      client: await anon.login(res.body.data.username, TEST_PASSWORD),
    };
  };

  /** Setup + verify; returns the secret and the backup codes. */
  const enable = async (c: ConsoleClient) => {
    const setup = await c.post('auth/2fa/setup');
    expect(setup.status).toBe(200);
    const secret: string = setup.body.data.secret;
    const verify = await c.post('auth/2fa/verify', { code: totpNow(secret) });
    expect(verify.status).toBe(200);
    return { secret, backupCodes: verify.body.data.backup_codes as string[] };
  };

  it('walks the whole flow: setup, verify, login with TOTP, backup codes used once, validate, disable', async () => {
    const alice = await newUser('alice');
    const before = await alice.client.get('auth/2fa/backup-codes');
    expect(before.body.data).toMatchObject({ enabled: false, remaining: 0 });

    const early = await alice.client.post('auth/2fa/verify', { code: '123456' });
    expect(early.status).toBe(400);
    expect(early.body.code).toBe('TwoFactorSetupRequired');

    const setup = await alice.client.post('auth/2fa/setup');
    expect(setup.status).toBe(200);
    const secret: string = setup.body.data.secret;
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    expect(setup.body.data.otpauth_url).toMatch(new RegExp(`^otpauth://totp/.*${alice.username}.*secret=${secret}`));
    expect(setup.body.data.qr_code).toMatch(/^data:image\/png;base64,/);

    // Not enabled until verified: login still needs no code.
    await anon.login(alice.username, TEST_PASSWORD);

    const wrong = await alice.client.post('auth/2fa/verify', { code: wrongCode(secret) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('InvalidVerificationCode');

    const verify = await alice.client.post('auth/2fa/verify', { code: totpNow(secret) });
    expect(verify.status).toBe(200);
    expect(verify.body.data.enabled).toBe(true);
    const codes: string[] = verify.body.data.backup_codes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);

    const again = await alice.client.post('auth/2fa/setup');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('TwoFactorAlreadyEnabled');

    // The count, never the codes again.
    const count = await alice.client.get('auth/2fa/backup-codes');
    expect(count.body.data).toMatchObject({ enabled: true, remaining: 10, total: 10 });
    for (const c of codes) expect(JSON.stringify(count.body)).not.toContain(c);

    // Login: password alone is not enough.
    const noCode = await anon.post('auth/login', { username: alice.username, password: TEST_PASSWORD });
    expect(noCode.status).toBe(401);
    expect(noCode.body).toMatchObject({ success: false, error: '2FA required', code: 'TwoFactorRequired', data: { requires_2fa: true } });
    const badCode = await anon.post('auth/login', { username: alice.username, password: TEST_PASSWORD, totp_code: wrongCode(secret) });
    expect(badCode.status).toBe(401);
    expect(badCode.body.code).toBe('InvalidTwoFactorCode');
    const withTotp = await anon.login(alice.username, TEST_PASSWORD, totpNow(secret));
    expect((await withTotp.get('auth/me')).body.data.two_factor_enabled).toBe(true);

    // A backup code works once.
    await anon.login(alice.username, TEST_PASSWORD, codes[0]);
    expect((await alice.client.get('auth/2fa/backup-codes')).body.data.remaining).toBe(9);
    const reused = await anon.post('auth/login', { username: alice.username, password: TEST_PASSWORD, totp_code: codes[0] });
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('InvalidTwoFactorCode');
    // Written without the dash, in lower case: the same code.
    await anon.login(alice.username, TEST_PASSWORD, codes[1].replace('-', '').toLowerCase());
    expect((await alice.client.get('auth/2fa/backup-codes')).body.data.remaining).toBe(8);

    // validate
    const valid = await alice.client.post('auth/2fa/validate', { code: totpNow(secret) });
    expect(valid.status).toBe(200);
    expect(valid.body.data).toEqual({ valid: true });
    const invalid = await alice.client.post('auth/2fa/validate', { code: wrongCode(secret) });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ success: false, code: 'InvalidVerificationCode', data: { valid: false } });
    expect((await alice.client.post('auth/2fa/validate', {})).status).toBe(400);

    // Regenerate: the old codes stop working, the new ones work.
    const regen = await alice.client.post('auth/2fa/backup-codes');
    expect(regen.status).toBe(200);
    const fresh: string[] = regen.body.data.backup_codes;
    expect(fresh).toHaveLength(10);
    expect((await anon.post('auth/login', { username: alice.username, password: TEST_PASSWORD, totp_code: codes[2] })).status).toBe(401);
    await anon.login(alice.username, TEST_PASSWORD, fresh[0]);

    // Disable: needs a valid code.
    const noProof = await alice.client.post('auth/2fa/disable', {});
    expect(noProof.status).toBe(400);
    expect((await alice.client.post('auth/2fa/disable', { code: wrongCode(secret) })).status).toBe(400);
    const disabled = await alice.client.post('auth/2fa/disable', { code: totpNow(secret) });
    expect(disabled.status).toBe(200);
    expect(disabled.body.data).toEqual({ enabled: false });
    await anon.login(alice.username, TEST_PASSWORD);
    const off = await alice.client.post('auth/2fa/validate', { code: totpNow(secret) });
    expect(off.status).toBe(400);
    expect(off.body.code).toBe('TwoFactorNotEnabled');
  });

  it('stores the TOTP secret encrypted and the backup codes hashed', async () => {
    const bob = await newUser('bob');
    const { secret, backupCodes } = await enable(bob.client);
    const db = server.app.app.get(DatabaseService);
    const rows = await db.dataSource.query(
      `SELECT totp_secret_enc, totp_backup_codes FROM users WHERE id = ${db.isPostgres ? '$1' : '?'}`,
      [bob.id],
    );
    const row = rows[0];
    expect(row.totp_secret_enc).toMatch(/^v1:/);
    expect(row.totp_secret_enc).not.toContain(secret);
    for (const c of backupCodes) {
      expect(row.totp_backup_codes).not.toContain(c);
      expect(row.totp_backup_codes).not.toContain(c.replace('-', ''));
    }
  });

  it("lets an administrator reset a user's 2FA, and nobody else's", async () => {
    const carol = await newUser('carol');
    await enable(carol.client);
    const fx: TenantFixture = await createTenantFixture(root, `tfa-${suffix}`);
    const foreign = await fx.admin.post('auth/2fa/disable', { user_id: carol.id });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ success: false, code: 'AccessDenied' });
    expect((await fx.user.post('auth/2fa/disable', { user_id: carol.username })).status).toBe(403);

    const reset = await root.post('auth/2fa/disable', { user_id: carol.username });
    expect(reset.status).toBe(200);
    await anon.login(carol.username, TEST_PASSWORD);

    // A tenant admin resets a user of their tenant.
    const { secret } = await enable(fx.user);
    expect((await anon.post('auth/login', { username: fx.userName, password: TEST_PASSWORD })).body.code).toBe('TwoFactorRequired');
    await anon.login(fx.userName, TEST_PASSWORD, totpNow(secret));
    expect((await fx.admin.post('auth/2fa/disable', { user_id: fx.userId })).status).toBe(200);
    await anon.login(fx.userName, TEST_PASSWORD);
  });

  it('counts wrong codes at login as failed logins', async () => {
    const dave = await newUser('dave');
    const { secret } = await enable(dave.client);
    let last;
    for (let i = 0; i < 5; i++)
      last = await anon.post('auth/login', { username: dave.username, password: TEST_PASSWORD, totp_code: wrongCode(secret) });
    expect(last!.status).toBe(403);
    expect(last!.body.code).toBe('AccountLocked');
    expect((await root.post(`users/${dave.id}/unlock`)).status).toBe(200);
    await anon.login(dave.username, TEST_PASSWORD, totpNow(secret));
  });

  it('needs a token for every 2FA route', async () => {
    for (const [method, path] of [
      ['POST', 'auth/2fa/setup'],
      ['POST', 'auth/2fa/verify'],
      ['POST', 'auth/2fa/validate'],
      ['POST', 'auth/2fa/disable'],
      ['GET', 'auth/2fa/backup-codes'],
      ['POST', 'auth/2fa/backup-codes'],
    ]) {
      expect((await anon.request(method, path, method === 'POST' ? {} : undefined)).status).toBe(401);
    }
  });
});
