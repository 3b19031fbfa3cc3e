// Markdown tables and target checks from a results object.
import { MiB, median, round } from './stats.mjs';

const fmt = (x, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toFixed(digits));
const ratio = (a, b) => (a && b ? a / b : null);
const mib = (bytes) => (bytes === null || bytes === undefined ? '–' : (bytes / MiB).toFixed(0));

function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((h, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

const modeName = (run) => `${run.db}, FSYNC=${run.fsync}`;

/**
 * Server and floor figures of a phase run in rounds (server and floor back to back in each):
 * the medians of the rounds, and the median of the per-round ratios, which a burst of
 * background work (page-cache writeback, a neighbour's build) hits on one round only.
 */
export function roundFigures(server, floor, key = 'mibPerSec') {
  const a = server.rounds ?? [server];
  const b = floor.rounds ?? [floor];
  const ratios = a.map((r, i) => (b[i] ? r[key] / b[i][key] : null)).filter((x) => x !== null);
  return { server: median(a.map((r) => r[key])), floor: median(b.map((r) => r[key])), ratio: median(ratios) };
}

export function throughputTable(results) {
  const rows = [];
  const ck = results.options.checksum ? ` +${results.options.checksum}` : '';
  for (const run of results.runs) {
    const m = modeName(run);
    if (run.large) {
      for (const [c, r] of Object.entries(run.large.server)) {
        const f = run.large.floor[c];
        for (const op of ['put', 'get']) {
          const x = roundFigures(r[op], f[op]);
          rows.push([
            `${m}`,
            `${op.toUpperCase()} ${run.large.sizeMiB} MiB${op === 'put' ? ck : ''}, ${c}`,
            `${fmt(x.server)} MiB/s`,
            `${fmt(x.floor)} MiB/s`,
            fmt(x.ratio, 2),
            `${fmt(r[op].latencyMs.p50, 0)} / ${fmt(f[op].latencyMs.p50, 0)}`,
            '',
            `${fmt(r[op].cpu.targetUtil * 100)}% / ${fmt(f[op].cpu.targetUtil * 100)}% / ${fmt(f[op].cpu.clientUtil * 100)}%`,
          ]);
        }
      }
    }
    if (run.multipart) {
      const mp = run.multipart;
      rows.push([
        m,
        `multipart ${mp.totalMiB} MiB in ${mp.partMiB} MiB parts, c${mp.concurrency}`,
        `${fmt(mp.mibPerSec)} MiB/s`,
        '',
        '',
        `complete ${fmt(mp.completeMs, 0)} ms`,
        '',
        `GET ${fmt(mp.getMibPerSec)} MiB/s`,
      ]);
    }
    if (run.small) {
      for (const [c, r] of Object.entries(run.small.server)) {
        const f = run.small.floor[c];
        for (const op of ['put', 'get', 'head', 'delete']) {
          rows.push([
            m,
            `${op.toUpperCase()} 4 KiB${op === 'put' ? ck : ''}, ${c}`,
            `${fmt(r[op].opsPerSec)} ops/s`,
            `${fmt(f[op].opsPerSec)} ops/s`,
            fmt(ratio(r[op].opsPerSec, f[op].opsPerSec), 2),
            `${fmt(r[op].latencyMs.p50, 1)} / ${fmt(f[op].latencyMs.p50, 1)}`,
            `${fmt(r[op].latencyMs.p99, 1)} / ${fmt(f[op].latencyMs.p99, 1)}`,
            `${fmt(r[op].cpu.targetUsPerOp)} / ${fmt(f[op].cpu.targetUsPerOp)} / ${fmt(f[op].cpu.clientUsPerOp)}`,
          ]);
        }
      }
    }
  }
  return table(['mode', 'workload', 'server', 'floor', 'ratio', 'p50 ms (server / floor)', 'p99 ms (server / floor)', 'CPU µs/op or % (server / floor / client vs floor)'], rows);
}

export function listingTable(results) {
  const rows = [];
  for (const run of results.runs) {
    for (const l of run.listing ?? []) {
      for (const kind of ['flat', 'delimiter']) {
        const r = l.result[kind];
        rows.push([
          run.db,
          String(l.keys),
          kind === 'flat' ? 'none' : '`/`',
          fmt(r.pagesPerSec, 1),
          fmt(r.msPerPageStart, 1),
          fmt(r.msPerPageEnd, 1),
        ]);
      }
    }
  }
  return table(['db', 'keys', 'delimiter', 'pages/s', 'ms/page, start', 'ms/page, end'], rows);
}

export function dirsTable(results) {
  const rows = [];
  for (const run of results.runs) {
    for (const d of run.dirs ?? []) {
      rows.push([run.db, String(d.keys), 'many directories (10 keys each)', fmt(d.many.entriesPerPage), fmt(d.many.msPerPageStart, 1), fmt(d.many.msPerPageEnd, 1)]);
      rows.push([run.db, String(d.keys), `few huge directories (10 of ${d.keys / 10} keys)`, fmt(d.huge.entriesPerPage), fmt(d.huge.msPerPageStart, 1), '']);
    }
  }
  return table(['db', 'keys', 'ListObjectsV2 delimiter `/`', 'entries/page', 'ms/page, start', 'ms/page, end'], rows);
}

export function mixedTable(results) {
  const rows = [];
  for (const run of results.runs) {
    const x = run.mixed;
    if (!x) continue;
    const per = (r) => ['get', 'head', 'put', 'delete'].map((k) => fmt(r.perOpPerSec[k])).join(' / ');
    rows.push([
      modeName(run),
      `${x.objects} × ${fmt(x.size / MiB)} MiB, ${x.clients} clients, 45/30/15/10`,
      `${fmt(x.server.opsPerSec)} ops/s (${fmt(x.server.mibPerSec)} MiB/s)`,
      `${fmt(x.floor.opsPerSec)} ops/s (${fmt(x.floor.mibPerSec)} MiB/s)`,
      fmt(ratio(x.server.opsPerSec, x.floor.opsPerSec), 2),
      `${per(x.server)} (floor ${per(x.floor)})`,
    ]);
  }
  return table(['mode', 'mixed workload', 'server', 'floor', 'ratio', 'GET / HEAD / PUT / DELETE per s, server (floor)'], rows);
}

export function smallRunTable(results) {
  const rows = [];
  for (const run of results.runs) {
    const x = run.smallRun;
    if (!x) continue;
    rows.push([
      modeName(run),
      `${x.server.count} × ${fmt(x.server.size / 1024)} KiB, c${x.server.concurrency}`,
      `${fmt(x.server.createPerSec)} / ${fmt(x.floor.createPerSec)} (**${fmt(ratio(x.server.createPerSec, x.floor.createPerSec), 2)}**)`,
      `${fmt(x.server.listPerSec)} (${fmt(x.server.listSeconds, 1)} s)`,
    ]);
  }
  return table(['mode', 'small-object run', 'create objects/s, server / floor (ratio)', 'list all, objects/s (server)'], rows);
}

export function memoryTable(results) {
  const rows = [];
  for (const run of results.runs) {
    const m = modeName(run);
    if (run.memory) {
      const s = run.memory.server;
      const f = run.memory.floor;
      rows.push([
        m,
        `PUT of ${fmt(s.size / MiB / 1024, 1)} GiB (${fmt(s.mibPerSec)} MiB/s)`,
        mib(s.idleRss),
        mib(s.peakRss),
        `+${mib(s.peakRss - s.idleRss)}`,
        f ? `${mib(f.idleRss)} → ${mib(f.peakRss)}` : '',
      ]);
    }
    if (run.small?.memory) {
      const s = run.small.memory;
      rows.push([m, 'small-object run (c16 + c64)', mib(s.idleRss), mib(s.peakRss), `+${mib(s.peakRss - s.idleRss)}`, '']);
    }
  }
  return table(['mode', 'phase', 'idle RSS MiB', 'peak RSS MiB', 'delta MiB', 'floor RSS MiB'], rows);
}

/** The targets, checked against this run. */
export function targets(results) {
  const checks = [];
  const add = (name, value, goal, ok) => checks.push({ name, value: round(value, 2), goal, ok: value === null ? null : ok });
  for (const run of results.runs) {
    const m = modeName(run);
    if (run.large) {
      for (const [c, r] of Object.entries(run.large.server)) {
        const f = run.large.floor[c];
        const g = roundFigures(r.get, f.get).ratio;
        const p = roundFigures(r.put, f.put).ratio;
        add(`${m}: large GET ${c} / floor`, g, '≥ 0.9', g >= 0.9);
        add(`${m}: large PUT ${c} / floor`, p, '≥ 0.8', p >= 0.8);
      }
    }
    if (run.small?.server.c64) {
      const r = run.small.server.c64;
      const f = run.small.floor.c64;
      const p = ratio(r.put.opsPerSec, f.put.opsPerSec);
      const g = ratio(r.get.opsPerSec, f.get.opsPerSec);
      add(`${m}: small PUT c64 / floor`, p, '≥ 0.5', p >= 0.5);
      add(`${m}: small GET c64 / floor`, g, '≥ 0.6', g >= 0.6);
    }
    if (run.listing?.length) {
      const first = run.listing[0];
      const last = run.listing[run.listing.length - 1];
      const endVsStart = ratio(last.result.delimiter.msPerPageEnd, first.result.delimiter.msPerPageStart);
      add(`${run.db}: delimiter page, end of ${last.keys} keys / start of ${first.keys} keys`, endVsStart, '0.7–1.3', endVsStart >= 0.7 && endVsStart <= 1.3);
      if (run.listing.length > 1) {
        const a = first.result.delimiter;
        const b = last.result.delimiter;
        const r = ratio((b.msPerPageStart + b.msPerPageEnd) / 2, (a.msPerPageStart + a.msPerPageEnd) / 2);
        add(`${run.db}: delimiter page at ${last.keys} / at ${first.keys} keys`, r, '0.7–1.3', r >= 0.7 && r <= 1.3);
      }
    }
    for (const d of run.dirs ?? []) {
      const worst = Math.max(d.many.msPerPageStart, d.many.msPerPageEnd ?? 0);
      add(`${run.db}: delimiter page, many directories, ${d.keys} keys (ms)`, worst, '≤ 30', worst <= 30);
      add(`${run.db}: delimiter page, few huge directories, ${d.keys} keys (ms)`, d.huge.msPerPageStart, '≤ 30', d.huge.msPerPageStart <= 30);
    }
    if (run.small?.server.c64) {
      const r = run.small.server.c64;
      const f = run.small.floor.c64;
      const h = ratio(r.head.opsPerSec, f.head.opsPerSec);
      add(`${m}: small HEAD c64 / floor`, h, '≥ 0.5', h >= 0.5);
    }
    if (run.memory) {
      const d = (run.memory.server.peakRss - run.memory.server.idleRss) / MiB;
      add(`${m}: RSS growth during ${fmt(run.memory.server.size / MiB / 1024, 1)} GiB PUT (MiB)`, d, '≤ 64', d <= 64);
    }
  }
  return checks;
}

export function targetsTable(checks) {
  return table(
    ['target', 'measured', 'goal', ''],
    checks.map((c) => [c.name, fmt(c.value, 2), c.goal, c.ok === null ? '?' : c.ok ? 'met' : '**missed**']),
  );
}

/** One row per workload, one column group per mode (db, FSYNC): the README's table. */
export function compactTable(results) {
  const runs = results.runs.filter((r) => r.large || r.small || r.multipart);
  if (runs.length === 0) return '';
  const rows = new Map();
  const cell = (label, i, text) => {
    if (!rows.has(label)) rows.set(label, Array(runs.length).fill('–'));
    rows.get(label)[i] = text;
  };
  const ck = results.options.checksum ? ` +${results.options.checksum}` : '';
  runs.forEach((run, i) => {
    for (const [c, r] of Object.entries(run.large?.server ?? {})) {
      for (const op of ['put', 'get']) {
        const x = roundFigures(r[op], run.large.floor[c][op]);
        cell(`${op.toUpperCase()} ${run.large.sizeMiB} MiB${op === 'put' ? ck : ''}, ${c}`, i, `${fmt(x.server)} / ${fmt(x.floor)} MiB/s (**${fmt(x.ratio, 2)}**)`);
      }
    }
    if (run.multipart) cell(`multipart ${run.multipart.totalMiB} MiB, 8 MiB parts, c4`, i, `${fmt(run.multipart.mibPerSec)} MiB/s`);
    for (const [c, r] of Object.entries(run.small?.server ?? {})) {
      const f = run.small.floor[c];
      for (const op of ['put', 'get', 'head', 'delete']) {
        cell(
          `${op.toUpperCase()} 4 KiB${op === 'put' ? ck : ''}, ${c}`,
          i,
          `${fmt(r[op].opsPerSec)} / ${fmt(f[op].opsPerSec)} ops/s (**${fmt(ratio(r[op].opsPerSec, f[op].opsPerSec), 2)}**), p50 ${fmt(r[op].latencyMs.p50, 1)} p99 ${fmt(r[op].latencyMs.p99, 1)} ms`,
        );
      }
    }
  });
  return table(
    ['workload', ...runs.map((r) => `${r.db}, FSYNC=${r.fsync}: server / floor (ratio)`)],
    [...rows].map(([label, cells]) => [label, ...cells]),
  );
}
