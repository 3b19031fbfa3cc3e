#!/usr/bin/env node
// The benchmark: starts the built server (node dist/main.js) and the Node floor
// (bench/floor-server.mjs) as child processes, drives both with the same lean SigV4 client, and
// prints tables + writes bench/results/<timestamp>.json. See bench/README.md.
//
//   npm run build && npm run bench -- [--quick] [--db sqlite|postgres|both] [--fsync both|true|false]
//                                      [--keys 10000[,1000000]] [--workloads large,multipart,small,memory,listing,dirs,mixed,smallrun]
//                                      [--dir-keys 10000,1000000] [--small-count 1000000]
//                                      [--checksum crc32|crc32c|…] [--populate put|sql] [--profile] [--duration ms] [--pg-url postgres://postgres@127.0.0.1:5432]
//                                      [--dist dir] [--keep]
//   (`npm run bench --quick` works too: npm passes it as npm_config_quick.)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startServer, startFloor, memoryOf, sampleMemory } from './lib/procs.mjs';
import { createBucket, largeObjects, multipart, smallObjects, bigPutMemory, populate, listing, listKey, dirListing, manyDirsKey, hugeDirsKey, mixed, smallRun } from './lib/workloads.mjs';
import { populateSql } from './lib/populate-sql.mjs';
import { throughputTable, compactTable, listingTable, dirsTable, mixedTable, smallRunTable, memoryTable, targets, targetsTable } from './lib/report.mjs';
import { summarise, formatSummary } from './profile-summary.mjs';
import { loadSigner, S3Client, EMPTY_SHA256, expectStatus } from './lib/client.mjs';
import { MiB, GiB } from './lib/stats.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');
const WORKLOADS = ['large', 'multipart', 'small', 'memory', 'listing', 'dirs', 'mixed', 'smallrun'];
const ACCESS_KEY = 'BENCHROOTACCESSKEY01';
const SECRET_KEY = 'bench-secret-key-0123456789abcdefghijklmn';

function parseArgs(argv) {
  const env = (name) => {
    const v = process.env[`npm_config_${name}`];
    return v === undefined || v === '' ? undefined : v;
  };
  const o = {
    quick: env('quick') === 'true',
    profile: env('profile') === 'true',
    db: env('db') ?? 'sqlite',
    fsync: env('fsync') ?? 'both',
    keys: env('keys') ?? '10000',
    dirKeys: env('dir_keys'),
    smallCount: env('small_count'),
    workloads: env('workloads') ?? WORKLOADS.join(','),
    duration: undefined,
    pgUrl: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432',
    dist: process.env.BENCH_DIST ?? join(ROOT, 'dist'),
    populate: env('populate') ?? 'put',
    checksum: env('checksum'),
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--quick': o.quick = true; break;
      case '--profile': o.profile = true; break;
      case '--keep': o.keep = true; break;
      case '--db': o.db = value(); break;
      case '--fsync': o.fsync = value(); break;
      case '--keys': o.keys = value(); break;
      case '--dir-keys': o.dirKeys = value(); break;
      case '--small-count': o.smallCount = value(); break;
      case '--workloads': case '--only': o.workloads = value(); break;
      case '--duration': o.duration = Number(value()); break;
      case '--pg-url': o.pgUrl = value(); break;
      case '--dist': o.dist = resolve(value()); break;
      case '--populate': o.populate = value(); break;
      case '--checksum': o.checksum = value(); break;
      case '-h': case '--help':
        process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 9).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${a} (try --help)`);
    }
  }
  if (!['sqlite', 'postgres', 'both'].includes(o.db)) throw new Error(`--db must be sqlite, postgres or both`);
  if (o.checksum && !['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'].includes(o.checksum)) throw new Error('--checksum must be crc32, crc32c, crc64nvme, sha1 or sha256');
  if (!['put', 'sql'].includes(o.populate)) throw new Error('--populate must be put or sql');
  if (!['both', 'true', 'false'].includes(o.fsync)) throw new Error(`--fsync must be both, true or false`);
  o.dbs = o.db === 'both' ? ['sqlite', 'postgres'] : [o.db];
  o.modes = o.fsync === 'both' ? [true, false] : [o.fsync === 'true'];
  o.keyCounts = String(o.keys).split(',').map((k) => Number(k.replace(/_/g, '')));
  if (o.keyCounts.some((k) => !Number.isInteger(k) || k < 1000)) throw new Error('--keys takes integers >= 1000, comma-separated');
  o.keyCounts.sort((a, b) => a - b);
  o.workloadSet = new Set(o.workloads.split(',').map((w) => w.trim()));
  for (const w of o.workloadSet) if (!WORKLOADS.includes(w)) throw new Error(`unknown workload ${w}; known: ${WORKLOADS.join(', ')}`);
  o.params = o.quick
    ? { smallMs: 500, smallRounds: 1, warmupMs: 200, large: [{ concurrency: 1, count: 1 }, { concurrency: 4, count: 4 }], largeRounds: 2, mpTotal: 128 * MiB, bigPut: 1 * GiB, floorMemory: false, pages: 3, passes: 2 }
    : { smallMs: 2500, smallRounds: 2, warmupMs: 600, large: [{ concurrency: 1, count: 2 }, { concurrency: 4, count: 4 }], largeRounds: 4, mpTotal: 256 * MiB, bigPut: 2 * GiB, floorMemory: true, pages: 5, passes: 3 };
  Object.assign(
    o.params,
    o.quick
      ? { dirKeys: [10_000], dirPages: 3, mixed: { objects: 100, size: 1 * MiB, clients: 20, durationMs: 4000 }, smallRun: { count: 10_000, size: 1024, concurrency: 32 } }
      : { dirKeys: [10_000, 1_000_000], dirPages: 5, mixed: { objects: 2500, size: 10 * MiB, clients: 20, durationMs: 30_000 }, smallRun: { count: 1_000_000, size: 1024, concurrency: 32 } },
  );
  if (o.dirKeys) o.params.dirKeys = String(o.dirKeys).split(',').map((k) => Number(k.replace(/_/g, '')));
  if (o.params.dirKeys.some((k) => !Number.isInteger(k) || k < 100)) throw new Error('--dir-keys takes integers >= 100, comma-separated');
  o.params.dirKeys.sort((a, b) => a - b);
  if (o.smallCount) o.params.smallRun.count = Number(String(o.smallCount).replace(/_/g, ''));
  if (o.duration) o.params.smallMs = o.duration;
  return o;
}

/** CPU pressure (PSI "some" avg10/avg60, %): how much runnable work waited for a CPU; high = shared machine busy. */
function cpuPressure() {
  try {
    const line = readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0];
    return { avg10: Number(/avg10=([\d.]+)/.exec(line)?.[1]), avg60: Number(/avg60=([\d.]+)/.exec(line)?.[1]) };
  } catch {
    return null;
  }
}

const log = (msg) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
// A progress line: rewritten in place on a terminal, else printed every 10 s.
let lastProgress = 0;
const progressLine = (msg) => {
  if (process.stderr.isTTY) process.stderr.write(`\r${msg}\x1b[K`);
  else if (performance.now() - lastProgress > 10_000) {
    lastProgress = performance.now();
    log(msg);
  }
};
const endProgress = () => {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  lastProgress = 0;
};

async function withPostgres(pgUrl, name, fn) {
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: `${pgUrl}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  try {
    return await fn(`${pgUrl}/${name}`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch((err) => log(`could not drop database ${name}: ${err.message}`));
    await admin.end();
  }
}

/** One server + floor pair for one database and FSYNC mode, and the workloads assigned to it. */
async function runMode(o, work, db, fsync, jobs, stamp) {
  const tag = `[${db} FSYNC=${fsync}]`;
  const run = { db, fsync };
  const profileDir = o.profile ? join(RESULTS, 'profiles', `${stamp}-${db}-fsync-${fsync}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const go = async (databaseUrl) => {
    const dir = join(work, `${db}-fsync-${fsync}`);
    const t0 = performance.now();
    const dataDir = join(dir, 'server');
    const boot = () =>
      startServer({
        root: ROOT,
        dist: o.dist,
        dataDir,
        fsync,
        databaseUrl,
        masterKey,
        accessKey: ACCESS_KEY,
        secretKey: SECRET_KEY,
        profileDir,
      });
    const masterKey = databaseUrl ? randomBytes(32).toString('hex') : undefined;
    let server = await boot();
    const floor = await startFloor({ root: ROOT, dir: join(dir, 'floor'), fsync });
    log(`${tag} server pid ${server.pid} up in ${Math.round(performance.now() - t0)} ms (${server.endpoint}); floor pid ${floor.pid}`);
    const creds = { accessKey: ACCESS_KEY, secretKey: SECRET_KEY };
    const S = { name: 'server', pid: server.pid, endpoint: server.endpoint, creds };
    const F = { name: 'floor', pid: floor.pid, endpoint: floor.endpoint, creds };
    const restart = async () => {
      const code = await server.stop();
      if (code !== 0) throw new Error(`server exited with ${code} on restart:\n${server.output().slice(-2000)}`);
      server = await boot();
      S.pid = server.pid;
      S.endpoint = server.endpoint;
    };
    const bucket = 'bench';
    try {
      await createBucket(new S3Client({ ...creds, endpoint: S.endpoint, maxSockets: 1 }), bucket);
      run.idleRssAfterBoot = memoryOf(S.pid).rss;
      const p = o.params;
      if (jobs.has('large')) {
        const r = await largeObjects([S, F], { bucket, size: 64 * MiB, plan: p.large, rounds: p.largeRounds, checksum: o.checksum });
        run.large = { sizeMiB: 64, ...r };
        for (const c of Object.keys(r.server)) {
          log(`${tag} large ${c}: ` + ['put', 'get'].map((op) => `${op.toUpperCase()} ${r.server[c][op].mibPerSec.toFixed(0)} vs ${r.floor[c][op].mibPerSec.toFixed(0)} MiB/s`).join(', '));
        }
      }
      if (jobs.has('multipart')) {
        const r = await multipart(S, { bucket, total: p.mpTotal, partSize: 8 * MiB, concurrency: 4 });
        run.multipart = { totalMiB: p.mpTotal / MiB, partMiB: 8, concurrency: 4, ...r };
        log(`${tag} multipart: ${r.mibPerSec.toFixed(0)} MiB/s (${r.parts} parts, complete ${r.completeMs.toFixed(0)} ms), GET ${r.getMibPerSec.toFixed(0)} MiB/s`);
      }
      if (jobs.has('small')) {
        run.small = { server: {}, floor: {} };
        const idle = memoryOf(S.pid).rss;
        const sampler = sampleMemory(S.pid, 50);
        for (const concurrency of [16, 64]) {
          const r = await smallObjects([S, F], { bucket, size: 4096, concurrency, durationMs: p.smallMs, warmup: p.warmupMs, checksum: o.checksum, rounds: p.smallRounds });
          run.small.server[`c${concurrency}`] = r.server;
          run.small.floor[`c${concurrency}`] = r.floor;
          log(
            `${tag} small c${concurrency}: ` +
              ['put', 'get', 'head', 'delete'].map((k) => `${k.toUpperCase()} ${r.server[k].opsPerSec.toFixed(0)} vs ${r.floor[k].opsPerSec.toFixed(0)}/s`).join(', '),
          );
        }
        const peak = sampler.stop();
        run.small.memory = { idleRss: idle, peakRss: Math.max(peak.peakRss, peak.hwm ?? 0) };
      }
      if (jobs.has('memory')) {
        const server = await bigPutMemory(S, { bucket, size: p.bigPut, checksum: o.checksum });
        const floorMem = p.floorMemory ? await bigPutMemory(F, { bucket, size: p.bigPut, checksum: o.checksum }) : undefined;
        run.memory = { server, floor: floorMem };
        log(
          `${tag} memory: ${p.bigPut / GiB} GiB PUT at ${server.mibPerSec.toFixed(0)} MiB/s, RSS ${(server.idleRss / MiB).toFixed(0)} → ${(server.peakRss / MiB).toFixed(0)} MiB` +
            (floorMem ? ` (floor ${(floorMem.idleRss / MiB).toFixed(0)} → ${(floorMem.peakRss / MiB).toFixed(0)})` : ''),
        );
      }
      if (jobs.has('listing')) {
        run.listing = [];
        let have = 0;
        const lb = 'bench-list';
        const client = () => new S3Client({ ...creds, endpoint: S.endpoint, maxSockets: 1 });
        await createBucket(client(), lb);
        for (const keys of o.keyCounts) {
          let pop;
          if (o.populate === 'sql') {
            // SHORTCUT (documented in bench/README.md): rows inserted into the database directly.
            const t = performance.now();
            const template = 'list/__template';
            const c = client();
            expectStatus(await c.request({ method: 'PUT', path: `/${lb}/${template}`, body: Buffer.alloc(0), payloadHash: EMPTY_SHA256, consume: 'text' }), [200], 'template PUT');
            c.close();
            await server.stop();
            let last = 0;
            await populateSql({
              databaseUrl,
              dataDir,
              bucketTemplateKey: template,
              keyOf: listKey,
              from: have,
              to: keys,
              progress: (n) => {
                if (performance.now() - last > 2000) {
                  last = performance.now();
                  progressLine(`inserting rows (server stopped): ${n}/${keys}`);
                }
              },
            });
            server = await boot();
            S.pid = server.pid;
            S.endpoint = server.endpoint;
            const seconds = (performance.now() - t) / 1000;
            pop = { method: 'sql shortcut', seconds, rowsPerSec: (keys - have) / seconds };
          } else {
            if (keys - have > 200_000) log(`${tag} populating ${keys - have} keys with PUTs: this takes a while (--populate sql is the shortcut)`);
            pop = { method: 'PUT', ...(await populate(S, { bucket: lb, keys, have, concurrency: 64, progress: progressLine })) };
          }
          endProgress();
          log(`${tag} populated ${keys} keys (${pop.method}, ${pop.seconds.toFixed(1)} s)`);
          have = keys;
          const result = await listing(S, { bucket: lb, keys, pages: p.pages, passes: p.passes });
          run.listing.push({ keys, populate: pop, result });
          log(
            `${tag} listing ${keys} keys: ` +
              ['flat', 'delimiter'].map((k) => `${k} ${result[k].pagesPerSec.toFixed(1)} pages/s, ${result[k].msPerPageStart.toFixed(1)} → ${result[k].msPerPageEnd.toFixed(1)} ms/page`).join('; '),
          );
        }
      }
      if (jobs.has('mixed')) {
        const mb = 'bench-mixed';
        await createBucket(new S3Client({ ...creds, endpoint: S.endpoint, maxSockets: 1 }), mb);
        const r = await mixed([S, F], { bucket: mb, ...p.mixed });
        run.mixed = { ...p.mixed, ...r };
        log(`${tag} mixed (${p.mixed.objects} × ${p.mixed.size / MiB} MiB, ${p.mixed.clients} clients): ${r.server.opsPerSec.toFixed(0)} vs ${r.floor.opsPerSec.toFixed(0)} ops/s`);
      }
      if (jobs.has('smallrun')) {
        const sb = 'bench-smallrun';
        await createBucket(new S3Client({ ...creds, endpoint: S.endpoint, maxSockets: 1 }), sb);
        await createBucket(new S3Client({ ...creds, endpoint: F.endpoint, maxSockets: 1 }), sb);
        const server = await smallRun(S, { bucket: sb, ...p.smallRun, progress: progressLine });
        endProgress();
        const floor = await smallRun(F, { bucket: sb, ...p.smallRun, list: false, progress: progressLine });
        endProgress();
        run.smallRun = { server, floor };
        log(`${tag} small-object run: create ${server.createPerSec.toFixed(0)} vs ${floor.createPerSec.toFixed(0)}/s, list ${server.listPerSec.toFixed(0)} objects/s`);
      }
      if (jobs.has('dirs')) {
        // SHORTCUT (documented in bench/README.md): rows inserted into the database directly.
        const db2 = 'bench-dirs';
        const c = new S3Client({ ...creds, endpoint: S.endpoint, maxSockets: 1 });
        await createBucket(c, db2);
        for (const t of ['many/__template', 'huge/__template']) {
          expectStatus(await c.request({ method: 'PUT', path: `/${db2}/${t}`, body: Buffer.alloc(0), payloadHash: EMPTY_SHA256, consume: 'text' }), [200], 'template PUT');
        }
        c.close();
        run.dirs = [];
        let have = 0;
        for (const keys of p.dirKeys) {
          const t = performance.now();
          await server.stop();
          for (const [template, keyOf] of [
            ['many/__template', manyDirsKey],
            ['huge/__template', hugeDirsKey],
          ]) {
            await populateSql({ databaseUrl, dataDir, bucketTemplateKey: template, keyOf, from: have, to: keys, keepTemplate: true, progress: (n) => progressLine(`inserting rows (server stopped): ${n}/${keys}`) });
          }
          endProgress();
          server = await boot();
          S.pid = server.pid;
          S.endpoint = server.endpoint;
          log(`${tag} directories: ${keys} keys in each scenario (sql shortcut, ${((performance.now() - t) / 1000).toFixed(1)} s)`);
          have = keys;
          const many = await dirListing(S, { bucket: db2, prefix: 'many/', pages: p.dirPages, passes: p.passes, startAfterNearEnd: manyDirsKey(Math.max(0, keys - p.dirPages * 10_000 - 10)) });
          const huge = await dirListing(S, { bucket: db2, prefix: 'huge/', pages: 1, passes: p.passes * 3 });
          run.dirs.push({ keys, many, huge });
          log(`${tag} directories at ${keys} keys: many ${many.msPerPageStart.toFixed(1)} → ${many.msPerPageEnd?.toFixed(1)} ms/page (${many.entriesPerPage.toFixed(0)} entries), few huge ${huge.msPerPageStart.toFixed(1)} ms/page (${huge.entriesPerPage.toFixed(0)} entries)`);
        }
      }
      run.serverRssAtEnd = memoryOf(S.pid).rss;
    } finally {
      const code = await server.stop();
      await floor.stop();
      if (code !== 0) log(`${tag} server exited with ${code}:\n${server.output().slice(-2000)}`);
    }
    if (profileDir) {
      const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
      for (const f of files) {
        const s = summarise(JSON.parse(readFileSync(join(profileDir, f), 'utf8')), 30);
        run.profile = { file: join(profileDir, f), ...s };
        process.stdout.write(`\n### CPU profile of the server (${tag}): ${join(profileDir, f)}\n\n${formatSummary(s)}\n`);
      }
    }
  };
  if (db === 'postgres') {
    await withPostgres(o.pgUrl, `bench_${stamp.replace(/[^0-9a-z]/gi, '').toLowerCase()}_${fsync ? 'sync' : 'nosync'}`, go);
  } else {
    await go(undefined);
  }
  return run;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  for (const f of ['main.js', 's3/auth/sigv4/canonical-request.js']) {
    if (!existsSync(join(o.dist, f))) throw new Error(`${join(o.dist, f)} is missing: run \`npm run build\` first`);
  }
  loadSigner(o.dist);
  const started = performance.now();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const work = mkdtempSync(join(os.tmpdir(), 'objstore-bench-'));
  const cpus = os.cpus();
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus.length, model: cpus[0]?.model, memGiB: Math.round(os.totalmem() / GiB), kernel: os.release(), node: process.version, loadavg: os.loadavg(), cpuPressureAtStart: cpuPressure() },
    options: { dist: o.dist, checksum: o.checksum ?? null, populate: o.populate, quick: o.quick, db: o.db, fsync: o.fsync, keys: o.keyCounts, workloads: [...o.workloadSet], profile: o.profile, params: o.params },
    notes: [
      'Client: dist/s3/auth/sigv4 signing (host;x-amz-content-sha256;x-amz-date), node:http keep-alive agent, one process.',
      'Small PUTs send a signed sha256 payload hash (the server verifies it); large PUTs and parts send UNSIGNED-PAYLOAD.',
      'The floor gets the same signed requests and ignores the auth headers.',
    ],
    runs: [],
  };
  log(`benchmark ${o.quick ? '(quick) ' : ''}on ${cpus.length} CPUs, Node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; work dir ${work}`);
  try {
    for (const db of o.dbs) {
      // Listing needs a populated bucket: do it where PUTs are cheapest (FSYNC=false); the
      // memory test where durability is on (the default).
      const listingMode = o.modes.includes(false) ? false : o.modes[0];
      const memoryMode = o.modes.includes(true) ? true : o.modes[0];
      for (const fsync of o.modes) {
        // Listings where PUTs are cheapest; the memory test, the mixed workload and the
        // small-object run where durability is on.
        const modeOf = { listing: listingMode, dirs: listingMode, memory: memoryMode, mixed: memoryMode, smallrun: memoryMode };
        const jobs = new Set([...o.workloadSet].filter((w) => (w in modeOf ? fsync === modeOf[w] : true)));
        results.runs.push(await runMode(o, work, db, fsync, jobs, stamp));
      }
    }
  } finally {
    if (!o.keep) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
  }
  results.seconds = (performance.now() - started) / 1000;
  results.machine.cpuPressureAtEnd = cpuPressure();
  results.targets = targets(results);
  const tables = [throughputTable(results), compactTable(results), mixedTable(results), smallRunTable(results), listingTable(results), dirsTable(results), memoryTable(results), targetsTable(results.targets)].filter(
    (t) => t.split('\n').length > 2,
  );
  const md = [
    `Benchmark ${results.date} — ${cpus.length} × ${results.machine.model}, Node ${process.version}${o.quick ? ', --quick' : ''}, ` +
      `load average ${results.machine.loadavg.map((x) => x.toFixed(1)).join(' ')} at start` +
      (results.machine.cpuPressureAtEnd ? `, CPU pressure (PSI avg60) ${results.machine.cpuPressureAtStart?.avg60}% → ${results.machine.cpuPressureAtEnd.avg60}%` : '') +
      ` (${results.seconds.toFixed(0)} s)`,
    ...tables.flatMap((t) => ['', t]),
  ].join('\n');
  process.stdout.write('\n' + md + '\n');
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${stamp}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  writeFileSync(join(RESULTS, `${stamp}.md`), md + '\n');
  log(`results: ${file}`);
}

main().catch((err) => {
  process.stderr.write(`\nbench failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
