import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConsoleClient } from '../../support/console-client';
import { startServer, TestServer } from '../../support/start-server';

/**
 * Every console route of both API references (copied into docs/reference/) is in the OpenAPI
 * document generated from the controllers: a route the references name and no controller serves
 * fails this test.
 */
const REFERENCE_DIR = join(__dirname, '../../../docs/reference');

type Route = [method: string, path: string];

function maxiofsRoutes(): Route[] {
  const text = readFileSync(join(REFERENCE_DIR, 'maxiofs-api.md'), 'utf8');
  const routes: Route[] = [];
  for (const m of text.matchAll(/^\|\s*(GET|POST|PUT|DELETE|PATCH)\s*\|\s*`(\/api\/v1\/[^`]*)`/gm)) routes.push([m[1].toLowerCase(), m[2]]);
  return routes;
}

function strixRoutes(): Route[] {
  const text = readFileSync(join(REFERENCE_DIR, 'strix-api.txt'), 'utf8');
  const routes: Route[] = [];
  for (const m of text.matchAll(/(GET|POST|PUT|DELETE|PATCH) (\/api\/v1\/[^ ?\n]*)/g)) routes.push([m[1].toLowerCase(), m[2]]);
  return routes;
}

/** Path parameters compared by position only: `{name}`, `{bucket}`, `{id}` are the same slot. */
const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

describe('the OpenAPI document covers both API references', () => {
  let server: TestServer;
  let documented: Array<{ method: string; segments: string[]; greedy: boolean }>;

  beforeAll(async () => {
    server = await startServer();
    const doc = (await new ConsoleClient(server.consoleUrl).get('openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    documented = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        // A trailing wildcard parameter ({path}, {key}) stands for the rest of the URL.
        const greedy = /\/\{(path|key|keyPath)\}$/.test(path);
        documented.push({ method, segments: shape(path).split('/'), greedy });
      }
    }
  });
  afterAll(() => server.close());

  const served = ([method, path]: Route) => {
    const want = shape(path).split('/');
    return documented.some((d) => {
      if (d.method !== method) return false;
      if (d.greedy) {
        const fixed = d.segments.slice(0, -1);
        return want.length > fixed.length && fixed.every((s, i) => s === want[i] || (s === '{}' && want[i] !== ''));
      }
      return d.segments.length === want.length && d.segments.every((s, i) => s === want[i]);
    });
  };

  it('lists every MaxIOFS console route', () => {
    const routes = maxiofsRoutes();
    expect(routes.length).toBeGreaterThan(140);
    expect(routes.filter((r) => !served(r)).map((r) => r.join(' '))).toEqual([]);
  });

  it('lists every Strix admin route', () => {
    const routes = strixRoutes();
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.filter((r) => !served(r)).map((r) => r.join(' '))).toEqual([]);
  });
});
