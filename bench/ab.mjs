#!/usr/bin/env node
// A/B of two builds of the server on one operation, for judging an optimization on a noisy,
// shared machine: both servers run side by side and take turns (A B B A …) in short rounds;
// the medians of ops/s and of server CPU per op are compared.
//   node bench/ab.mjs --a bench/results/base/dist --b dist --op put [--concurrency 16] [--rounds 8]
//                     [--seconds 1.5] [--fsync false] [--size 4096] [--checksum crc32] [--pg-url postgres://postgres@127.0.0.1:5432]
//                     [--profile dir]
//   (--profile: both servers run with --cpu-prof into dir/A and dir/B; see bench/profile-summary.mjs)
//   (--pg-url: both servers on PostgreSQL, each in a database of its own, created and dropped)
//   ops: put, get, head, delete, list (ListObjectsV2 pages of 1000 keys, --delimiter /;
//        --layout many: keys many/dNNNNNNN/oN, 10 a "directory", listed with delimiter=/ in pages
//        of 1000 common prefixes)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './lib/procs.mjs';
import { S3Client, EMPTY_SHA256, UNSIGNED, sha256Hex, repeatedBody, expectStatus, loadSigner, checksumHeader } from './lib/client.mjs';
import { runConcurrent, createBucket, populate, manyDirsKey } from './lib/workloads.mjs';
import { median } from './lib/stats.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const o = {
  a: resolve(arg('a', join(ROOT, 'dist'))),
  b: resolve(arg('b', join(ROOT, 'dist'))),
  op: arg('op', 'put'),
  concurrency: Number(arg('concurrency', 16)),
  rounds: Number(arg('rounds', 8)),
  seconds: Number(arg('seconds', 1.5)),
  fsync: arg('fsync', 'false') === 'true',
  size: Number(arg('size', 4096)),
  checksum: arg('checksum'),
  delimiter: arg('delimiter'),
  keys: Number(arg('keys', 10000)),
  pgUrl: arg('pg-url'),
  profile: arg('profile'),
  layout: arg('layout', 'groups'),
};
loadSigner(o.b);
const creds = { accessKey: 'BENCHROOTACCESSKEY01', secretKey: 'bench-secret-key-0123456789abcdefghijklmn' };
const work = mkdtempSync(join(os.tmpdir(), 'objstore-ab-'));
const block = randomBytes(Math.min(o.size, 1 << 20));
const bodyHash = o.size <= 1 << 20 ? sha256Hex(block.subarray(0, o.size)) : UNSIGNED;
const extraHeaders = await checksumHeader(o.checksum, block, o.size);
const body = () => (o.size <= 1 << 20 ? block.subarray(0, o.size) : repeatedBody(block, o.size));

const sides = [];
const pg = o.pgUrl ? new (await import('pg')).default.Client({ connectionString: `${o.pgUrl}/postgres` }) : null;
const databases = [];
if (pg) await pg.connect();
try {
  for (const [name, dist] of [
    ['A', o.a],
    ['B', o.b],
  ]) {
    let databaseUrl;
    if (pg) {
      const db = `ab_${process.pid}_${name.toLowerCase()}`;
      await pg.query(`CREATE DATABASE "${db}"`);
      databases.push(db);
      databaseUrl = `${o.pgUrl}/${db}`;
    }
    const masterKey = pg ? randomBytes(32).toString('hex') : undefined;
    const s = await startServer({
      root: ROOT,
      dist,
      dataDir: join(work, name),
      fsync: o.fsync,
      databaseUrl,
      masterKey,
      ...creds,
      profileDir: o.profile ? join(resolve(o.profile), name) : undefined,
    });
    const client = new S3Client({ ...creds, endpoint: s.endpoint, maxSockets: o.concurrency });
    sides.push({ name, dist, s, client, pid: s.pid, next: 0, ops: [], cpu: [] });
    await createBucket(client, 'abtest');
  }
  const put = (side, i) =>
    side.client
      .request({ method: 'PUT', path: `/abtest/k/${i}`, body: body(), payloadHash: bodyHash, consume: 'text', extraHeaders })
      .then((r) => void expectStatus(r, [200], 'PUT'));
  // Objects to read or delete.
  const seeded = o.op === 'put' || o.op === 'list' ? 0 : o.op === 'delete' ? 0 : 2000;
  for (const side of sides) {
    if (seeded) await runConcurrent({ concurrency: o.concurrency, count: seeded, pid: side.pid, op: (i) => put(side, i) });
    side.next = seeded;
    if (o.op === 'list' && o.layout === 'many')
      await runConcurrent({
        concurrency: 32,
        count: o.keys,
        pid: side.pid,
        op: (i) =>
          side.client
            .request({ method: 'PUT', path: `/abtest/${manyDirsKey(i)}`, body: Buffer.alloc(0), payloadHash: EMPTY_SHA256, consume: 'text' })
            .then((r) => void expectStatus(r, [200], 'PUT')),
      });
    else if (o.op === 'list') await populate({ ...side.s, creds, name: side.name }, { bucket: 'abtest', keys: o.keys, concurrency: 32 });
  }
  const phase = async (side) => {
    if (o.op === 'delete') {
      // Keys to delete, written unmeasured just before.
      const from = side.next;
      await runConcurrent({ concurrency: o.concurrency, durationMs: o.seconds * 1000, pid: side.pid, op: (i) => put(side, from + i) }).then(
        (r) => (side.next += r.ops),
      );
      return runConcurrent({
        concurrency: o.concurrency,
        count: side.next - from,
        pid: side.pid,
        op: (i) =>
          side.client
            .request({ method: 'DELETE', path: `/abtest/k/${from + i}`, payloadHash: EMPTY_SHA256 })
            .then((r) => void expectStatus(r, [204], 'DELETE')),
      });
    }
    if (o.op === 'put') {
      const from = side.next;
      const r = await runConcurrent({
        concurrency: o.concurrency,
        durationMs: o.seconds * 1000,
        pid: side.pid,
        op: (i) => put(side, from + i),
      });
      side.next += r.ops;
      return r;
    }
    if (o.op === 'get' || o.op === 'head') {
      const method = o.op.toUpperCase();
      return runConcurrent({
        concurrency: o.concurrency,
        durationMs: o.seconds * 1000,
        pid: side.pid,
        op: (i) =>
          side.client
            .request({ method, path: `/abtest/k/${i % seeded}`, payloadHash: EMPTY_SHA256 })
            .then((r) => void expectStatus(r, [200], method)),
      });
    }
    if (o.op === 'list') {
      let token;
      return runConcurrent({
        concurrency: 1,
        durationMs: o.seconds * 1000,
        pid: side.pid,
        op: async () => {
          const query = [['list-type', '2'], ['max-keys', '1000'], ['prefix', o.layout === 'many' ? 'many/' : 'list/']];
          if (o.delimiter || o.layout === 'many') query.push(['delimiter', o.delimiter ?? '/']);
          if (token) query.push(['continuation-token', token]);
          const r = expectStatus(
            await side.client.request({ method: 'GET', path: '/abtest', query, payloadHash: EMPTY_SHA256, consume: 'text' }),
            [200],
            'List',
          );
          token = /<NextContinuationToken>([^<]+)</.exec(r.text)?.[1];
        },
      });
    }
    throw new Error(`unknown op ${o.op}`);
  };
  for (let r = 0; r < o.rounds; r++) {
    const order = r % 2 ? [sides[1], sides[0]] : sides;
    for (const side of order) {
      const res = await phase(side);
      side.ops.push(res.opsPerSec);
      side.cpu.push(res.cpu.targetUsPerOp);
    }
    process.stderr.write(
      `round ${r + 1}/${o.rounds}: A ${sides[0].ops.at(-1).toFixed(2)} ops/s, B ${sides[1].ops.at(-1).toFixed(2)} ops/s\n`,
    );
  }
  const [A, B] = sides.map((s) => ({ ops: median(s.ops), cpu: median(s.cpu) }));
  const line = (n, s) =>
    `${n}: ${s.ops.toFixed(2)} ops/s (${((s.ops * o.size) / 2 ** 20).toFixed(0)} MiB/s, median of ${o.rounds}), server CPU ${s.cpu.toFixed(0)} µs/op`;
  console.log(`${o.op} c${o.concurrency} size ${o.size}${o.checksum ? ' +' + o.checksum : ''} FSYNC=${o.fsync}`);
  console.log(line(`A ${o.a}`, A));
  console.log(line(`B ${o.b}`, B));
  console.log(`B/A: ops/s × ${(B.ops / A.ops).toFixed(2)}, CPU/op × ${(B.cpu / A.cpu).toFixed(2)}`);
} finally {
  for (const side of sides) {
    side.client.close();
    await side.s.stop();
  }
  rmSync(work, { recursive: true, force: true });
  for (const db of databases) await pg.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`).catch(() => undefined);
  await pg?.end();
}
