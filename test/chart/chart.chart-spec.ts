import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { find, helm, CHART, configEnvNames, K8sObject, NAMESPACE, RELEASE, render, strings, validateObject, VALUE_SETS } from './helm';

/**
 * The chart: helm lint --strict, and for each values set (default; clustered on PostgreSQL with
 * ingresses and a ServiceMonitor; existingSecret) every rendered object is valid against the
 * Kubernetes schemas and carries what a secure, working store needs.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const FULLNAME = 'objectstore';
/** Env vars the chart sets that the config schema does not read (yet), each with why. */
const RESERVED_ENV: Record<string, string> = {
  TMPDIR: 'Node and SQLite temp files (the writable /tmp volume)',
};
/** The env vars of the cluster mode, set by the chart for replicas > 1 (or cluster.enabled) only. */
const CLUSTER_ENV = ['CLUSTER_ENABLED', 'CLUSTER_SECRET_FILE', 'NODE_NAME', 'NODE_ID', 'NODE_ENDPOINT'];

const container = (objects: K8sObject[]): Json => find<Json>(objects, 'StatefulSet').spec.template.spec.containers[0];
const envOf = (c: Json): Record<string, Json> => Object.fromEntries(c.env.map((e: Json) => [e.name, e]));

describe.each(Object.entries(VALUE_SETS))('values set "%s"', (name, args) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = render(args);
  });

  it('passes helm lint --strict', () => {
    const r = helm(['lint', '--strict', CHART, '--namespace', NAMESPACE, ...args]);
    expect(`${r.stdout}${r.stderr}`).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(r.status).toBe(0);
  });

  it('renders only objects valid against the Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThanOrEqual(4);
    const problems: string[] = [];
    for (const o of objects) {
      try {
        validateObject(o);
      } catch (err) {
        problems.push(`${o.kind}/${o.metadata.name}: ${(err as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('probes /health and /ready (startup, liveness, readiness) on the S3 port', () => {
    const c = container(objects);
    expect(c.ports).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 's3', containerPort: 9000 }),
        expect.objectContaining({ name: 'console', containerPort: 9001 }),
      ]),
    );
    expect(c.startupProbe.httpGet).toEqual({ path: '/ready', port: 's3' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 's3' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 's3' });
    expect(c.resources.requests).toBeDefined();
    expect(c.resources.limits.memory).toBeDefined();
  });

  it('runs non-root on a read-only root filesystem, writing only to the data and tmp volumes', () => {
    const sts = find<Json>(objects, 'StatefulSet');
    const pod = sts.spec.template.spec;
    const c = container(objects);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    const writable = c.volumeMounts.filter((m: Json) => !m.readOnly).map((m: Json) => m.mountPath);
    expect(writable.sort()).toEqual(['/data', '/tmp']);
    const env = envOf(c);
    expect(env.DATA_DIR.value).toBe('/data');
    expect(env.TMPDIR.value).toBe('/tmp');
    // The server drains within the grace period Kubernetes gives it.
    const delay = Number(env.SHUTDOWN_DELAY_SECONDS.value);
    const timeout = Number(env.SHUTDOWN_TIMEOUT_SECONDS.value);
    expect(delay + timeout).toBeLessThan(pod.terminationGracePeriodSeconds);
  });

  it('sets only environment variables the server reads (or reserved ones)', () => {
    const known = configEnvNames();
    const unknown = container(objects)
      .env.map((e: Json) => e.name)
      .filter((n: string) => !known.has(n) && !(n in RESERVED_ENV));
    expect(unknown).toEqual([]);
  });

  it('takes every secret from a mounted Secret, never from a value in the manifest', () => {
    const c = container(objects);
    const env = envOf(c);
    for (const n of ['ROOT_ACCESS_KEY', 'ROOT_SECRET_KEY', 'MASTER_KEY', 'DATABASE_PASSWORD', 'JWT_SECRET', 'CLUSTER_SECRET'])
      expect(env[n]).toBeUndefined();
    expect(env.ROOT_ACCESS_KEY_FILE.value).toBe('/var/run/secrets/objectstore/root-access-key');
    expect(env.ROOT_SECRET_KEY_FILE.value).toBe('/var/run/secrets/objectstore/root-secret-key');
    expect(env.MASTER_KEY_FILE.value).toBe('/var/run/secrets/objectstore/master-key');
    if (env.DATABASE_URL) expect(new URL(env.DATABASE_URL.value).password).toBe('');
    // No env var holds a literal that looks like a credential.
    for (const e of c.env) if (/KEY|SECRET|PASSWORD|TOKEN/.test(e.name)) expect(e.name).toMatch(/_FILE$/);

    const pod = find<Json>(objects, 'StatefulSet').spec.template.spec;
    const creds = pod.volumes.find((v: Json) => v.name === 'credentials');
    const mount = c.volumeMounts.find((m: Json) => m.name === 'credentials');
    expect(mount).toMatchObject({ mountPath: '/var/run/secrets/objectstore', readOnly: true });
    const sources = creds.projected.sources.map((s: Json) => s.secret);
    const keys =
      name === 'existing-secret' ? ['access-key', 'secret-key', 'master-key'] : ['root-access-key', 'root-secret-key', 'master-key'];
    const secretName = name === 'existing-secret' ? 'my-objectstore-keys' : `${FULLNAME}-credentials`;
    expect(sources[0]).toEqual({
      name: secretName,
      items: [
        { key: keys[0], path: 'root-access-key' },
        { key: keys[1], path: 'root-secret-key' },
        { key: keys[2], path: 'master-key' },
        // The cluster secret only in cluster mode (3 replicas).
        ...(name === 'cluster' ? [{ key: 'cluster-secret', path: 'cluster-secret' }] : []),
      ],
    });
    if (name === 'cluster') expect(env.CLUSTER_SECRET_FILE.value).toBe('/var/run/secrets/objectstore/cluster-secret');
    if (name === 'cluster') expect(sources[1]).toEqual({ name: 'objectstore-pg', items: [{ key: 'password', path: 'database-password' }] });
    else expect(sources).toHaveLength(1);

    const secrets = objects.filter((o) => o.kind === 'Secret');
    if (name === 'existing-secret') {
      expect(secrets).toEqual([]);
    } else {
      expect(secrets.map((s) => s.metadata.name)).toEqual([secretName]);
      const data = (secrets[0] as Json).data as Record<string, string>;
      expect(Object.keys(data).sort()).toEqual(['cluster-secret', 'master-key', 'root-access-key', 'root-secret-key']);
      expect(secrets[0].metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
      // No credential value appears in plain text in any object, nor base64 outside the Secret's data.
      const values = Object.values(data).flatMap((b64) => [b64, Buffer.from(b64, 'base64').toString('utf8')]);
      const leaks = objects.flatMap((o) =>
        strings(o)
          .filter(([path]) => !(o.kind === 'Secret' && path.startsWith('data.')))
          .filter(([, s]) => values.some((v) => s.includes(v)))
          .map(([path]) => `${o.kind}/${o.metadata.name} ${path}`),
      );
      expect(leaks).toEqual([]);
    }
  });

  it("exposes the S3 and console ports, and a headless Service for the pods' identity", () => {
    const svc = find<Json>(objects, 'Service', FULLNAME);
    expect(svc.spec.ports.map((p: Json) => [p.name, p.port, p.targetPort])).toEqual([
      ['s3', 9000, 's3'],
      ['console', 9001, 'console'],
    ]);
    const headless = find<Json>(objects, 'Service', `${FULLNAME}-headless`);
    expect(headless.spec.clusterIP).toBe('None');
    const sts = find<Json>(objects, 'StatefulSet');
    expect(sts.spec.serviceName).toBe(`${FULLNAME}-headless`);
    // Its port for the S3 API is the container's (node-to-node calls reach the pods directly through it).
    expect(headless.spec.ports.find((p: Json) => p.name === 's3').targetPort).toBe('s3');
    expect(Object.entries(headless.spec.selector).every(([k, v]) => sts.spec.template.metadata.labels[k] === v)).toBe(true);
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
  });

  it('turns the cluster mode on exactly when replicas > 1', () => {
    const env = envOf(container(objects));
    const clustered = find<Json>(objects, 'StatefulSet').spec.replicas > 1;
    expect(clustered).toBe(name === 'cluster');
    if (!clustered) {
      for (const n of CLUSTER_ENV) expect(env[n]).toBeUndefined();
      return;
    }
    expect(env.CLUSTER_ENABLED.value).toBe('true');
    expect(env.NODE_NAME.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    expect(env.NODE_ID.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    // NODE_NAME is declared before NODE_ENDPOINT uses it (the kubelet expands $(VAR) from earlier entries only).
    const names = container(objects).env.map((e: Json) => e.name);
    expect(names.indexOf('NODE_NAME')).toBeLessThan(names.indexOf('NODE_ENDPOINT'));
    expect(env.NODE_ENDPOINT.value).toBe(`http://$(NODE_NAME).${FULLNAME}-headless.${NAMESPACE}.svc.cluster.local:9000`);
    // As the server validates it (load-config.ts: an http(s) URL without a path), for pod 0.
    const pod0 = env.NODE_ENDPOINT.value.replace('$(NODE_NAME)', `${FULLNAME}-0`);
    expect(pod0).toMatch(/^https?:\/\/[^/]+$/);
    expect(new URL(pod0).port).toBe(String(container(objects).ports.find((p: Json) => p.name === 's3').containerPort));
    expect(env.CLUSTER_HEARTBEAT_SECONDS.value).toBe('2');
    expect(env.CLUSTER_NODE_TIMEOUT_SECONDS.value).toBe('10');
  });
});

describe('the schema check itself', () => {
  it('rejects a broken manifest (so a pass above means something)', () => {
    const objs = render([]);
    const sts = JSON.parse(JSON.stringify(find<Json>(objs, 'StatefulSet')));
    sts.spec.replicas = 'three';
    expect(() => validateObject(sts)).toThrow(/replicas/);
    const svc = JSON.parse(JSON.stringify(find<Json>(objs, 'Service', FULLNAME)));
    svc.spec.ports[0].port = 'http';
    expect(() => validateObject(svc)).toThrow(/port/);
    expect(() => validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toThrow(/no schema known/);
  });
});

describe('values set specifics', () => {
  it('default: one replica, SQLite on a PersistentVolumeClaim, generated credentials that differ on every fresh install', () => {
    const a = render([]);
    const sts = find<Json>(a, 'StatefulSet');
    expect(sts.spec.replicas).toBe(1);
    expect(envOf(container(a)).DATABASE_URL).toBeUndefined();
    expect(sts.spec.volumeClaimTemplates[0]).toMatchObject({
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
    });
    expect(a.map((o) => o.kind)).not.toEqual(expect.arrayContaining(['Ingress']));
    const secretOf = (objs: K8sObject[]) =>
      Object.fromEntries(
        Object.entries((find<Json>(objs, 'Secret').data ?? {}) as Record<string, string>).map(([k, v]) => [
          k,
          Buffer.from(v, 'base64').toString(),
        ]),
      );
    const s1 = secretOf(a);
    const s2 = secretOf(render([]));
    for (const k of ['root-access-key', 'root-secret-key', 'master-key', 'cluster-secret']) expect(s1[k]).not.toBe(s2[k]);
    // What the server accepts (load-config.ts): access key 3-128 of [A-Za-z0-9._-], secret >= 8, master key 64 hex.
    expect(s1['root-access-key']).toMatch(/^[A-Z0-9]{20}$/);
    expect(s1['root-secret-key']).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(s1['master-key']).toMatch(/^[0-9a-f]{64}$/);
    // CLUSTER_SECRET: at least 32 characters. Generated in any case, so turning the cluster mode on later keeps it.
    expect(s1['cluster-secret']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('cluster: 3 replicas on PostgreSQL, ingresses with the wildcard S3 host and S3_DOMAIN, ServiceMonitor, PDB, NetworkPolicy', () => {
    const objs = render(VALUE_SETS.cluster);
    const sts = find<Json>(objs, 'StatefulSet');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    const env = envOf(container(objs));
    expect(env.DATABASE_URL.value).toBe('postgres://objectstore@pg.databases.svc:5432/objectstore?sslmode=require');
    expect(env.DATABASE_PASSWORD_FILE.value).toBe('/var/run/secrets/objectstore/database-password');
    expect(env.S3_DOMAIN.value).toBe('s3.example.com');
    expect(env.S3_PUBLIC_URL.value).toBe('https://s3.example.com');
    expect(env.CONSOLE_PUBLIC_URL.value).toBe('https://console.example.com');
    expect(env.LIFECYCLE_INTERVAL_SECONDS.value).toBe('600');
    const s3Ingress = find<Json>(objs, 'Ingress', `${FULLNAME}-s3`);
    expect(s3Ingress.spec.rules.map((r: Json) => [r.host, r.http.paths[0].backend.service.port.name])).toEqual([
      ['s3.example.com', 's3'],
      ['*.s3.example.com', 's3'],
    ]);
    const consoleIngress = find<Json>(objs, 'Ingress', `${FULLNAME}-console`);
    expect(consoleIngress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: FULLNAME, port: { name: 'console' } });
    const sm = find<Json>(objs, 'ServiceMonitor');
    expect(sm.metadata.labels.release).toBe('prometheus');
    expect(sm.spec.endpoints).toEqual([expect.objectContaining({ port: 'console', path: '/metrics' })]);
    // It selects the main Service only, not the headless one (every pod would be scraped twice).
    const selects = (svc: Json) =>
      Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => svc.metadata.labels[k] === v) &&
      sm.spec.selector.matchExpressions.every((e: Json) => e.operator === 'DoesNotExist' && !(e.key in svc.metadata.labels));
    expect(objs.filter((o) => o.kind === 'Service' && selects(o)).map((o) => o.metadata.name)).toEqual([FULLNAME]);
    expect(find<Json>(objs, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    const np = find<Json>(objs, 'NetworkPolicy');
    // The nodes reach each other's S3 port (forwarded requests, health probes); the ingress controller both ports.
    const podLabels = sts.spec.template.metadata.labels;
    const fromNodes = np.spec.ingress.filter((r: Json) =>
      r.from?.some((f: Json) => f.podSelector && Object.entries(f.podSelector.matchLabels).every(([k, v]) => podLabels[k] === v)),
    );
    expect(fromNodes.flatMap((r: Json) => r.ports.map((p: Json) => p.port))).toEqual(['s3']);
    expect(np.spec.ingress.find((r: Json) => r.ports.some((p: Json) => p.port === 'console')).from).toEqual(
      expect.arrayContaining([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]),
    );
    expect(sts.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(sts.spec.template.spec.tolerations).toHaveLength(1);
  });
});

describe('cluster mode with other values', () => {
  const pg = ['--set', 'postgresql.host=db', '--set', 'postgresql.existingSecret=pg'];
  it("existingSecret: the cluster secret is the Secret's key named by auth.secretKeys.clusterSecret", () => {
    const objs = render([
      ...VALUE_SETS['existing-secret'],
      ...pg,
      '--set',
      'replicas=2',
      '--set',
      'auth.secretKeys.clusterSecret=cluster-key',
    ]);
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    const pod = find<Json>(objs, 'StatefulSet').spec.template.spec;
    const sources = pod.volumes.find((v: Json) => v.name === 'credentials').projected.sources;
    expect(sources[0].secret.name).toBe('my-objectstore-keys');
    expect(sources[0].secret.items).toContainEqual({ key: 'cluster-key', path: 'cluster-secret' });
    expect(envOf(pod.containers[0]).CLUSTER_SECRET_FILE.value).toBe('/var/run/secrets/objectstore/cluster-secret');
  });
  it('cluster.enabled with one replica; zone, capacity, heartbeat, cluster domain and NetworkPolicy from values', () => {
    const objs = render([
      ...pg,
      ...['--set', 'cluster.enabled=true', '--set', 'cluster.zone=eu-1a', '--set', 'cluster.capacityBytes=1099511627776'],
      ...['--set', 'cluster.heartbeatSeconds=3', '--set', 'cluster.nodeTimeoutSeconds=15', '--set', 'clusterDomain=k8s.example'],
      ...['--set', 'networkPolicy.enabled=true'],
    ]);
    for (const o of objs) validateObject(o);
    const sts = find<Json>(objs, 'StatefulSet');
    expect(sts.spec.replicas).toBe(1);
    const env = envOf(sts.spec.template.spec.containers[0]);
    expect(env.CLUSTER_ENABLED.value).toBe('true');
    expect(env.NODE_ZONE.value).toBe('eu-1a');
    expect(env.NODE_CAPACITY_BYTES.value).toBe('1099511627776');
    expect(env.CLUSTER_HEARTBEAT_SECONDS.value).toBe('3');
    expect(env.CLUSTER_NODE_TIMEOUT_SECONDS.value).toBe('15');
    expect(env.NODE_ENDPOINT.value).toBe(`http://$(NODE_NAME).${FULLNAME}-headless.${NAMESPACE}.svc.k8s.example:9000`);
    // No ingress restriction configured: the policy admits everyone on both ports, and the nodes explicitly on S3.
    const np = find<Json>(objs, 'NetworkPolicy');
    expect(np.spec.ingress[0]).toMatchObject({ ports: [{ port: 's3' }], from: [{ podSelector: expect.any(Object) }] });
  });
});

describe('the provisioning Job (existing-secret values)', () => {
  it('is a post-install/upgrade hook, as locked down as the server, outside the Services, with secrets as files only', () => {
    const objs = render(VALUE_SETS['existing-secret']);
    const job = find<Json>(objs, 'Job');
    expect(job.metadata.annotations['helm.sh/hook']).toBe('post-install,post-upgrade');
    const pod = job.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.volumeMounts.every((m: Json) => m.readOnly === true)).toBe(true);
    for (const e of c.env) if (/KEY|SECRET|PASSWORD/.test(e.name)) expect(e.name).toMatch(/_FILE$|_DIR$/);
    const sources = (name: string) => pod.volumes.find((v: Json) => v.name === name).projected.sources.map((x: Json) => x.secret);
    expect(sources('credentials')).toEqual([
      {
        name: 'my-objectstore-keys',
        items: [
          { key: 'access-key', path: 'root-access-key' },
          { key: 'secret-key', path: 'root-secret-key' },
        ],
      },
    ]);
    expect(sources('user-passwords')).toEqual([{ name: 'app-login', items: [{ key: 'password', path: 'app' }] }]);
    // The spec in the ConfigMap names the password's Secret nowhere and holds no password.
    const spec = JSON.parse(find<Json>(objs, 'ConfigMap', `${FULLNAME}-provisioning`).data['spec.json']);
    expect(spec.users[0]).toEqual(expect.objectContaining({ username: 'app', tenant: 'acme' }));
    expect(spec.users[0].passwordSecret).toBeUndefined();
    // No Service, PDB or NetworkPolicy target selects the Job's pod.
    const labels = job.spec.template.metadata.labels;
    for (const svc of objs.filter((o) => o.kind === 'Service') as Json[]) {
      expect(Object.entries(svc.spec.selector).every(([k, v]) => labels[k] === v)).toBe(false);
    }
  });
});

describe('NOTES.txt', () => {
  /** helm template leaves NOTES.txt out: render a copy of the chart where it is an ordinary template. */
  const notes = (args: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'chart-notes-'));
    try {
      cpSync(CHART, dir, { recursive: true });
      const text = readFileSync(join(dir, 'templates', 'NOTES.txt'), 'utf8');
      rmSync(join(dir, 'templates', 'NOTES.txt'));
      // Templates must render YAML: NOTES.txt becomes a named template, rendered into a block scalar.
      writeFileSync(join(dir, 'templates', '_notes.tpl'), `{{- define "test.notes" -}}\n${text}\n{{- end }}\n`);
      writeFileSync(join(dir, 'templates', 'notes.yaml'), 'notes: |\n{{ include "test.notes" . | indent 2 }}\n');
      const r = helm(['template', RELEASE, dir, '--namespace', NAMESPACE, '--show-only', 'templates/notes.yaml', ...args]);
      expect(r.stderr).toBe('');
      return r.stdout;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  it('says how to read the credentials and reach the console and S3', () => {
    const text = notes([]);
    expect(text).toContain(`kubectl -n ${NAMESPACE} get secret objectstore-credentials -o jsonpath='{.data.root-access-key}' | base64 -d`);
    expect(text).toContain(`kubectl -n ${NAMESPACE} get secret objectstore-credentials -o jsonpath='{.data.root-secret-key}' | base64 -d`);
    expect(text).toContain(`kubectl -n ${NAMESPACE} port-forward svc/objectstore 9001:9001`);
    expect(text).toContain('aws --endpoint-url http://127.0.0.1:9000 s3 mb s3://my-bucket');
    const cluster = notes(VALUE_SETS.cluster);
    expect(cluster).toContain('https://console.example.com/');
    expect(cluster).toContain('aws --endpoint-url https://s3.example.com s3 mb');
    expect(cluster).toContain('Cluster mode: each pod is a node');
    expect(text).not.toContain('Cluster mode');
    expect(notes(VALUE_SETS['existing-secret'])).toContain("get secret my-objectstore-keys -o jsonpath='{.data.access-key}'");
  });
  it('warns that the default image.repository is not published and says how to build and push it', () => {
    const text = notes([]);
    expect(text).toContain('WARNING: image.repository is the default "objectstore", which is not published');
    expect(text).toMatch(/docker build -t <registry>\/objectstore:\S+ \./);
    expect(text).toContain('--set image.repository=<registry>/objectstore');
    expect(notes(['--set', 'image.repository=registry.example.com/objectstore'])).not.toContain('WARNING');
  });
});

describe('values the chart refuses, with a message that says what to do', () => {
  const refusal = (args: string[]) => {
    const r = helm(['template', RELEASE, CHART, ...args]);
    expect(r.status).not.toBe(0);
    return r.stderr;
  };
  it('replicas > 1 without an external PostgreSQL', () => {
    expect(refusal(['--set', 'replicas=3'])).toMatch(
      /replicas > 1 is the clustered mode and needs an external PostgreSQL: set postgresql.host/,
    );
  });
  it('cluster.enabled without an external PostgreSQL', () => {
    expect(refusal(['--set', 'cluster.enabled=true'])).toMatch(/cluster.enabled needs an external PostgreSQL .*: set postgresql.host/);
  });
  it('cluster settings put in config, and a node timeout not longer than the heartbeat', () => {
    expect(refusal(['--set', 'config.NODE_NAME=n1'])).toMatch(
      /config.NODE_NAME is set by the chart in cluster mode: use replicas \/ cluster/,
    );
    expect(refusal(['--set', 'config.CLUSTER_ENABLED=true'])).toMatch(/config.CLUSTER_ENABLED is set by the chart/);
    expect(refusal(['--set', 'config.CLUSTER_SECRET=x'])).toMatch(/config.CLUSTER_SECRET is a secret/);
    const pg = ['--set', 'postgresql.host=db', '--set', 'postgresql.existingSecret=pg', '--set', 'replicas=2'];
    expect(refusal([...pg, '--set', 'cluster.nodeTimeoutSeconds=2'])).toMatch(
      /cluster.nodeTimeoutSeconds \(2\) must be longer than cluster.heartbeatSeconds \(2\)/,
    );
  });
  it('PostgreSQL without the Secret of its password', () => {
    expect(refusal(['--set', 'postgresql.host=db'])).toMatch(/name the Secret holding the database password in postgresql.existingSecret/);
  });
  it('a secret put in config', () => {
    expect(refusal(['--set', 'config.ROOT_SECRET_KEY=hunter22'])).toMatch(/config.ROOT_SECRET_KEY is a secret/);
  });
  it('a drain longer than the grace period', () => {
    expect(refusal(['--set', 'shutdownTimeoutSeconds=60'])).toMatch(/must stay below terminationGracePeriodSeconds/);
  });
  it('values outside the schema (values.schema.json)', () => {
    expect(refusal(['--set', 'config.LOG_FORMAT=xml'])).toMatch(/config.LOG_FORMAT.*"json", "text"/);
    expect(refusal(['--set', 'replicas=0'])).toMatch(/replicas: Must be greater than or equal to 1/);
    expect(refusal(['--set', 'postgresql.sslmode=maybe'])).toMatch(/postgresql.sslmode/);
    expect(refusal(['--set', 'replica=2'])).toMatch(/Additional property replica is not allowed/);
  });
});
