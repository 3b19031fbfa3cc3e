#!/usr/bin/env node
// npm run test:chart: the chart and image tests (jest, jest.chart.config.js), then the summary line CI reads:
//   tests: N passed, N failed
// They need helm 3.17 and the Kubernetes schemas in .cache/helm-tools (node scripts/fetch-helm.mjs,
// which `.ci/run --setup` runs) and the built server (npm run build).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HELM = join(ROOT, '.cache', 'helm-tools', 'bin', 'helm');
if (!existsSync(HELM)) {
  console.log(`helm is missing (${HELM}): run \`.ci/run --setup\` (or \`node scripts/fetch-helm.mjs\`) first`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}
if (!existsSync(join(ROOT, 'dist', 'main.js'))) {
  console.log('dist/main.js is missing: run `npm run build` first');
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}
const run = spawnSync(
  process.execPath,
  [join(ROOT, 'test', 'run-tests.mjs'), '--config', 'jest.chart.config.js', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    cwd: ROOT,
    env: { ...process.env, TEST_LABEL: 'chart' },
  },
);
process.exit(run.status ?? 1);
