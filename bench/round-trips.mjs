#!/usr/bin/env node
// Round trips to the metadata database per S3 request: starts the built server with every SQL
// statement logged (bench/lib/log-queries.cjs), warms up, then runs each operation a few times
// one at a time (five times) and prints the least count of statements per request (--verbose:
// the statements of the last one).
//   node bench/round-trips.mjs [--db-url postgres://postgres@127.0.0.1:5432/db] [--dist dist] [--verbose]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { startServer } from './lib/procs.mjs';
import { S3Client, EMPTY_SHA256, sha256Hex, expectStatus, loadSigner } from './lib/client.mjs';
import { createBucket } from './lib/workloads.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const dist = resolve(arg('dist', join(ROOT, 'dist')));
const dbUrl = arg('db-url');
const verbose = args.includes('--verbose');
loadSigner(dist);
const creds = { accessKey: 'BENCHROOTACCESSKEY01', secretKey: 'bench-secret-key-0123456789abcdefghijklmn' };
const work = mkdtempSync(join(os.tmpdir(), 'objstore-rt-'));
const log = join(work, 'queries.log');
writeFileSync(log, '');
const s = await startServer({
  root: ROOT,
  dist,
  dataDir: join(work, 'data'),
  fsync: false,
  databaseUrl: dbUrl,
  masterKey: randomBytes(32).toString('base64'),
  ...creds,
  extraEnv: { QUERY_LOG: log },
  nodeArgs: ['--require', join(ROOT, 'bench', 'lib', 'log-queries.cjs')],
});
const client = new S3Client({ ...creds, endpoint: s.endpoint, maxSockets: 1 });
try {
  await createBucket(client, 'rtrip');
  const body = randomBytes(4096);
  const hash = sha256Hex(body);
  const ops = {
    'PUT (new key)': (i) => client.request({ method: 'PUT', path: `/rtrip/k${i}`, body, payloadHash: hash, consume: 'text' }).then((r) => expectStatus(r, [200], 'PUT')),
    'PUT (overwrite)': (i) => client.request({ method: 'PUT', path: `/rtrip/k${i}`, body, payloadHash: hash, consume: 'text' }).then((r) => expectStatus(r, [200], 'PUT')),
    GET: (i) => client.request({ method: 'GET', path: `/rtrip/k${i}`, payloadHash: EMPTY_SHA256, consume: 'text' }).then((r) => expectStatus(r, [200], 'GET')),
    HEAD: (i) => client.request({ method: 'HEAD', path: `/rtrip/k${i}`, payloadHash: EMPTY_SHA256 }).then((r) => expectStatus(r, [200], 'HEAD')),
    DELETE: (i) => client.request({ method: 'DELETE', path: `/rtrip/k${i}`, payloadHash: EMPTY_SHA256 }).then((r) => expectStatus(r, [204], 'DELETE')),
  };
  const counts = {};
  for (const [name, op] of Object.entries(ops)) {
    for (let i = 0; i < 5; i++) {
      const before = readFileSync(log, 'utf8').length;
      await op(i);
      await new Promise((r) => setTimeout(r, 50));
      const lines = readFileSync(log, 'utf8').slice(before).split('\n').filter(Boolean);
      // The least of five: a background poller (event outbox) sometimes lands in the window.
      counts[name] = Math.min(counts[name] ?? Infinity, lines.length);
      if (i === 4 && verbose) console.log(`${name}:\n  ${lines.join('\n  ')}`);
    }
  }
  console.log(`${dbUrl ? 'postgres' : 'sqlite'} statements per request: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
} finally {
  client.close();
  await s.stop();
  rmSync(work, { recursive: true, force: true });
}
