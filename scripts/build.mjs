#!/usr/bin/env node
// `npm run build` (and `npm start`, whose prestart runs it): the server (tsc → dist/) and the web
// console (vite → dist/web) built side by side, one per core.
//  - tsc emits without type-checking (`--noCheck`: the same JavaScript, about half the CPU — 10 s
//    instead of 19 s on 2 cores from clean); types are checked by `npm run typecheck`, which CI and
//    the pre-commit routine run. `npm run build -- --check` (or BUILD_CHECK=1) checks while building.
//  - tsc is incremental (dist/.tsbuildinfo): an unchanged tree is emitted in about a second.
//  - The web build is skipped when dist/web was built from exactly the web sources of now: after a
//    build, dist/web/.sources.sha256 records a hash of every input (web/src, index.html, configs,
//    web/package.json, package-lock.json); it is compared with a fresh hash, never with mtimes,
//    so a checkout, a pull or an edit always rebuilds and a stale console is never served.
//    Vite empties dist/web first and the stamp is written last: a failed build leaves no stamp.
// Usage: node scripts/build.mjs [--force] [--check]
//   --force (BUILD_FORCE=1): rebuild the web console; --check (BUILD_CHECK=1): type-check the server too
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WEB = join(ROOT, 'web');
const WEB_OUT = join(ROOT, 'dist', 'web');
const STAMP = join(WEB_OUT, '.sources.sha256');
const WEB_INPUTS = ['src', 'index.html', 'vite.config.ts', 'tsconfig.json', 'package.json'].map((p) => join(WEB, p));
const force = process.argv.includes('--force') || process.env.BUILD_FORCE === '1';
const check = process.argv.includes('--check') || process.env.BUILD_CHECK === '1';

/** Every file under the inputs (a file itself, or a directory walked recursively). */
function inputFiles() {
  const out = [join(ROOT, 'package-lock.json')];
  for (const p of WEB_INPUTS) {
    if (!existsSync(p)) continue;
    if (!statSync(p).isDirectory()) out.push(p);
    else
      for (const e of readdirSync(p, { withFileTypes: true, recursive: true }))
        if (e.isFile()) out.push(join(e.parentPath ?? e.path, e.name));
  }
  return out.sort();
}

/** sha256 over the relative path and content of every input of the web build, in a stable order. */
function webSourcesHash() {
  const h = createHash('sha256');
  for (const f of inputFiles()) h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

function run(label, cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
    child.on('error', (err) => {
      console.error(`build: ${label}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const bin = (pkg, file) => join(ROOT, 'node_modules', pkg, 'bin', file);

async function buildWeb() {
  const hash = webSourcesHash();
  if (!force && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash) {
    console.log('build: web console up to date (dist/web), not rebuilt');
    return 0;
  }
  if (!existsSync(bin('vite', 'vite.js'))) {
    console.error('build: vite is not installed (npm ci --omit=dev has no build tools): run `npm ci`');
    return 1;
  }
  const code = await run('vite build', process.execPath, [bin('vite', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: WEB,
  });
  if (code === 0) writeFileSync(STAMP, `${hash}\n`);
  return code;
}

async function buildServer() {
  if (!existsSync(bin('typescript', 'tsc'))) {
    console.error('build: typescript is not installed (npm ci --omit=dev has no build tools): run `npm ci`');
    return 1;
  }
  const args = [bin('typescript', 'tsc'), '-p', 'tsconfig.build.json'];
  return run('tsc', process.execPath, check ? args : [...args, '--noCheck']);
}

const started = Date.now();
const [server, web] = await Promise.all([buildServer(), buildWeb()]);
if (server !== 0 || web !== 0) {
  console.error(
    `build: failed (${server !== 0 ? 'server (tsc)' : ''}${server !== 0 && web !== 0 ? ', ' : ''}${web !== 0 ? 'web console (vite)' : ''})`,
  );
  process.exit(1);
}
console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
