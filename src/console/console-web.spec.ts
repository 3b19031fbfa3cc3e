import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express from 'express';
import { isServerPath, serveWebApp } from './console-web';

/** The web console's static serving, on a bare Express app with a stand-in for the API. */
describe('serveWebApp', () => {
  let dir: string;
  let server: Server;
  let base: string;

  const start = async (webDir: string) => {
    const app = express();
    serveWebApp(app as unknown as INestApplication, webDir);
    app.use((req, res) => res.status(404).json({ api: true, path: req.path }));
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'web-'));
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test('files, index.html for app routes (SSO landing included), server paths untouched', async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log(1)');
    await start(dir);

    const asset = await fetch(`${base}/assets/app-1.js`);
    expect(await asset.text()).toBe('console.log(1)');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    for (const path of ['/', '/buckets/photos?prefix=a/', '/console/?sso_ticket=abc']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('<div id="root"></div>');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    for (const path of ['/api/v1/buckets', '/health', '/metrics']) {
      const res = await fetch(`${base}${path}`);
      expect(await res.json()).toEqual({ api: true, path });
    }
    expect((await fetch(`${base}/anything`, { method: 'POST' })).status).toBe(404);
  });

  test('without a build, app paths say the console is not built', async () => {
    await start(join(dir, 'nothing-here'));
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/web console is not built: run `npm run build`/);
    expect((await fetch(`${base}/api/v1/x`)).status).toBe(404);
  });

  test('server paths', () => {
    expect(isServerPath('/api')).toBe(true);
    expect(isServerPath('/api/v1/auth/login')).toBe(true);
    expect(isServerPath('/ready')).toBe(true);
    expect(isServerPath('/apis')).toBe(false);
    expect(isServerPath('/buckets')).toBe(false);
  });
});
