import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/** Helpers of the chart tests: helm and the schema packages live in .cache/helm-tools (scripts/fetch-helm.mjs). */
export const ROOT = resolve(__dirname, '..', '..');
export const CHART = join(ROOT, 'helm');
export const TOOLS = join(ROOT, '.cache', 'helm-tools');
export const HELM = join(TOOLS, 'bin', 'helm');
export const VALUES_DIR = join(__dirname, 'values');
export const RELEASE = 'objectstore';
export const NAMESPACE = 'storage';

if (!existsSync(HELM)) throw new Error(`helm is missing (${HELM}): run \`.ci/run --setup\` or \`node scripts/fetch-helm.mjs\``);
const toolsRequire = createRequire(join(TOOLS, 'package.json'));
const YAML = toolsRequire('yaml') as { parseAllDocuments(text: string): Array<{ toJS(): unknown; errors: unknown[] }> };

/** The values sets every test covers: helm arguments for each. */
export const VALUE_SETS: Record<string, string[]> = {
  default: [],
  cluster: ['-f', join(VALUES_DIR, 'cluster.yaml')],
  'existing-secret': ['-f', join(VALUES_DIR, 'existing-secret.yaml')],
};

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function helm(args: string[]): HelmResult {
  const r = spawnSync(HELM, args, {
    encoding: 'utf8',
    cwd: ROOT,
    env: {
      ...process.env,
      HELM_CACHE_HOME: join(TOOLS, 'helm-cache'),
      HELM_CONFIG_HOME: join(TOOLS, 'helm-config'),
      HELM_DATA_HOME: join(TOOLS, 'helm-data'),
    },
  });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `helm template` of the chart with these arguments; throws with helm's message when it refuses. */
export function render(args: string[]): K8sObject[] {
  const r = helm(['template', RELEASE, CHART, '--namespace', NAMESPACE, ...args]);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr.trim()}`);
  return YAML.parseAllDocuments(r.stdout)
    .map((d) => {
      if (d.errors.length) throw new Error(`rendered YAML does not parse: ${String(d.errors[0])}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

export function find<T = K8sObject>(objects: K8sObject[], kind: string, name?: string): T {
  const o = objects.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
  if (!o) throw new Error(`no ${kind}${name ? ` ${name}` : ''} among ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o as T;
}

type Model = new (data: unknown) => { validate(): void };
const MODEL_MODULES: Record<string, string> = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

/** Validates one object against the Kubernetes (or Prometheus Operator) OpenAPI schema of its apiVersion/kind; throws what is wrong. */
export function validateObject(o: K8sObject): void {
  const module = MODEL_MODULES[o.apiVersion];
  if (!module) throw new Error(`no schema known for apiVersion ${o.apiVersion} (${o.kind}/${o.metadata?.name})`);
  const ModelClass = (toolsRequire(module) as Record<string, Model>)[o.kind];
  if (!ModelClass) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  new ModelClass(o).validate();
}

/** The env var names the server reads: every `str('X')`/`int(…)`/`bool(…)`/`port(…)`/`url(…)` of load-config.ts, and the *_FILE secrets. */
export function configEnvNames(): Set<string> {
  const src = readFileSync(join(ROOT, 'src', 'config', 'load-config.ts'), 'utf8');
  const names = new Set([...src.matchAll(/\b(?:str|int|bool|port|url)\('([A-Z0-9_]+)'/g)].map((m) => m[1]));
  const fileVars = /SECRET_FILE_VARS = \[([^\]]+)\]/.exec(src)?.[1] ?? '';
  for (const m of fileVars.matchAll(/'([A-Z0-9_]+)'/g)) names.add(`${m[1]}_FILE`).add(m[1]);
  return names;
}

/** Every string anywhere in `value`, with its path. */
export function strings(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}
