#!/usr/bin/env node
// npm test: the unit and integration suites (jest), then one summary line that CI reads:
//   tests: N passed, N failed
// With TEST_DATABASE_URL set, the integration suites run on PostgreSQL.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preflightMessage } from './preflight.mjs';

// The system programs the suites start (slapd, the AWS CLI, …): stop now, with one line, rather
// than after minutes with failures that do not say what is missing. (`pretest` runs the same check
// before the build; CI calls this file with --ignore-scripts.)
const missing = preflightMessage();
if (missing) {
  console.error(missing);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}

const label = process.env.TEST_LABEL ?? (process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite');
const out = join(tmpdir(), `jest-results-${label}-${process.pid}.json`);
const args = ['jest', '--json', `--outputFile=${out}`, ...process.argv.slice(2)];
if (!process.argv.slice(2).some((a) => a.startsWith('--maxWorkers') || a === '-i' || a === '--runInBand')) args.push('--maxWorkers=2');
const run = spawnSync('npx', args, { stdio: 'inherit', env: process.env });

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
