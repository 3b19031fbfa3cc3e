// The workloads. Each returns plain numbers (ops/s, MiB/s, latency quantiles, CPU per op) for
// one target (the server or the floor); run.mjs pairs them up and computes the ratios.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { S3Client, UNSIGNED, EMPTY_SHA256, sha256Hex, repeatedBody, expectStatus, encodeKey, checksumHeader } from './client.mjs';
import { Latencies, median, MiB } from './stats.mjs';
import { cpuSecondsOf, sampleMemory } from './procs.mjs';

/** Random 1 MiB block repeated to make large bodies; random 4 KiB for small objects. */
const BLOCK = randomBytes(MiB);

/**
 * Runs `op(index)` from `concurrency` workers until `durationMs` has passed or `count` ops were
 * issued (whichever comes first; either may be omitted). Measures wall time, latencies, and CPU
 * seconds of this process (the client) and of `pid` (the target).
 */
export async function runConcurrent({ concurrency, durationMs = Infinity, count = Infinity, pid, op }) {
  const lat = new Latencies();
  let issued = 0;
  let bytes = 0;
  const clientCpu0 = process.cpuUsage();
  const targetCpu0 = cpuSecondsOf(pid);
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  const worker = async () => {
    while (issued < count && performance.now() < deadline) {
      const i = issued++;
      const s = performance.now();
      const n = await op(i); // not `bytes += await …`: that reads `bytes` before the await
      bytes += n ?? 0;
      lat.add(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(clientCpu0);
  const clientCpu = (c.user + c.system) / 1e6;
  const targetCpu = cpuSecondsOf(pid) - targetCpu0;
  const ops = lat.n;
  const result = {
    ops,
    seconds,
    opsPerSec: ops / seconds,
    mibPerSec: bytes / MiB / seconds,
    bytes,
    latencyMs: lat.summary(),
    cpu: {
      clientUsPerOp: ops ? (clientCpu / ops) * 1e6 : null,
      targetUsPerOp: ops ? (targetCpu / ops) * 1e6 : null,
      clientUtil: clientCpu / seconds,
      targetUtil: targetCpu / seconds,
    },
  };
  // The raw latencies, for merging rounds (not written to the JSON).
  Object.defineProperty(result, 'latencies', { value: lat, enumerable: false });
  return result;
}

export async function createBucket(client, bucket) {
  const res = await client.request({ method: 'PUT', path: `/${bucket}`, payloadHash: EMPTY_SHA256, consume: 'text' });
  expectStatus(res, [200, 409], `CreateBucket ${bucket}`);
}

/** Merges runs of the same phase (rounds): totals over all of them. */
function merge(runs) {
  if (runs.length === 1) return runs[0];
  const ops = runs.reduce((n, r) => n + r.ops, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const bytes = runs.reduce((n, r) => n + r.bytes, 0);
  const cpuOf = (k) => runs.reduce((n, r) => n + (r.cpu[k] ?? 0) * (k.endsWith('PerOp') ? r.ops : r.seconds), 0) / (k.endsWith('PerOp') ? ops : seconds);
  const all = new Latencies();
  for (const r of runs) for (let i = 0; i < r.latencies.n; i++) all.add(r.latencies.values[i]);
  return {
    ops,
    seconds,
    opsPerSec: ops / seconds,
    mibPerSec: bytes / MiB / seconds,
    bytes,
    latencyMs: all.summary(),
    cpu: { clientUsPerOp: cpuOf('clientUsPerOp'), targetUsPerOp: cpuOf('targetUsPerOp'), clientUtil: cpuOf('clientUtil'), targetUtil: cpuOf('targetUtil') },
    rounds: runs.map((r) => ({ ops: r.ops, seconds: r.seconds, opsPerSec: r.opsPerSec, mibPerSec: r.mibPerSec })),
  };
}

/**
 * Runs `phase(target)` for the server and the floor back to back (alternating which goes first),
 * so that the noise of a shared machine hits both sides of a ratio alike.
 */
async function paired(targets, flip, phase) {
  const order = flip ? [...targets].reverse() : targets;
  const out = {};
  for (const t of order) out[t.name] = await phase(t);
  return out;
}

/** PUT then GET of `size`-byte objects at each concurrency, server and floor interleaved. */
export async function largeObjects(targets, { bucket, size, plan, rounds = 1, checksum }) {
  const extraHeaders = await checksumHeader(checksum, BLOCK, size);
  const out = Object.fromEntries(targets.map((t) => [t.name, {}]));
  // Warm-up (JIT of the PUT and GET paths), not measured: a cold first GET runs at half speed.
  const warmHeaders = await checksumHeader(checksum, BLOCK, 8 * MiB);
  for (const t of targets) {
    const c = new S3Client({ ...t.creds, endpoint: t.endpoint, maxSockets: 4 });
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        [0, 1, 2, 3].map(async (i) => {
          const path = `/${bucket}/large/warm-up-${i}`;
          const body = repeatedBody(BLOCK, 8 * MiB);
          expectStatus(await c.request({ method: 'PUT', path, body, payloadHash: UNSIGNED, consume: 'text', extraHeaders: warmHeaders }), [200], 'warm-up PUT');
          expectStatus(await c.request({ method: 'GET', path, payloadHash: EMPTY_SHA256 }), [200], 'warm-up GET');
        }),
      );
    }
    c.close();
  }
  let flip = false;
  for (const { concurrency, count } of plan) {
    const clients = new Map(targets.map((t) => [t, new S3Client({ ...t.creds, endpoint: t.endpoint, maxSockets: concurrency })]));
    const key = (r, i) => `/${bucket}/large/c${concurrency}/${r}/${i}`;
    const acc = Object.fromEntries(targets.map((t) => [t.name, { put: [], get: [] }]));
    for (let r = 0; r < rounds; r++) {
      const put = await paired(targets, (flip = !flip), (t) =>
        runConcurrent({
          concurrency,
          count,
          pid: t.pid,
          op: async (i) => {
            const res = await clients.get(t).request({ method: 'PUT', path: key(r, i), body: repeatedBody(BLOCK, size), payloadHash: UNSIGNED, consume: 'text', extraHeaders });
            expectStatus(res, [200], 'large PUT');
            return size;
          },
        }),
      );
      const get = await paired(targets, (flip = !flip), (t) =>
        runConcurrent({
          concurrency,
          count,
          pid: t.pid,
          op: async (i) => {
            const res = await clients.get(t).request({ method: 'GET', path: key(r, i), payloadHash: EMPTY_SHA256 });
            expectStatus(res, [200], 'large GET');
            if (res.bytes !== size) throw new Error(`large GET: ${res.bytes} bytes, expected ${size}`);
            return res.bytes;
          },
        }),
      );
      for (const t of targets) {
        acc[t.name].put.push(put[t.name]);
        acc[t.name].get.push(get[t.name]);
        for (let i = 0; i < count; i++) await clients.get(t).request({ method: 'DELETE', path: key(r, i), payloadHash: EMPTY_SHA256 });
      }
    }
    for (const t of targets) {
      clients.get(t).close();
      out[t.name][`c${concurrency}`] = { put: merge(acc[t.name].put), get: merge(acc[t.name].get) };
    }
  }
  return out;
}

/** One multipart upload of `total` bytes in `partSize` parts, `concurrency` parts in flight. */
export async function multipart(target, { bucket, total, partSize, concurrency }) {
  const client = new S3Client({ ...target.creds, endpoint: target.endpoint, maxSockets: concurrency });
  const path = `/${bucket}/multipart/object`;
  const t0 = performance.now();
  const cpu0 = cpuSecondsOf(target.pid);
  const created = await client.request({ method: 'POST', path, query: [['uploads', '']], payloadHash: EMPTY_SHA256, consume: 'text' });
  expectStatus(created, [200], 'CreateMultipartUpload');
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)[1];
  const parts = Math.ceil(total / partSize);
  const etags = new Array(parts);
  const upload = await runConcurrent({
    concurrency,
    count: parts,
    pid: target.pid,
    op: async (i) => {
      const size = Math.min(partSize, total - i * partSize);
      const res = await client.request({
        method: 'PUT',
        path,
        query: [
          ['partNumber', String(i + 1)],
          ['uploadId', uploadId],
        ],
        body: repeatedBody(BLOCK, size),
        payloadHash: UNSIGNED,
        consume: 'text',
      });
      expectStatus(res, [200], 'UploadPart');
      etags[i] = res.headers.etag;
      return size;
    },
  });
  const xml = Buffer.from(
    '<CompleteMultipartUpload>' + etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('') + '</CompleteMultipartUpload>',
  );
  const c0 = performance.now();
  const done = await client.request({ method: 'POST', path, query: [['uploadId', uploadId]], body: xml, payloadHash: sha256Hex(xml), consume: 'text' });
  expectStatus(done, [200], 'CompleteMultipartUpload');
  if (!done.text.includes('<ETag>')) throw new Error(`CompleteMultipartUpload: ${done.text.slice(0, 300)}`);
  const completeMs = performance.now() - c0;
  const seconds = (performance.now() - t0) / 1000;
  const get = await runConcurrent({
    concurrency: 1,
    count: 1,
    pid: target.pid,
    op: async () => {
      const res = await client.request({ method: 'GET', path, payloadHash: EMPTY_SHA256 });
      expectStatus(res, [200], 'GET multipart object');
      return res.bytes;
    },
  });
  await client.request({ method: 'DELETE', path, payloadHash: EMPTY_SHA256 });
  client.close();
  return {
    mibPerSec: total / MiB / seconds,
    seconds,
    parts,
    uploadPartMibPerSec: upload.mibPerSec,
    completeMs,
    serverCpuSeconds: cpuSecondsOf(target.pid) - cpu0,
    getMibPerSec: get.mibPerSec,
  };
}

/**
 * 4 KiB PUT, GET, HEAD, DELETE, each for `durationMs`, at one concurrency; each phase runs on
 * the server and the floor back to back.
 */
export async function smallObjects(targets, { bucket, size, concurrency, durationMs, warmup, checksum, rounds = 1 }) {
  const body = BLOCK.subarray(0, size);
  const bodyHash = sha256Hex(body);
  const extraHeaders = await checksumHeader(checksum, body, size);
  const clients = new Map(targets.map((t) => [t, new S3Client({ ...t.creds, endpoint: t.endpoint, maxSockets: concurrency })]));
  const prefix = `/${bucket}/small/c${concurrency}-${Date.now().toString(36)}/`;
  const key = (i) => prefix + i;
  const put = (t, i) =>
    clients
      .get(t)
      .request({ method: 'PUT', path: key(i), body, payloadHash: bodyHash, consume: 'text', extraHeaders })
      .then((res) => void expectStatus(res, [200], 'small PUT'));
  const get = (t, i, what = 'GET') =>
    clients
      .get(t)
      .request({ method: what, path: key(i), payloadHash: EMPTY_SHA256 })
      .then((res) => {
        expectStatus(res, [200], `small ${what}`);
        if (what === 'GET' && res.bytes !== size) throw new Error(`small GET: ${res.bytes} bytes`);
      });
  const del = (t, i) =>
    clients
      .get(t)
      .request({ method: 'DELETE', path: key(i), payloadHash: EMPTY_SHA256 })
      .then((res) => void expectStatus(res, [204], 'small DELETE'));
  if (warmup) {
    // JIT, connection pools, statement caches: not measured.
    for (const t of targets) {
      const w = await runConcurrent({ concurrency, durationMs: warmup, pid: t.pid, op: (i) => put(t, 1e9 + i) });
      await runConcurrent({ concurrency, count: w.ops, pid: t.pid, op: (i) => get(t, 1e9 + i) });
      await runConcurrent({ concurrency, count: w.ops, pid: t.pid, op: (i) => del(t, 1e9 + i) });
    }
  }
  // Each phase: `rounds` turns per side, alternating which side goes first (A B B A …).
  const per = durationMs / rounds;
  const next = new Map(targets.map((t) => [t, 0]));
  const turns = async (phase) => {
    const runs = new Map(targets.map((t) => [t, []]));
    for (let r = 0; r < rounds; r++) {
      const res = await paired(targets, r % 2 === 1, (t) => phase(t));
      for (const t of targets) runs.get(t).push(res[t.name]);
    }
    return Object.fromEntries(targets.map((t) => [t.name, merge(runs.get(t))]));
  };
  const puts = await turns(async (t) => {
    const from = next.get(t);
    const r = await runConcurrent({ concurrency, durationMs: per, pid: t.pid, op: (i) => put(t, from + i) });
    next.set(t, from + r.ops);
    return r;
  });
  const gets = await turns((t) => runConcurrent({ concurrency, durationMs: per, pid: t.pid, op: (i) => get(t, i % next.get(t)) }));
  const heads = await turns((t) => runConcurrent({ concurrency, durationMs: per, pid: t.pid, op: (i) => get(t, i % next.get(t), 'HEAD') }));
  const deleted = new Map(targets.map((t) => [t, 0]));
  const dels = await turns(async (t) => {
    const from = deleted.get(t);
    const r = await runConcurrent({ concurrency, count: next.get(t) - from, durationMs: per, pid: t.pid, op: (i) => del(t, from + i) });
    deleted.set(t, from + r.ops);
    return r;
  });
  const out = {};
  for (const t of targets) {
    // Whatever DELETE did not reach within its time: removed, unmeasured.
    const written = next.get(t);
    const done = deleted.get(t);
    await runConcurrent({ concurrency, count: written - done, pid: t.pid, op: (i) => del(t, done + i) });
    clients.get(t).close();
    out[t.name] = { put: puts[t.name], get: gets[t.name], head: heads[t.name], delete: dels[t.name] };
  }
  return out;
}

/** PUT of one `size`-byte object while sampling the target's RSS. */
export async function bigPutMemory(target, { bucket, size, checksum }) {
  const extraHeaders = await checksumHeader(checksum, BLOCK, size);
  const client = new S3Client({ ...target.creds, endpoint: target.endpoint, maxSockets: 1 });
  if (global.gc) global.gc();
  await new Promise((r) => setTimeout(r, 500));
  const sampler = sampleMemory(target.pid, 20);
  const idle = (await import('./procs.mjs')).memoryOf(target.pid).rss;
  const path = `/${bucket}/memory/big`;
  const put = await runConcurrent({
    concurrency: 1,
    count: 1,
    pid: target.pid,
    op: async () => {
      const res = await client.request({ method: 'PUT', path, body: repeatedBody(BLOCK, size), payloadHash: UNSIGNED, consume: 'text', extraHeaders });
      expectStatus(res, [200], 'big PUT');
      return size;
    },
  });
  const peak = sampler.stop();
  await client.request({ method: 'DELETE', path, payloadHash: EMPTY_SHA256 });
  client.close();
  return { size, idleRss: idle, peakRss: Math.max(peak.peakRss, peak.hwm ?? 0), hwm: peak.hwm, samples: peak.samples, mibPerSec: put.mibPerSec };
}

// ---- listing ----------------------------------------------------------------------------------
// Layout: groups of 200 keys under `list/`: 100 objects `list/gNNNNNN-oJJ`, then a "folder"
// `list/gNNNNNN-p/JJ` of 100 keys. Without a delimiter a page is 1000 keys; with `/` a page is
// ~990 objects and ~10 common prefixes, each prefix skipped with one seek (100 keys each).
const GROUP = 200;
const HALF = 100;
const pad = (n, w) => String(n).padStart(w, '0');
export const listKey = (i) => {
  const g = Math.floor(i / GROUP);
  const j = i % GROUP;
  return j < HALF ? `list/g${pad(g, 6)}-o${pad(j, 2)}` : `list/g${pad(g, 6)}-p/${pad(j - HALF, 2)}`;
};

/** PUTs `keys` empty objects (skipping the first `have`), `concurrency` at a time, with a progress line. */
export async function populate(target, { bucket, keys, have = 0, concurrency = 32, progress }) {
  const client = new S3Client({ ...target.creds, endpoint: target.endpoint, maxSockets: concurrency });
  let done = 0;
  const t0 = performance.now();
  let lastPrint = 0;
  const res = await runConcurrent({
    concurrency,
    count: keys - have,
    pid: target.pid,
    op: async (i) => {
      const r = await client.request({ method: 'PUT', path: `/${bucket}/${encodeKey(listKey(have + i))}`, body: Buffer.alloc(0), payloadHash: EMPTY_SHA256, consume: 'text' });
      expectStatus(r, [200], 'populate PUT');
      done++;
      const now = performance.now();
      if (progress && now - lastPrint > 1000) {
        lastPrint = now;
        const rate = done / ((now - t0) / 1000);
        progress(`populating: ${have + done}/${keys} keys, ${Math.round(rate)} PUT/s, ~${Math.round((keys - have - done) / rate)} s left`);
      }
    },
  });
  client.close();
  return { putsPerSec: res.opsPerSec, seconds: res.seconds };
}

async function listPage(client, bucket, { delimiter, startAfter, token }) {
  const query = [
    ['list-type', '2'],
    ['max-keys', '1000'],
    ['prefix', 'list/'],
  ];
  if (delimiter) query.push(['delimiter', delimiter]);
  if (startAfter) query.push(['start-after', startAfter]);
  if (token) query.push(['continuation-token', token]);
  const s = performance.now();
  const res = await client.request({ method: 'GET', path: `/${bucket}`, query, payloadHash: EMPTY_SHA256, consume: 'text' });
  const ms = performance.now() - s;
  expectStatus(res, [200], 'ListObjectsV2');
  const t = res.text;
  const count = Number(/<KeyCount>(\d+)<\/KeyCount>/.exec(t)?.[1] ?? 0);
  const next = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(t)?.[1];
  return { ms, count, next: next?.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'") };
}

/** Walks `pages` pages from `startAfter` (or the start); returns per-page ms. */
async function walk(client, bucket, { delimiter, startAfter, pages }) {
  const times = [];
  let token;
  let entries = 0;
  for (let p = 0; p < pages; p++) {
    const page = await listPage(client, bucket, { delimiter, startAfter: token ? undefined : startAfter, token });
    times.push(page.ms);
    entries += page.count;
    if (!page.next) break;
    token = page.next;
  }
  return { times, entries };
}

/**
 * ListObjectsV2 paged by 1000 with and without a delimiter: the first `pages` pages (start of
 * the bucket) and the last ones (start-after a key near the end), each walk repeated `passes`
 * times; ms per page is the median.
 */
export async function listing(target, { bucket, keys, pages, passes }) {
  const client = new S3Client({ ...target.creds, endpoint: target.endpoint, maxSockets: 1 });
  const out = {};
  const cpu0 = cpuSecondsOf(target.pid);
  await walk(client, bucket, { delimiter: undefined, pages: 2 }); // warm-up
  for (const delimiter of [undefined, '/']) {
    // Keys per page of entries: 1000 without a delimiter; with one, a page of 1000 entries spans
    // ~1000 * 200/101 keys.
    const keysPerPage = delimiter ? Math.ceil((1000 * GROUP) / (HALF + 1)) : 1000;
    const totalPages = Math.ceil(keys / keysPerPage);
    const n = Math.max(1, Math.min(pages, Math.floor(totalPages / 2)));
    // The end walk starts after the last key of the group before `endGroup` (a group boundary).
    const endGroup = Math.max(0, Math.floor((keys - n * keysPerPage) / GROUP) - 1);
    const endAfter = endGroup > 0 ? listKey(endGroup * GROUP - 1) : undefined;
    const start = [];
    const end = [];
    let totalMs = 0;
    let totalPagesWalked = 0;
    for (let p = 0; p < passes; p++) {
      const a = await walk(client, bucket, { delimiter, pages: n });
      const b = await walk(client, bucket, { delimiter, startAfter: endAfter, pages: n + 2 });
      start.push(...a.times);
      end.push(...b.times.slice(0, n));
      totalMs += a.times.reduce((x, y) => x + y, 0) + b.times.reduce((x, y) => x + y, 0);
      totalPagesWalked += a.times.length + b.times.length;
    }
    out[delimiter ? 'delimiter' : 'flat'] = {
      pagesPerSec: totalPagesWalked / (totalMs / 1000),
      msPerPageStart: median(start),
      msPerPageEnd: median(end),
      pagesMeasured: totalPagesWalked,
    };
  }
  out.serverCpuSeconds = cpuSecondsOf(target.pid) - cpu0;
  client.close();
  return out;
}

// ---- directory listings ------------------------------------------------------------------------

/** Keys of the "many directories" scenario: directories of 10 keys under `many/`. */
export const manyDirsKey = (i) => `many/d${pad(Math.floor(i / 10), 7)}/o${pad(i % 10, 1)}`;
/** Keys of the "few huge directories" scenario: 10 directories under `huge/`, keys spread round-robin. */
export const hugeDirsKey = (i) => `huge/d${pad(i % 10, 2)}/o${pad(Math.floor(i / 10), 8)}`;

/**
 * ListObjectsV2 with `delimiter=/` under `prefix`: pages of 1000 common prefixes ("many
 * directories": each prefix hides 10 keys) or one page of 10 prefixes ("few huge directories":
 * each hides a tenth of the keys). `pages` pages from the start and `pages` from near the end
 * (start-after a directory close to the last), `passes` times; ms per page is the median.
 */
export async function dirListing(target, { bucket, prefix, pages, passes, startAfterNearEnd }) {
  const client = new S3Client({ ...target.creds, endpoint: target.endpoint, maxSockets: 1 });
  const page = async (startAfter, token) => {
    const query = [
      ['list-type', '2'],
      ['max-keys', '1000'],
      ['prefix', prefix],
      ['delimiter', '/'],
    ];
    if (startAfter && !token) query.push(['start-after', startAfter]);
    if (token) query.push(['continuation-token', token]);
    const s = performance.now();
    const res = expectStatus(await client.request({ method: 'GET', path: `/${bucket}`, query, payloadHash: EMPTY_SHA256, consume: 'text' }), [200], 'ListObjectsV2');
    const ms = performance.now() - s;
    const entries = (res.text.match(/<Prefix>/g)?.length ?? 1) - 1 + (res.text.match(/<Key>/g)?.length ?? 0);
    const next = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(res.text)?.[1];
    return { ms, entries, next: next?.replace(/&amp;/g, '&') };
  };
  // Only whole pages are timed: a truncated page (1000 entries), or the walk's only page. The
  // short last page of a walk (at 10k keys "many directories" is one page of 1000 prefixes and a
  // page of the rest) would otherwise pull the median halfway to zero.
  const walkFrom = async (startAfter) => {
    const times = [];
    let entries = 0;
    let token;
    for (let p = 0; p < pages; p++) {
      const r = await page(startAfter, token);
      if (r.next || p === 0) {
        times.push(r.ms);
        entries += r.entries;
      }
      if (!r.next) break;
      token = r.next;
    }
    return { times, entries };
  };
  await walkFrom(undefined); // warm-up
  const start = [];
  const end = [];
  let entriesPerPage = 0;
  for (let p = 0; p < passes; p++) {
    const a = await walkFrom(undefined);
    start.push(...a.times);
    entriesPerPage = a.entries / a.times.length;
    if (startAfterNearEnd) end.push(...(await walkFrom(startAfterNearEnd)).times);
  }
  client.close();
  return { msPerPageStart: median(start), msPerPageEnd: end.length ? median(end) : null, entriesPerPage, pagesMeasured: start.length + end.length };
}

// ---- mixed workload ----------------------------------------------------------------------------

/**
 * The standard object-store mix: `objects` objects of `size` bytes are written first (not
 * measured), then `clients` clients run for `durationMs` picking 45 % GET, 30 % HEAD, 15 % PUT,
 * 10 % DELETE (a deterministic shuffle, the same for both targets). GET and HEAD read a live
 * object, PUT writes a new one, DELETE removes a live one (a read racing a delete of its key may
 * answer 404; those are counted). Returns ops/s overall and per operation, and MiB/s read+written.
 */
export async function mixed(targets, { bucket, objects, size, clients, durationMs }) {
  const mix = [...Array(45).fill('GET'), ...Array(30).fill('HEAD'), ...Array(15).fill('PUT'), ...Array(10).fill('DELETE')];
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
  for (let i = mix.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [mix[i], mix[j]] = [mix[j], mix[i]];
  }
  const out = {};
  for (const t of targets) {
    const client = new S3Client({ ...t.creds, endpoint: t.endpoint, maxSockets: clients });
    const put = (key) =>
      client.request({ method: 'PUT', path: `/${bucket}/${key}`, body: repeatedBody(BLOCK, size), payloadHash: UNSIGNED, consume: 'text' }).then((r) => expectStatus(r, [200], 'PUT'));
    const live = [];
    await runConcurrent({ concurrency: clients, count: objects, pid: t.pid, op: (i) => put(`mixed/${pad(i, 7)}`).then(() => void live.push(`mixed/${pad(i, 7)}`)) });
    let next = objects;
    let notFound = 0;
    const perOp = { GET: 0, HEAD: 0, PUT: 0, DELETE: 0 };
    seed = 7;
    const r = await runConcurrent({
      concurrency: clients,
      durationMs,
      pid: t.pid,
      op: async (i) => {
        const kind = mix[i % mix.length];
        perOp[kind]++;
        if (kind === 'PUT') {
          const key = `mixed/${pad(next++, 7)}`;
          await put(key);
          live.push(key);
          return size;
        }
        const at = Math.floor(rand() * live.length);
        const key = live[at];
        if (kind === 'DELETE') {
          live[at] = live[live.length - 1];
          live.pop();
          expectStatus(await client.request({ method: 'DELETE', path: `/${bucket}/${key}`, payloadHash: EMPTY_SHA256 }), [204], 'DELETE');
          return 0;
        }
        const res = await client.request({ method: kind, path: `/${bucket}/${key}`, payloadHash: EMPTY_SHA256 });
        expectStatus(res, [200, 404], kind);
        if (res.status === 404) notFound++;
        return kind === 'GET' && res.status === 200 ? size : 0;
      },
    });
    client.close();
    out[t.name] = {
      opsPerSec: r.opsPerSec,
      mibPerSec: r.mibPerSec,
      ops: r.ops,
      seconds: r.seconds,
      perOpPerSec: Object.fromEntries(Object.entries(perOp).map(([k, v]) => [k.toLowerCase(), v / r.seconds])),
      notFound,
      latencyMs: r.latencyMs,
      cpu: r.cpu,
    };
  }
  return out;
}

// ---- small-object run --------------------------------------------------------------------------

/** Creates `count` objects of `size` bytes at `concurrency`, then lists them all (pages of 1000); objects/s of each. */
export async function smallRun(target, { bucket, count, size, concurrency, list = true, progress }) {
  const client = new S3Client({ ...target.creds, endpoint: target.endpoint, maxSockets: concurrency });
  const body = randomBytes(size);
  const hash = sha256Hex(body);
  const t0 = performance.now();
  let lastPrint = 0;
  const created = await runConcurrent({
    concurrency,
    count,
    pid: target.pid,
    op: async (i) => {
      expectStatus(await client.request({ method: 'PUT', path: `/${bucket}/small/${pad(i, 8)}`, body, payloadHash: hash, consume: 'text' }), [200], 'PUT');
      const now = performance.now();
      if (progress && now - lastPrint > 1000) {
        lastPrint = now;
        const rate = i / ((now - t0) / 1000);
        progress(`small-object run: ${i}/${count} created, ${Math.round(rate)}/s, ~${Math.round((count - i) / rate)} s left`);
      }
    },
  });
  const base = { count, size, concurrency, createPerSec: created.opsPerSec, createLatencyMs: created.latencyMs };
  if (!list) {
    client.close();
    return base;
  }
  const cpu0 = cpuSecondsOf(target.pid);
  const s = performance.now();
  let listed = 0;
  let token;
  for (;;) {
    const query = [
      ['list-type', '2'],
      ['max-keys', '1000'],
      ['prefix', 'small/'],
    ];
    if (token) query.push(['continuation-token', token]);
    const res = expectStatus(await client.request({ method: 'GET', path: `/${bucket}`, query, payloadHash: EMPTY_SHA256, consume: 'text' }), [200], 'ListObjectsV2');
    listed += Number(/<KeyCount>(\d+)<\/KeyCount>/.exec(res.text)?.[1] ?? 0);
    token = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(res.text)?.[1];
    if (!token) break;
  }
  const listSeconds = (performance.now() - s) / 1000;
  if (listed !== count) throw new Error(`small-object run: listed ${listed} of ${count} objects`);
  client.close();
  return {
    ...base,
    listPerSec: listed / listSeconds,
    listSeconds,
    listServerCpuSeconds: cpuSecondsOf(target.pid) - cpu0,
  };
}
