#!/usr/bin/env node
// npm run test:e2e: the web console's end-to-end tests in headless Chromium against the real
// server (built web app in dist/web), then one summary line that CI reads:
//   tests: N passed, N failed
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.log(`e2e: Chromium is not installed at ${CHROMIUM}: run .ci/run --setup (apt-get install -y chromium) first`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}
if (!existsSync('dist/web/index.html')) {
  console.log('e2e: dist/web is missing: building the web console (npm run build -w web)');
  const b = spawnSync('npm', ['run', 'build', '-w', 'web'], { stdio: 'inherit' });
  if (b.status !== 0) {
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  }
}
const out = join(tmpdir(), `jest-e2e-${process.pid}.json`);
const run = spawnSync(
  'npx',
  ['jest', '-c', 'jest.e2e.config.js', '--runInBand', '--json', `--outputFile=${out}`, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: process.env,
  },
);
let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  rmSync(out, { force: true });
} catch {
  failed += 1;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
