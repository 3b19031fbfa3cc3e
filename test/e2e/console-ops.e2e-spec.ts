import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { ConsoleClient, TEST_PASSWORD } from '../support/console-client';
import { LDAP_BASE_DN, startLdapServer, TestLdapServer } from '../support/ldap-server';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer } from '../support/start-server';
import { launchBrowser, screenshot, TestBrowser } from './support/chromium';

/**
 * The console's operations pages (monitoring, about this server, cluster, log targets, profiling),
 * the dashboard of a fresh server, login edge cases (rate limit, LDAP, expired session on a page
 * that polls), who sees which page, and every page at phone width — in headless Chromium against
 * the real server. Screenshots go to test-results/screenshots/.
 */
describe('web console operations and edge cases (Chromium)', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let ldap: TestLdapServer;
  let browser: TestBrowser;
  let page: Page;
  let acmeId: string;

  const url = (path: string) => `${server.consoleUrl}${path}`;
  const nav = (p: Page) => p.getByRole('navigation', { name: 'Main' });

  async function login(p: Page, username: string, password: string): Promise<void> {
    await p.getByLabel('Username').fill(username);
    await p.getByLabel('Password').fill(password);
    await p.getByRole('button', { name: 'Log in', exact: true }).click();
  }

  beforeAll(async () => {
    ldap = await startLdapServer(join(__dirname, '..', 'fixtures', 'ldap', 'directory.ldif'));
    server = await startServer({ config: { loginRateLimit: 1000, idpSyncIntervalMs: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    browser = await launchBrowser();
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await ldap?.stop();
  });

  test('a fresh server: the dashboard shows real figures at once and "collecting" charts, then lines from its own samples', async () => {
    await page.goto(url('/'));
    await page.waitForURL(/\/login\?next=%2F$/);
    await login(page, ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByText('Storage used').waitFor();
    // No stored sample yet: the charts say they are collecting instead of drawing empty axes.
    await page.getByRole('status').filter({ hasText: 'Collecting…' }).first().waitFor();
    await page
      .getByRole('region', { name: 'Quotas and capacity' })
      .getByRole('meter', { name: /Disk of the data directory/ })
      .waitFor();
    await page.getByText('No tenants yet').waitFor();
    await screenshot(page, '30-dashboard-fresh');
    // The page samples every 10 s: the second sample draws the storage line.
    await page.getByRole('img', { name: 'Storage over time' }).waitFor({ timeout: 30_000 });
    // A tenant with quotas gets its gauges.
    const acme = await root.post('tenants', { name: 'acme', max_buckets: 4, max_storage_bytes: 1024 ** 3 });
    expect(acme.status).toBe(201);
    acmeId = acme.body.data.id;
    // Two stored samples (a second apart) draw the latency line, which only the stored samples carry.
    await page.getByRole('button', { name: 'Sample now' }).click();
    await page.getByRole('button', { name: 'Sample now' }).waitFor();
    await new Promise((r) => setTimeout(r, 1100));
    expect((await root.post('metrics/history/sample')).status).toBe(201);
    await page.reload();
    await page.getByRole('meter', { name: 'Buckets of acme' }).waitFor();
    expect(await page.getByRole('meter', { name: 'Buckets of acme' }).getAttribute('aria-valuetext')).toBe('0.0%');
    await page.getByRole('img', { name: 'S3 latency over time' }).waitFor();
    await screenshot(page, '31-dashboard-quotas');
  });

  test('monitoring: system figures, S3 performance per operation with reset, storage', async () => {
    await server.client().send(new ListBucketsCommand({}));
    await nav(page).getByRole('link', { name: 'Monitoring' }).click();
    await page.getByRole('heading', { name: 'Monitoring' }).waitFor();
    await page.getByText('CPU (this process)').waitFor();
    await page.getByRole('meter', { name: /^Disk of / }).waitFor();
    await page.getByRole('img', { name: 'CPU over time' }).waitFor();
    await screenshot(page, '32-monitoring-system');
    await page.getByRole('tab', { name: 'S3 performance' }).click();
    await page.getByRole('table', { name: 'S3 operations' }).getByRole('cell', { name: 'ListBuckets' }).waitFor();
    await screenshot(page, '33-monitoring-performance');
    await page.getByRole('button', { name: 'Reset figures' }).click();
    await page.getByRole('dialog', { name: 'Reset the performance figures' }).getByRole('button', { name: 'Reset' }).click();
    await page.getByText(/^Figures reset at /).waitFor();
    await page.getByText('No S3 request since the figures started.').waitFor();
    await page.getByRole('tab', { name: 'Storage' }).click();
    await page.getByRole('table', { name: 'Storage per bucket' }).waitFor();
    await screenshot(page, '34-monitoring-storage');
  });

  test('about this server: version, the S3 endpoint, features; a CPU profile downloads', async () => {
    await nav(page).getByRole('link', { name: 'About this server' }).click();
    await page.getByRole('heading', { name: 'About this server' }).waitFor();
    // The test server's S3 port is picked by the OS: the console says it cannot know it.
    await page
      .getByTestId('s3-endpoint-unknown')
      .getByText(/S3_PUBLIC_URL/)
      .waitFor();
    await page.getByText('bucket notifications').waitFor();
    await page.getByLabel('CPU profile length (seconds)').fill('1');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Record CPU profile' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^cpu-.*\.cpuprofile$/);
    const profile = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(Array.isArray(profile.nodes)).toBe(true);
    await page.getByText(/^Downloaded cpu-/).waitFor();
    await screenshot(page, '35-about-server');
  });

  test('log targets: each test really sends a line, and a target that cannot be reached says why', async () => {
    const udp = createSocket('udp4');
    const got = new Promise<string>((resolve) => udp.once('message', (m) => resolve(m.toString())));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const port = (udp.address() as AddressInfo).port;
    try {
      await page.goto(url('/settings'));
      await page.getByRole('tab', { name: 'Logging' }).click();
      const syslog = page.getByRole('form', { name: 'Syslog log target' });
      await syslog.getByLabel('Syslog host').fill('127.0.0.1');
      await syslog.getByLabel('Syslog port').fill(String(port));
      await syslog.getByLabel('Protocol').selectOption('udp');
      await syslog.getByRole('button', { name: 'Send a test line' }).click();
      await syslog.getByText(`Sent to udp://127.0.0.1:${port}`).waitFor();
      expect(await got).toMatch(/^<\d+>1 /);

      const file = page.getByRole('form', { name: 'File log target' });
      await file.getByLabel('Log file path').fill('e2e-test.log');
      await file.getByRole('button', { name: 'Send a test line' }).click();
      await file.getByText(/^Wrote \d+ bytes to /).waitFor();
      expect(existsSync(join(server.dataDir, 'logs', 'e2e-test.log'))).toBe(true);
      // A path leaving the logs folder: refused, in the API's words.
      await file.getByLabel('Log file path').fill('../../etc/passwd');
      await file.getByRole('button', { name: 'Send a test line' }).click();
      await file.getByRole('alert').waitFor();

      const http = page.getByRole('form', { name: 'HTTP log target' });
      await http.getByLabel('HTTP log URL').fill(`http://127.0.0.1:${port}/closed`);
      await http.getByRole('button', { name: 'Send a test line' }).click();
      await http.getByText(/^Not delivered to http:\/\/127\.0\.0\.1:\d+\/closed: /).waitFor();
      await screenshot(page, '36-settings-log-targets');
    } finally {
      udp.close();
    }
  });

  test('cluster: nodes and health, health check and cache; replication and migrations say they are not available', async () => {
    await page.goto(url('/cluster'));
    const nodes = page.getByRole('region', { name: 'Nodes' });
    await nodes.getByText('this node', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Cluster replication' }).getByText('Not available on this server yet.').waitFor();
    await page.getByRole('region', { name: 'Bucket migrations' }).getByText('None yet.').waitFor();
    await page.getByRole('button', { name: 'Check health now' }).click();
    await page.getByText(/^Health checked: /).waitFor();
    // A single node: the page says how a cluster forms; node membership actions need one.
    await page.getByText('This server runs as a single node.').waitFor();
    expect(await page.getByRole('button', { name: 'Declare node' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Clear location cache' }).click();
    await page.getByText('Bucket location cache cleared').waitFor();
    await screenshot(page, '37-cluster');
  });

  test('the audit log header counts every matching record, not the page', async () => {
    // Every mutating S3 call is audited: more records than a page holds.
    expect((await root.post('buckets', { name: 'audit-fill' })).status).toBe(201);
    const s3 = server.client();
    for (let i = 0; i < 30; i++) await s3.send(new PutObjectCommand({ Bucket: 'audit-fill', Key: `k${i}`, Body: 'x' }));
    const api = await root.get('audit-logs?page_size=1');
    const total: number = api.body.pagination.total;
    expect(total).toBeGreaterThan(25);
    await page.goto(url('/audit'));
    await page.getByLabel('Per page').selectOption('25');
    await page.getByText(/^Page 1 of \d+$/).waitFor();
    const subtitle = (await page.getByText(/^[\d,.\s]+ record\(s\)$/).textContent())!;
    expect(Number(subtitle.replace(/\D/g, ''))).toBeGreaterThanOrEqual(total);
    expect(await page.getByRole('table', { name: 'Audit records' }).locator('tbody tr').count()).toBe(25);
  });

  test('LDAP login through the directory: the mapped tenant user sees no admin page, also not the new ones', async () => {
    const created = await root.post('identity-providers', {
      name: 'corp-ldap',
      type: 'ldap',
      config: {
        url: ldap.url,
        bind_dn: `cn=reader,ou=services,${LDAP_BASE_DN}`,
        bind_password: 'reader-secret',
        user_search_base: `ou=people,${LDAP_BASE_DN}`,
        user_filter: '(objectClass=inetOrgPerson)',
        group_search_base: `ou=groups,${LDAP_BASE_DN}`,
        auto_create_users: true,
      },
    });
    expect(created.status).toBe(201);
    const mapped = await root.post(`identity-providers/${created.body.data.id}/group-mappings`, {
      external_group: 'developers',
      role: 'user',
      tenant_id: acmeId,
    });
    expect(mapped.status).toBe(201);

    const p = await browser.newPage();
    await p.goto(url('/server'));
    await login(p, 'bob', 'not-his-password');
    await p.getByRole('alert').getByText('Invalid credentials').waitFor();
    await p.getByLabel('Password').fill('bob-pass-1');
    await p.getByRole('button', { name: 'Log in', exact: true }).click();
    // Back to the page the login started from, as bob of tenant acme.
    await p.getByRole('heading', { name: 'About this server' }).waitFor();
    await p.getByText('bob', { exact: true }).waitFor();
    await p.getByText('User · acme').waitFor();
    expect(await p.getByRole('heading', { name: 'Profiling' }).count()).toBe(0);
    for (const name of ['Users', 'Tenants', 'Audit log', 'Settings', 'Security', 'Monitoring', 'Cluster', 'Identity providers']) {
      expect(await nav(p).getByRole('link', { name, exact: true }).count()).toBe(0);
    }
    for (const path of ['/monitoring', '/cluster', '/settings', '/tenants', '/identity-providers']) {
      await p.goto(url(path));
      await p.getByRole('heading', { name: 'Not allowed' }).waitFor();
    }
    // The dashboard of a tenant user: the tenant's own figures and quota, no server-wide ones.
    await p.goto(url('/'));
    await p.getByText('Tenant acme').waitFor();
    await p.getByRole('meter', { name: 'Buckets of acme' }).waitFor();
    expect(await p.getByRole('meter', { name: /Disk of the data directory/ }).count()).toBe(0);
    expect(await p.getByText('S3 requests (last minute)').count()).toBe(0);
    await screenshot(p, '38-ldap-user-dashboard');
    await p.close();
  });

  test('a tenant admin sees the tenant pages but not the server-wide ones', async () => {
    expect((await root.post('users', { username: 'tina', password: TEST_PASSWORD, tenant_id: acmeId, role: 'tenant-admin' })).status).toBe(
      201,
    );
    const p = await browser.newPage();
    await p.goto(url('/'));
    await login(p, 'tina', TEST_PASSWORD);
    await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
    for (const name of ['Users', 'Audit log', 'Identity providers', 'About this server']) {
      await nav(p).getByRole('link', { name, exact: true }).waitFor();
    }
    for (const name of ['Tenants', 'Settings', 'Monitoring', 'Cluster']) {
      expect(await nav(p).getByRole('link', { name, exact: true }).count()).toBe(0);
    }
    await p.goto(url('/monitoring'));
    await p.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await p.close();
  });

  test('an expired session on a page that polls goes to the login page, then back to that page', async () => {
    await page.goto(url('/monitoring'));
    await page.getByText('CPU (this process)').waitFor();
    const token = (await page.evaluate("JSON.parse(sessionStorage.getItem('os-console-session') ?? '{}').token")) as string;
    expect((await new ConsoleClient(server.consoleUrl, token).post('auth/logout')).status).toBe(200);
    // The next poll (every 5 s) gets 401: no click needed.
    await page.waitForURL(/\/login\?next=%2Fmonitoring/, { timeout: 20_000 });
    await page.getByText('Your session has ended').waitFor();
    await login(page, ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    await page.getByRole('heading', { name: 'Monitoring' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/monitoring');
  });

  test('every page at phone width (390 px): no sideways scrolling, screenshots', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const pages: [string, string][] = [
      ['/', 'Dashboard'],
      ['/buckets', 'Buckets'],
      ['/shares', 'Share links'],
      ['/users', 'Users'],
      ['/access-keys', 'Access keys'],
      ['/tenants', 'Tenants'],
      ['/identity-providers', 'Identity providers'],
      ['/audit', 'Audit log'],
      ['/security', 'Security'],
      ['/settings', 'Settings'],
      ['/monitoring', 'Monitoring'],
      ['/cluster', 'Cluster'],
      ['/profile', 'My account'],
      ['/server', 'About this server'],
    ];
    const wide: string[] = [];
    try {
      for (const [path, heading] of pages) {
        await page.goto(url(path));
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
        await page.waitForLoadState('networkidle');
        const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
        if (overflow > 0) wide.push(`${path} (${overflow} px)`);
        await screenshot(page, `phone-${path === '/' ? 'dashboard' : path.slice(1)}`);
      }
      await page.goto(url('/login'));
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(wide).toEqual([]);
  });

  test('the login rate limit is shown as the API words it, with the wait', async () => {
    const limited = await startServer({ config: { loginRateLimit: 2 } });
    const p = await browser.newPage();
    try {
      await p.goto(`${limited.consoleUrl}/login`);
      for (let i = 0; i < 2; i++) {
        await login(p, 'nobody', `wrong ${i}`);
        await p.getByRole('alert').getByText('Invalid credentials').waitFor();
      }
      await login(p, ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
      await p
        .getByRole('alert')
        .getByText(/^Too many login attempts from this address; try again later \(try again in \d+ (s|min)\)$/)
        .waitFor();
      await screenshot(p, '39-login-rate-limited');
    } finally {
      await p.close();
      await limited.close();
    }
  });
});
