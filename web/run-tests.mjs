#!/usr/bin/env node
// npm run test:web: the web console's unit tests (vitest), then the summary line CI reads:
//   tests: N passed, N failed
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(tmpdir(), `vitest-${process.pid}.json`);
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    cwd: dirname(fileURLToPath(import.meta.url)),
  },
);
let passed = 0;
let failed = 0;
try {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests;
  // A file that failed to load has no failed test: count it.
  if (!r.success && failed === 0) failed = 1;
  rmSync(out, { force: true });
} catch {
  failed += 1;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
