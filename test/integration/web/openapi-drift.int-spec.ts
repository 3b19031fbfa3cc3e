import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, TestServer } from '../../support/start-server';

const ROOT = join(__dirname, '..', '..', '..');
const SCHEMA = join(ROOT, 'web', 'src', 'api', 'schema.d.ts');

/**
 * The web console's API types (web/src/api/schema.d.ts) are generated from the server's OpenAPI
 * document by openapi-typescript. This fails when a console route or DTO changed without
 * regenerating them (the UI would drift from the API): regenerate with
 *   npx openapi-typescript http://127.0.0.1:9001/api/v1/openapi.json -o web/src/api/schema.d.ts
 * and fix what `npm run typecheck -w web` then reports.
 */
describe('web console API types', () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    server = await startServer();
    dir = mkdtempSync(join(tmpdir(), 'openapi-drift-'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('web/src/api/schema.d.ts is what openapi-typescript makes of /api/v1/openapi.json', async () => {
    const res = await fetch(`${server.consoleUrl}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = join(dir, 'openapi.json');
    writeFileSync(doc, await res.text());
    const out = join(dir, 'schema.d.ts');
    const gen = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), doc, '-o', out], {
      encoding: 'utf8',
    });
    expect(gen.status).toBe(0);
    const expected = readFileSync(out, 'utf8');
    const committed = readFileSync(SCHEMA, 'utf8');
    if (committed !== expected) {
      const a = committed.split('\n');
      const b = expected.split('\n');
      const i = a.findIndex((line, n) => line !== b[n]);
      throw new Error(
        `web/src/api/schema.d.ts is stale (first difference at line ${i + 1}):\n  committed: ${a[i]}\n  generated: ${b[i]}\n` +
          'Regenerate it: npx openapi-typescript http://127.0.0.1:9001/api/v1/openapi.json -o web/src/api/schema.d.ts',
      );
    }
  });
});
