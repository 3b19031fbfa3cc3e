import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ListBucketsCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { ConsoleClient, TEST_PASSWORD, totpNow } from '../support/console-client';
import { eventually } from '../support/eventually';
import { OidcTestProvider, startOidcProvider } from '../support/oidc-test-provider';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer } from '../support/start-server';
import { fileOnDisk, launchBrowser, screenshot, TestBrowser } from './support/chromium';

/**
 * The web console in headless Chromium against the real server: what a person does, checked by
 * what the page shows and by the server's state (bytes, keys, audit records). Screenshots of each
 * main page go to test-results/screenshots/.
 */
describe('web console (Chromium)', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let idp: OidcTestProvider;
  let browser: TestBrowser;
  let page: Page;
  let acmeId: string;
  const bucket = 'e2e-photos';
  /** tess's TOTP secret, from the 2FA test (the tenant isolation test logs her in again). */
  let tessTotpSecret = '';

  const url = (path: string) => `${server.consoleUrl}${path}`;

  async function login(p: Page, username: string, password: string): Promise<void> {
    await p.getByLabel('Username').fill(username);
    await p.getByLabel('Password').fill(password);
    await p.getByRole('button', { name: 'Log in', exact: true }).click();
  }

  async function logout(p: Page): Promise<void> {
    await p.getByRole('button', { name: 'Log out' }).click();
    await p.getByText('You are logged out.').waitFor();
  }

  beforeAll(async () => {
    // Every test logs in: a per-IP login budget above what the suite spends (lockout is per account and stays on).
    server = await startServer({ config: { loginRateLimit: 1000 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    const acme = await root.post('tenants', { name: 'acme' });
    expect(acme.status).toBe(201);
    acmeId = acme.body.data.id;
    idp = await startOidcProvider({
      clients: [
        { client_id: 'console', client_secret: 'console-secret', redirect_uris: [`${server.consoleUrl}/api/v1/auth/oauth/callback`] },
      ],
      accounts: { ben: { preferred_username: 'ben', email: 'ben@example.com', email_verified: true, groups: ['developers'] } },
    });
    browser = await launchBrowser();
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await idp?.stop();
    await server?.close();
  });

  test('the console is served at / with history-API routes; the API stays JSON', async () => {
    const index = await fetch(url('/buckets/anything?prefix=a/'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toContain('<div id="root">');
    const api = await fetch(url('/api/v1/no-such-route'));
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/application\/json/);
  });

  test('log in: a wrong password shows the API words, the right one opens the dashboard', async () => {
    await page.goto(url('/'));
    await page.waitForURL(/\/login\?next=%2F$/);
    await screenshot(page, '01-login');
    await login(page, ROOT_ACCESS_KEY, 'not the secret');
    await page.getByRole('alert').getByText('Invalid credentials').waitFor();
    await page.getByLabel('Password').fill(ROOT_SECRET_KEY);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByText('Storage used').waitFor();
    // A global admin sees the admin navigation.
    for (const name of ['Users', 'Tenants', 'Audit log', 'Settings', 'Cluster']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).waitFor();
    }
    await screenshot(page, '02-dashboard');
  });

  test('create a bucket with versioning', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Buckets' }).click();
    await page.getByRole('heading', { name: 'Buckets' }).waitFor();
    await page.getByRole('button', { name: 'Create bucket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create bucket' });
    await dialog.getByLabel('Bucket name').fill(bucket);
    await dialog.getByRole('checkbox', { name: /Versioning/ }).check();
    await dialog.getByRole('button', { name: 'Create bucket' }).click();
    await page.waitForURL(url(`/buckets/${bucket}`));
    await page.getByRole('heading', { name: bucket }).waitFor();
    const b = await root.get(`buckets/${bucket}`);
    expect(b.status).toBe(200);
    expect(b.body.data.versioning).toBe('Enabled');
    // A second bucket with the same name: the API's words in the dialog.
    await page.goto(url('/buckets'));
    await page.getByRole('button', { name: 'Create bucket' }).click();
    await page.getByRole('dialog').getByLabel('Bucket name').fill(bucket);
    await page.getByRole('dialog').getByRole('button', { name: 'Create bucket' }).click();
    await page.getByRole('dialog').getByRole('alert').waitFor();
    expect(await page.getByRole('dialog').getByRole('alert').textContent()).toMatch(/BucketAlreadyOwnedByYou|already|exists/i);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('link', { name: bucket }).waitFor();
    await screenshot(page, '03-buckets');
  });

  test('upload a 20 MiB file, see it listed, download it and get the same bytes', async () => {
    const body = randomBytes(20 * 1024 * 1024);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    // A folder made through the API, to navigate with breadcrumbs.
    const put = await root.request('PUT', `buckets/${bucket}/objects/${encodeURIComponent('docs/2024/readme.txt')}`, undefined, {
      headers: { 'content-type': 'text/plain' },
      raw: 'hello',
    });
    expect(put.status).toBe(200);

    await page.goto(url(`/buckets/${bucket}`));
    await page.getByRole('button', { name: 'docs/', exact: true }).click();
    await page.getByRole('button', { name: '2024/', exact: true }).click();
    await page.getByRole('button', { name: 'readme.txt', exact: true }).waitFor();
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumbs' });
    expect((await crumbs.textContent())?.replace(/\s+/g, '')).toBe(`${bucket}docs2024`);
    await crumbs.getByRole('button', { name: bucket }).click();
    await page.getByRole('button', { name: 'docs/', exact: true }).waitFor();

    await page.getByLabel('Upload files').setInputFiles(fileOnDisk('big.bin', body));
    await page.getByRole('region', { name: 'Uploads' }).getByText('Done').waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'big.bin', exact: true }).waitFor();
    await page.getByText('20.0 MiB').first().waitFor();
    await screenshot(page, '04-object-browser');
    // Above 16 MiB the console uploads in 8 MiB parts: the S3 multipart ETag says 3 parts.
    const listed = await root.get(`buckets/${bucket}/objects?prefix=big.bin`);
    expect(listed.body.data.objects[0].etag).toMatch(/-3"?$/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download big.bin' }).click()]);
    expect(download.suggestedFilename()).toBe('big.bin');
    const got = readFileSync((await download.path())!);
    expect(got.length).toBe(body.length);
    expect(sha(got)).toBe(sha(body));

    // The details drawer: versions and a share link that really serves the bytes.
    await page.getByRole('button', { name: 'big.bin', exact: true }).click();
    const drawer = page.getByRole('complementary', { name: `Object big.bin` });
    await drawer.getByRole('tab', { name: 'Versions' }).click();
    await drawer.getByText('current').waitFor();
    await drawer.getByRole('tab', { name: 'Share' }).click();
    await drawer.getByRole('button', { name: 'Create share link' }).click();
    const shareUrl = (await drawer.getByTestId('share-url').textContent())!;
    await screenshot(page, '05-object-share');
    const shared = Buffer.from(await (await fetch(shareUrl)).arrayBuffer());
    expect(sha(shared)).toBe(sha(body));
    await drawer.getByRole('tab', { name: 'Tags' }).click();
    await drawer.getByRole('button', { name: 'Add tag' }).click();
    await drawer.getByLabel('Tag 1 key').fill('project');
    await drawer.getByLabel('Tag 1 value').fill('apollo');
    await drawer.getByRole('button', { name: 'Save tags' }).click();
    await drawer.getByText('Tags saved').waitFor();
    expect((await root.get(`buckets/${bucket}/objects/big.bin/tagging`)).body.data.tags).toEqual({ project: 'apollo' });
    await drawer.getByRole('button', { name: 'Close details' }).click();
  });

  test('cancel a multipart upload: the parts stop and nothing is left behind', async () => {
    await page.goto(url(`/buckets/${bucket}`));
    // Parts are held at the door for a while, so that Cancel lands in the middle of the upload.
    const held = '**/uploads/*/parts/*';
    await page.route(held, async (route) => {
      await new Promise((r) => setTimeout(r, 3000));
      await route.continue().catch(() => undefined);
    });
    await page.getByLabel('Upload files').setInputFiles(fileOnDisk('cancel-me.bin', randomBytes(40 * 1024 * 1024)));
    const uploads = page.getByRole('region', { name: 'Uploads' });
    await uploads.getByText(/\(multipart\)/).waitFor();
    await uploads.getByRole('button', { name: 'Cancel upload of cancel-me.bin' }).click();
    await uploads.getByText('Cancelled').waitFor();
    await page.unroute(held);
    const s3 = server.client();
    const left = await eventually(
      async () => (await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'cancel-me' }))).Uploads ?? [],
      (u) => u.length === 0,
    );
    expect(left).toEqual([]);
    expect((await root.get(`buckets/${bucket}/objects?prefix=cancel-me`)).body.data.objects).toEqual([]);
    await uploads.getByRole('button', { name: 'Clear finished' }).click();
  });

  test('edit a bucket policy: a JSON error inline, then the server refusal, then fixed and saved', async () => {
    await page.goto(url(`/buckets/${bucket}/settings`));
    await page.getByRole('tab', { name: 'Policy' }).click();
    const editor = page.getByRole('textbox', { name: 'Bucket policy' });
    await editor.fill('{ "Version": "2012-10-17", "Statement": [ ');
    await page
      .getByTestId('json-error')
      .getByText(/Line 1, column/)
      .waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    const policy = (resource: string) =>
      JSON.stringify(
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: resource }] },
        null,
        2,
      );
    await editor.fill(policy('arn:aws:s3:::another-bucket/*'));
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('alert')
      .getByText(/outside bucket/)
      .waitFor();
    await screenshot(page, '06-bucket-policy-error');
    await editor.fill(policy(`arn:aws:s3:::${bucket}/*`));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Bucket policy saved.').waitFor();
    const saved = await root.get(`buckets/${bucket}/policy`);
    expect(saved.status).toBe(200);
    expect(JSON.stringify(saved.body)).toContain(`arn:aws:s3:::${bucket}/*`);
    await screenshot(page, '07-bucket-settings');
  });

  test('structured editors: CORS, notifications and inventory as forms, with inline validation', async () => {
    await page.goto(url(`/buckets/${bucket}/settings`));
    await page.getByRole('tab', { name: 'CORS' }).click();
    const origins = page.getByLabel('Rule 1 allowed origins');
    await origins.fill('');
    await page.getByText('Give at least one origin', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await origins.fill('https://app.example.com\nhttps://admin.example.com');
    await page.getByRole('group', { name: 'Rule 1 allowed methods' }).getByRole('checkbox', { name: 'DELETE' }).check();
    await page.getByLabel('Rule 1 exposed headers').fill('ETag');
    await screenshot(page, '08-bucket-cors-form');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('CORS rules saved.').waitFor();
    const cors = (await root.get(`buckets/${bucket}/cors`)).body.data;
    expect(cors.CORSRules[0]).toMatchObject({
      AllowedOrigins: ['https://app.example.com', 'https://admin.example.com'],
      AllowedMethods: ['GET', 'PUT', 'DELETE'],
      ExposeHeaders: ['ETag'],
    });
    // The raw JSON is one click away and holds the same rules.
    await page.getByRole('button', { name: 'JSON', exact: true }).click();
    expect(await page.getByRole('textbox', { name: 'CORS rules' }).inputValue()).toContain('https://admin.example.com');

    await page.getByRole('tab', { name: 'Notifications' }).click();
    const hook = page.getByLabel('Rule 1 URL');
    await hook.fill('ftp://example.com/in');
    await page.getByText('A http:// or https:// URL').waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await page.getByLabel('Rule 1 target type').selectOption('redis');
    await page.getByLabel('Rule 1 URL').fill('redis://127.0.0.1:6379');
    await page.getByText('Name the channel').waitFor();
    await page.getByLabel('Rule 1 channel').fill('object-events');
    await page.getByLabel('Rule 1 key prefix').fill('invoices/');
    await screenshot(page, '09-bucket-notifications-form');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Event notifications saved.').waitFor();
    const rules = (await root.get(`buckets/${bucket}/notifications`)).body.data.rules;
    expect(rules[0]).toMatchObject({ target: { type: 'redis', channel: 'object-events' }, filter: { prefix: 'invoices/' } });
    expect((await root.put(`buckets/${bucket}/notifications`, { rules: [] })).status).toBe(200);

    await page.getByRole('tab', { name: 'Inventory' }).click();
    await page.getByLabel('Destination bucket').fill('Not A Bucket');
    await page.getByText('The name of a bucket of your tenant').waitFor();
    await page.getByLabel('Destination bucket').fill(bucket);
    await page.getByLabel('Schedule', { exact: true }).selectOption('Weekly');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Inventory configuration saved.').waitFor();
    expect((await root.get(`buckets/${bucket}/inventory`)).body.data).toMatchObject({ destination_bucket: bucket, schedule: 'Weekly' });
  });

  test('create a user and an access key; the secret is shown once and works with S3', async () => {
    await page.goto(url('/users'));
    await page.getByRole('button', { name: 'Create user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create user' });
    await dialog.getByLabel('Username').fill('dana');
    await dialog.getByLabel('Password').fill(TEST_PASSWORD);
    await dialog.getByLabel('Role').selectOption('tenant-admin');
    await dialog.getByLabel('Tenant').selectOption({ label: 'acme' });
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('link', { name: 'dana' }).click();
    await page.getByRole('heading', { name: 'dana' }).waitFor();
    await page.getByRole('button', { name: 'Create access key' }).click();
    const keyDialog = page.getByRole('dialog', { name: 'Access key created' });
    const accessKeyId = (await keyDialog.getByTestId('new-access-key').textContent())!;
    const secretAccessKey = (await keyDialog.getByTestId('new-secret-key').textContent())!;
    expect(secretAccessKey.length).toBeGreaterThanOrEqual(30);
    await screenshot(page, '08-access-key-created');
    await keyDialog.getByRole('button', { name: 'I have saved the secret' }).click();
    // Shown once: the key list has the id, never the secret.
    await page.getByText(accessKeyId).waitFor();
    expect(await page.content()).not.toContain(secretAccessKey);
    const s3 = new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
    });
    const listed = await s3.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((b) => b.Name)).not.toContain(bucket); // dana is in acme: root's bucket is not hers
    s3.destroy();
    const users = await root.get('users');
    expect(users.body.data.find((u: { username: string }) => u.username === 'dana')).toMatchObject({
      role: 'tenant-admin',
      tenant_id: acmeId,
    });
    await page.goto(url('/users'));
    await page.getByRole('link', { name: 'dana' }).waitFor();
    await screenshot(page, '09-users');
  });

  test('2FA: set up with the QR page, then log in with a TOTP code and with a backup code', async () => {
    expect((await root.post('users', { username: 'tess', password: TEST_PASSWORD, tenant_id: acmeId, role: 'user' })).status).toBe(201);
    const p = await browser.newPage();
    await p.goto(url('/profile'));
    await login(p, 'tess', TEST_PASSWORD);
    await p.getByRole('heading', { name: 'My account' }).waitFor();
    await p.getByRole('button', { name: 'Set up 2FA' }).click();
    await p.getByRole('img', { name: /QR code/ }).waitFor();
    const secret = (await p.getByTestId('totp-secret').textContent())!;
    tessTotpSecret = secret;
    await screenshot(p, '10-2fa-setup');
    await p.getByLabel('Code from the app').fill(totpNow(secret));
    await p.getByRole('button', { name: 'Turn 2FA on' }).click();
    await p.getByTestId('backup-codes').locator('li').first().waitFor();
    const codes = (await p.getByTestId('backup-codes').locator('li').allTextContents()).map((c) => c.trim());
    expect(codes.length).toBeGreaterThan(0);

    await logout(p);
    await login(p, 'tess', TEST_PASSWORD);
    await p.getByLabel('Authentication code').fill('000000' === totpNow(secret) ? '111111' : '000000');
    await p.getByRole('button', { name: 'Verify' }).click();
    await p.getByRole('alert').getByText('Invalid 2FA code').waitFor();
    await p.getByLabel('Authentication code').fill(totpNow(secret));
    await p.getByRole('button', { name: 'Verify' }).click();
    await p.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await logout(p);
    await login(p, 'tess', TEST_PASSWORD);
    await p.getByRole('button', { name: 'Use a backup code instead' }).click();
    await p.getByLabel('Backup code').fill(codes[0]);
    await p.getByRole('button', { name: 'Verify' }).click();
    await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await p.close();
  });

  test('OIDC login through the identity provider lands back in the console', async () => {
    const created = await root.post('identity-providers', {
      name: 'corp-sso',
      type: 'oidc',
      config: {
        issuer_url: idp.issuer,
        client_id: 'console',
        client_secret: 'console-secret',
        scopes: ['openid', 'profile', 'email', 'groups'],
        auto_create_users: true,
      },
    });
    expect(created.status).toBe(201);
    expect(
      (await root.post('identity-providers/corp-sso/group-mappings', { external_group: 'developers', role: 'user', tenant_id: acmeId }))
        .status,
    ).toBe(201);

    const p = await browser.newPage();
    await p.goto(url('/buckets'));
    await p.waitForURL(/\/login\?next=%2Fbuckets/);
    await p.getByRole('button', { name: 'Log in with corp-sso' }).click();
    await p.waitForURL((u) => u.toString().startsWith(idp.issuer));
    // The provider's development login and consent forms.
    await p.locator('input[name="login"]').fill('ben');
    await p.locator('input[name="password"]').fill('any');
    await p.locator('button[type="submit"]').first().click();
    await p.waitForLoadState();
    const back = await eventually(
      async () => {
        if (p.url().startsWith(idp.issuer)) {
          const submit = p.locator('button[type="submit"]');
          if ((await submit.count()) > 0)
            await submit
              .first()
              .click({ timeout: 2000 })
              .catch(() => undefined);
        }
        return p.url();
      },
      (u) => u.startsWith(server.consoleUrl),
      { timeoutMs: 30_000, everyMs: 250 },
    );
    expect(back.startsWith(server.consoleUrl)).toBe(true);
    await p.getByRole('heading', { name: 'Buckets' }).waitFor();
    expect(new URL(p.url()).pathname).toBe('/buckets');
    expect(new URL(p.url()).searchParams.get('sso_ticket')).toBeNull();
    await p.getByText('ben', { exact: true }).waitFor();
    await p.close();

    // A login started elsewhere with return_to=/console/ (the README's example) lands in the app too.
    const q = await browser.newPage();
    await q.goto(url('/login'));
    const authorizationUrl = (await q.evaluate(
      `fetch('/api/v1/auth/oauth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'corp-sso', return_to: '/console/' }) }).then((r) => r.json()).then((b) => b.data.authorization_url)`,
    )) as string;
    await q.goto(authorizationUrl);
    const landed = await eventually(
      async () => {
        if (q.url().startsWith(idp.issuer)) {
          const submit = q.locator('button[type="submit"]');
          if ((await submit.count()) > 0)
            await submit
              .first()
              .click({ timeout: 2000 })
              .catch(() => undefined);
        }
        return q.url();
      },
      (u) => u.startsWith(server.consoleUrl),
      { timeoutMs: 30_000, everyMs: 250 },
    );
    expect(landed).toContain('/console/?sso_ticket=');
    await q.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(new URL(q.url()).pathname).toBe('/');
    await q.close();
  });

  test('lockout after failed logins: the API words it, with the time it ends', async () => {
    expect((await root.post('users', { username: 'lou', password: TEST_PASSWORD, tenant_id: acmeId })).status).toBe(201);
    const p = await browser.newPage();
    await p.goto(url('/login'));
    await p.getByLabel('Username').fill('lou');
    for (let i = 0; i < 5; i++) {
      await p.getByLabel('Password').fill(`wrong ${i}`);
      await p.getByRole('button', { name: 'Log in', exact: true }).click();
      await p.getByRole('alert').waitFor();
    }
    await p.getByLabel('Password').fill(TEST_PASSWORD);
    await p.getByRole('button', { name: 'Log in', exact: true }).click();
    await p
      .getByRole('alert')
      .getByText(/Account locked after too many failed logins \(until /)
      .waitFor();
    await screenshot(p, '23-login-locked');
    await p.close();
  });

  test('tenant isolation: a tenant user sees no admin pages and is refused one opened by URL', async () => {
    const tenantAdmin = await root.login('dana', TEST_PASSWORD);
    expect((await tenantAdmin.post('buckets', { name: 'acme-data' })).status).toBe(201);
    // Least privilege: a tenant user sees the buckets she is granted.
    expect((await tenantAdmin.post('buckets/acme-data/permissions', { username: 'tess', permission: 'read' })).status).toBe(201);
    const p = await browser.newPage();
    await p.goto(url('/'));
    await login(p, 'tess', TEST_PASSWORD);
    await p.getByLabel('Authentication code').fill(totpNow(tessTotpSecret));
    await p.getByRole('button', { name: 'Verify' }).click();
    await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const nav = p.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Buckets' }).waitFor();
    for (const name of ['Users', 'Tenants', 'Audit log', 'Settings', 'Security', 'Cluster', 'Identity providers']) {
      expect(await nav.getByRole('link', { name, exact: true }).count()).toBe(0);
    }
    for (const path of ['/users', '/tenants', '/settings', '/audit']) {
      await p.goto(url(path));
      await p.getByRole('heading', { name: 'Not allowed' }).waitFor();
    }
    await screenshot(p, '11-not-allowed');
    await p.goto(url('/buckets'));
    await p.getByRole('link', { name: 'acme-data' }).waitFor();
    expect(await p.getByRole('link', { name: bucket }).count()).toBe(0);
    await p.close();
  });

  test('an expired session goes to the login page and back to the page it was on', async () => {
    await page.goto(url('/audit'));
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const token = (await page.evaluate("JSON.parse(sessionStorage.getItem('os-console-session') ?? '{}').token")) as string;
    expect((await new ConsoleClient(server.consoleUrl, token).post('auth/logout')).status).toBe(200);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click();
    await page.waitForURL(/\/login\?next=%2Ftenants/);
    await page.getByText('Your session has ended').waitFor();
    await login(page, ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/tenants');
    await page.getByRole('region', { name: 'Tenant acme' }).waitFor();
    await screenshot(page, '12-tenants');
  });

  test('the audit log shows the actions, filters them and exports CSV', async () => {
    await page.goto(url('/audit'));
    await page.getByLabel('Event type').fill('bucket.create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('cell', { name: bucket }).first().waitFor();
    await page.getByLabel('Event type').fill('access_key.create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('cell', { name: 'access_key.create' }).first().waitFor();
    await page.getByLabel('Event type').fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await screenshot(page, '13-audit-log');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^timestamp,username/);
    expect(csv).toContain('bucket.create');
    expect(csv).toContain(bucket);
    expect(csv).toContain('policy');
  });

  test('the other main pages render (screenshots); the cluster page shows nodes and the parts that answer 501', async () => {
    const pages: [string, string, string][] = [
      ['/access-keys', 'Access keys', '14-access-keys'],
      ['/shares', 'Share links', '15-shares'],
      ['/identity-providers', 'Identity providers', '16-identity-providers'],
      ['/security', 'Security', '17-security'],
      ['/settings', 'Settings', '18-settings'],
      ['/profile', 'My account', '19-profile'],
    ];
    for (const [path, heading, shot] of pages) {
      await page.goto(url(path));
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      await screenshot(page, shot);
    }
    await page.goto(url('/cluster'));
    await page.getByRole('cell', { name: 'local', exact: true }).first().waitFor();
    // Neither replication rules nor migrations on a single node: both lists are empty.
    await page.getByRole('region', { name: 'Cluster replication' }).getByText('None yet.').waitFor();
    await page.getByRole('region', { name: 'Bucket migrations' }).getByText('None yet.').waitFor();
    await screenshot(page, '20-cluster');
    // A setting refused by the server: its words next to the field.
    await page.goto(url('/settings'));
    await page.getByLabel('login_max_failures').fill('1000');
    await page.getByLabel('login_max_failures').locator('xpath=ancestor::form').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').getByText('login_max_failures must be between 0 and 100, got 1000', { exact: true }).waitFor();
  });

  test('phone width: the menu opens from the top bar and the object browser fits', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url(`/buckets/${bucket}`));
    await page.getByRole('button', { name: 'big.bin', exact: true }).waitFor();
    await screenshot(page, '21-phone-object-browser');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, '22-phone-dashboard');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
