import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MAIN_JS } from '../support/child-server';
import { ConsoleClient } from '../support/console-client';
import { startServer, TestServer } from '../support/start-server';

const ROOT = resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

/** One version everywhere: package.json, CHANGELOG.md, `--version` and GET /api/v1/version. */
describe('version', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('node dist/main.js --version prints name and version and exits without booting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'os3-version-'));
    const dataDir = join(dir, 'data');
    try {
      for (const flag of ['--version', '-v']) {
        // A config that could not boot (bad port): --version must not read it.
        const run = spawnSync(process.execPath, [MAIN_JS, flag], {
          cwd: dir,
          env: { PATH: process.env.PATH, DATA_DIR: dataDir, S3_PORT: 'not-a-port' },
          encoding: 'utf8',
          timeout: 30_000,
        });
        expect(run.status).toBe(0);
        expect(run.stdout).toBe(`${pkg.name} ${pkg.version}\n`);
        expect(run.stderr).toBe('');
      }
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GET /api/v1/version answers the version of package.json', async () => {
    const res = await new ConsoleClient(server.consoleUrl).get('version');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: pkg.name, version: pkg.version });
  });

  it('CHANGELOG.md has an Unreleased section and its newest release is the version of package.json', () => {
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    const headings = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)].map((m) => m[1]);
    expect(headings[0]).toBe('Unreleased');
    expect(headings[1]).toBe(pkg.version);
  });
});
