#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`): top functions by self time, and self
// time grouped by where the code lives (our dist/, a node_modules package, node internals).
//   node bench/profile-summary.mjs <file.cpuprofile> [--top 25] [--callers <functionName>] [--inclusive [filter]]
//   (--inclusive: functions by inclusive time, i.e. self time plus that of everything they call,
//   counted once per sample even when recursive; filter: only functions whose location contains it)
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export function summarise(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  // timeDeltas[i] is the time before samples[i]; attribute it to that sample's node.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  const fns = new Map();
  const areas = new Map();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    const f = n.callFrame;
    total += us;
    const url = f.url || '';
    const name = f.functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${f.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const area = areaOf(name, url);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  const idle = selfUs.size
    ? sorted(fns)
        .filter(([k]) => k.startsWith('(idle)'))
        .reduce((s, [, v]) => s + v, 0)
    : 0;
  const busy = total - idle;
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    functions: sorted(fns)
      .filter(([k]) => !k.startsWith('(idle)'))
      .slice(0, top)
      .map(([k, us]) => ({ fn: k, selfMs: us / 1000, pctOfBusy: (100 * us) / busy })),
    areas: sorted(areas)
      .filter(([k]) => k !== '(idle)')
      .map(([k, us]) => ({ area: k, selfMs: us / 1000, pctOfBusy: (100 * us) / busy })),
  };
}

function shortUrl(url) {
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) return u.slice(nm + 'node_modules/'.length);
  const d = u.indexOf('/dist/');
  if (d >= 0) return u.slice(d + 1);
  return u;
}

function areaOf(name, url) {
  if (!url) return name.startsWith('(') ? name : '(native/builtin)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const d = u.indexOf('/dist/');
  if (d >= 0)
    return (
      'dist/' +
      u
        .slice(d + 6)
        .split('/')
        .slice(0, -1)
        .join('/')
    );
  return u;
}

export function formatSummary(s, title = '') {
  const lines = [];
  lines.push(`${title}profile: ${s.busyMs.toFixed(0)} ms busy of ${s.totalMs.toFixed(0)} ms sampled`);
  lines.push('| self ms | % busy | function |', '| ---: | ---: | --- |');
  for (const f of s.functions) lines.push(`| ${f.selfMs.toFixed(0)} | ${f.pctOfBusy.toFixed(1)} | \`${f.fn}\` |`);
  lines.push('', '| self ms | % busy | where |', '| ---: | ---: | --- |');
  for (const a of s.areas.slice(0, 15)) lines.push(`| ${a.selfMs.toFixed(0)} | ${a.pctOfBusy.toFixed(1)} | ${a.area} |`);
  return lines.join('\n');
}

/** The profile's nodes by id, each node's parent, and the self time (µs) sampled in each node. */
function sampledTree(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++)
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  return { byId, parent, selfUs };
}

/** Self time of functions named `name`, split by their caller chains (`depth` frames up). */
export function callers(profile, name, depth = 6) {
  const { byId, parent, selfUs } = sampledTree(profile);
  const chains = new Map();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (n.callFrame.functionName !== name) continue;
    const chain = [];
    for (let p = parent.get(id); p !== undefined && chain.length < depth; p = parent.get(p)) {
      const f = byId.get(p).callFrame;
      chain.push(`${f.functionName || '(anon)'}@${shortUrl(f.url)}:${f.lineNumber + 1}`);
    }
    const key = chain.join(' < ');
    chains.set(key, (chains.get(key) ?? 0) + us);
  }
  return [...chains.entries()].sort((a, b) => b[1] - a[1]).map(([chain, us]) => ({ ms: us / 1000, chain }));
}

/** Functions by inclusive time (each sample counted once per function on its stack), as % of busy time. */
export function inclusive(profile, top = 25, filter = '') {
  const { byId, parent, selfUs } = sampledTree(profile);
  const incl = new Map();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const name = byId.get(id).callFrame.functionName;
    if (name === '(idle)') continue;
    busy += us;
    const seen = new Set();
    for (let p = id; p !== undefined; p = parent.get(p)) {
      const f = byId.get(p).callFrame;
      if (!f.url && (f.functionName === '(root)' || !f.functionName)) continue;
      const key = `${f.functionName || '(anonymous)'} ${f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + us);
    }
  }
  return [...incl.entries()]
    .filter(([k]) => !filter || k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, us]) => ({ fn, ms: us / 1000, pctOfBusy: (100 * us) / busy }));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/profile-summary.mjs <file.cpuprofile> [--top N]\n');
    process.exit(2);
  }
  const i = process.argv.indexOf('--top');
  const top = i > 0 ? Number(process.argv[i + 1]) : 25;
  const inc = process.argv.indexOf('--inclusive');
  if (inc > 0) {
    const filter = process.argv[inc + 1] && !process.argv[inc + 1].startsWith('--') ? process.argv[inc + 1] : '';
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    for (const r of inclusive(profile, top, filter))
      process.stdout.write(`${r.ms.toFixed(0).padStart(7)} ms ${r.pctOfBusy.toFixed(1).padStart(5)} %  ${r.fn}\n`);
    process.exit(0);
  }
  const c = process.argv.indexOf('--callers');
  if (c > 0) {
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    for (const r of callers(profile, process.argv[c + 1]).slice(0, top)) process.stdout.write(`${r.ms.toFixed(0)} ms  ${r.chain}\n`);
    process.exit(0);
  }
  process.stdout.write(formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8')), top)) + '\n');
}
