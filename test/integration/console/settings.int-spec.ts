import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SettingsService } from '../../../src/settings/settings.service';
import { ConsoleClient, createTenantFixture, TenantFixture } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** Settings (GET/PUT /api/v1/settings…), GET /api/v1/config and maintenance mode. */
describe('console settings and config', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let t: TenantFixture;
  const suffix = randomBytes(3).toString('hex');

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    t = await createTenantFixture(root, `st-${suffix}`);
  });
  afterAll(() => server.close());

  describe('GET /settings', () => {
    it('lists every setting with its type, value, default and constraints, paginated', async () => {
      const res = await root.get('settings');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, pagination: { page: 1, page_size: 100, total: expect.any(Number) } });
      expect(res.body.settings).toEqual(res.body.data);
      const byKey = Object.fromEntries(res.body.data.map((s: { key: string }) => [s.key, s]));
      expect(byKey.maintenance_mode).toMatchObject({
        category: 'system',
        type: 'boolean',
        value: false,
        default_value: false,
        is_default: true,
      });
      expect(byKey.password_min_length).toMatchObject({
        category: 'security',
        type: 'integer',
        value: server.config.passwordMinLength,
        min: 4,
        max: 128,
        overrides: 'PASSWORD_MIN_LENGTH',
      });
      expect(byKey.log_level).toMatchObject({ category: 'logging', type: 'enum', options: ['error', 'warn', 'log', 'debug', 'verbose'] });
      for (const k of [
        'login_max_failures',
        'lockout_minutes',
        'session_ttl',
        'audit_retention_days',
        'metrics_sample_interval',
        'syslog_host',
      ]) {
        expect(byKey[k]).toBeDefined();
      }
      const page = await root.get('settings?page=2&page_size=3');
      expect(page.body.data).toHaveLength(3);
      expect(page.body.pagination).toMatchObject({ page: 2, page_size: 3, total: res.body.pagination.total });
    });

    it('reads one setting by key or by category.name, and one category', async () => {
      const one = await root.get('settings/session_ttl');
      expect(one.status).toBe(200);
      expect(one.body.data).toMatchObject({ key: 'session_ttl', value: server.config.jwtTtlSeconds, unit: 'seconds' });
      expect((await root.get('settings/security.session_ttl')).body.data.key).toBe('session_ttl');
      const cat = await root.get('settings/category/security');
      expect(cat.status).toBe(200);
      expect(cat.body.data.length).toBeGreaterThan(0);
      for (const s of cat.body.data) expect(s.category).toBe('security');
      expect((await root.get('settings/no_such_setting')).status).toBe(404);
      expect((await root.get('settings/category/nonsense')).status).toBe(404);
    });

    it('is for global admins only', async () => {
      for (const c of [t.admin, t.user]) {
        expect((await c.get('settings')).status).toBe(403);
        expect((await c.get('settings/maintenance_mode')).status).toBe(403);
        expect((await c.put('settings/maintenance_mode', { value: true })).status).toBe(403);
        expect((await c.post('settings/reset', {})).status).toBe(403);
      }
      expect((await root.anonymous().get('settings')).status).toBe(401);
    });
  });

  describe('PUT /settings/{key}', () => {
    it('stores a valid value, typed, with who and when, and audits it', async () => {
      const res = await root.put('settings/audit_retention_days', { value: '30' });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        key: 'audit_retention_days',
        value: 30,
        is_default: false,
        updated_by: 'root',
        updated_at: expect.any(String),
      });
      expect((await root.get('settings/audit.retention_days')).body.data.value).toBe(30);
      expect(server.app.app.get(SettingsService).get('audit_retention_days')).toBe(30);
      const audit = await root.get('audit-logs?event_type=setting.update');
      expect(audit.body.data[0]).toMatchObject({
        resource_type: 'setting',
        action: 'update',
        resource_name: 'audit_retention_days',
        status: 'success',
      });
    });

    it('answers 400 with the reason for a wrong type or a value out of range', async () => {
      const cases: Array<[string, unknown, RegExp]> = [
        ['session_ttl', 5, /session_ttl must be between 60 and 604800 seconds, got 5/],
        ['session_ttl', 'soon', /session_ttl must be a whole number/],
        ['maintenance_mode', 'perhaps', /maintenance_mode must be true or false/],
        ['log_level', 'loud', /log_level must be one of error, warn, log, debug, verbose/],
        ['metrics_sample_interval', 2, /must be 0 \(off\) or at least 5 seconds/],
        ['http_log_url', 'gopher://x', /must be an http\(s\) URL/],
        ['file_log_path', '../../etc/passwd', /must not leave DATA_DIR\/logs/],
      ];
      for (const [key, value, reason] of cases) {
        const res = await root.put(`settings/${key}`, { value });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ success: false, code: 'ValidationError' });
        expect(res.body.error).toMatch(reason);
        expect(res.body.fields.value[0]).toMatch(reason);
      }
      expect((await root.put('settings/session_ttl', {})).status).toBe(400);
      expect((await root.put('settings/session_ttl', { value: 600, extra: 1 })).status).toBe(400);
      expect((await root.put('settings/no_such_setting', { value: 1 })).status).toBe(404);
      expect((await root.get('settings/session_ttl')).body.data.value).toBe(server.config.jwtTtlSeconds);
    });
  });

  describe('POST /settings/reset', () => {
    it('puts one category, or everything, back to the defaults', async () => {
      await root.put('settings/password_min_length', { value: 20 });
      await root.put('settings/log_level', { value: 'warn' });
      const one = await root.post('settings/reset', { category: 'security' });
      expect(one.status).toBe(200);
      expect(one.body.data).toMatchObject({ reset: true, category: 'security', changed: expect.arrayContaining(['password_min_length']) });
      expect((await root.get('settings/password_min_length')).body.data).toMatchObject({
        value: server.config.passwordMinLength,
        is_default: true,
      });
      expect((await root.get('settings/log_level')).body.data.value).toBe('warn');
      const all = await root.post('settings/reset', {});
      expect(all.status).toBe(200);
      expect(all.body.data.changed).toEqual(expect.arrayContaining(['log_level', 'audit_retention_days']));
      const list = await root.get('settings');
      for (const s of list.body.data) expect(s.is_default).toBe(true);
      expect((await root.post('settings/reset', { category: 'nonsense' })).status).toBe(400);
    });
  });

  describe('GET /config', () => {
    it('tells any signed-in user the version, region, features and maintenance mode', async () => {
      const res = await t.user.get('config');
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        version: expect.any(String),
        region: server.config.region,
        maintenanceMode: false,
        maintenanceMessage: null,
        auth: { passwordMinLength: server.config.passwordMinLength, twoFactor: true },
        features: { multiTenancy: true, versioning: true, objectLock: true, encryption: true, clustering: false },
      });
      expect((await root.anonymous().get('config')).status).toBe(401);
    });
  });

  describe('maintenance mode', () => {
    it('is toggled by the maintenance_mode setting and shown in GET /config', async () => {
      const on = await root.put('settings/maintenance_mode', { value: true });
      expect(on.status).toBe(200);
      const cfg = await t.user.get('config');
      expect(cfg.body.data).toMatchObject({ maintenanceMode: true, maintenanceMessage: expect.stringMatching(/maintenance/) });
      expect(server.app.app.get(SettingsService).maintenanceMode()).toBe(true);
      await root.put('settings/maintenance_mode', { value: false });
      expect((await t.user.get('config')).body.data.maintenanceMode).toBe(false);
    });

    // Needs the lead's one-line check in src/s3/s3-server.ts (SettingsService.maintenanceMode()); skipped until it is there.
    it('refuses S3 writes with 503 and keeps reads working', async () => {
      const s3 = server.client({ maxAttempts: 1 }); // 503 is retryable: see it at once
      const bucket = uniqueBucket('maint');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'before', Body: 'kept' }));
      expect((await root.put('settings/maintenance_mode', { value: true })).status).toBe(200);
      try {
        const refused = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'during', Body: 'x' })).catch((e) => e);
        expect(refused.$metadata?.httpStatusCode).toBe(503);
        expect(refused.name).toBe('ServiceUnavailable');
        const read = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'before' }));
        expect(await read.Body?.transformToString()).toBe('kept');
      } finally {
        await root.put('settings/maintenance_mode', { value: false });
      }
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'after', Body: 'y' }));
    });
  });
  it('applies the security settings at once: password length and session lifetime', async () => {
    expect((await root.put('settings/password_min_length', { value: 14 })).status).toBe(200);
    const short = await root.post('users', { username: `pw-${randomBytes(3).toString('hex')}`, password: 'thirteen-char', role: 'admin' });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toMatch(/at least 14 characters/);
    expect((await root.put('settings/session_ttl', { value: 120 })).status).toBe(200);
    const fresh = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    const me = await fresh.post('auth/refresh');
    expect(me.status).toBe(200);
    expect(me.body.data.expires_in).toBe(120);
    await root.post('settings/reset', { category: 'security' });
  });
});
