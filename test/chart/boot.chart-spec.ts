import { ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetBucketVersioningCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../support/child-server';
import { eventually } from '../support/eventually';
import { createTestDatabase } from '../support/start-server';
import { find, K8sObject, NAMESPACE, render, ROOT, VALUE_SETS } from './helm';

/**
 * "The manifest boots": the rendered StatefulSet's container command and env are run on this
 * machine as they are, with only what a node would provide mapped: volume mount paths to temp
 * folders (the Secret's items written as the projected files), container ports to free ports,
 * the pod's fieldRefs to its name and namespace, and, for the PostgreSQL values set, the
 * database host to the test PostgreSQL. Then the readiness probe passes and an S3 round trip works.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Booted {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  probeUrl: (probe: Json) => string;
  s3Url: string;
  /** The temp folder holding the mapped volumes. */
  root: string;
}

/** Expands $(VAR) references as the kubelet does (unknown references stay as written). */
const expand = (value: string, env: Record<string, string>) =>
  value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => env[n] ?? m);

/**
 * Each volume mount of `c` becomes a folder under `root`: projected Secrets and ConfigMaps become
 * their files (Secrets from `secretFiles`, ConfigMaps from the rendered objects). Returns the
 * function mapping a path in the container to the path here.
 */
function materialize(
  objects: K8sObject[],
  pod: Json,
  c: Json,
  root: string,
  secretFiles: Record<string, Record<string, string>>,
  claimTemplates: Json[] = [],
): (path: string) => string {
  const mountMap: Array<[string, string]> = [];
  for (const m of c.volumeMounts) {
    const dir = join(root, m.name);
    mkdirSync(dir, { recursive: true });
    const volume = pod.volumes.find((v: Json) => v.name === m.name) ?? claimTemplates.find((t: Json) => t.metadata.name === m.name);
    if (!volume) throw new Error(`volume ${m.name} is mounted but not declared`);
    for (const source of volume.projected?.sources ?? []) {
      const data = secretFiles[source.secret.name];
      if (!data) throw new Error(`the test has no content for Secret ${source.secret.name}`);
      for (const item of source.secret.items) {
        if (data[item.key] === undefined) throw new Error(`Secret ${source.secret.name} has no key ${item.key}`);
        writeFileSync(join(dir, item.path), data[item.key], { mode: 0o440 });
      }
    }
    if (volume.configMap) {
      const cm = find<Json>(objects, 'ConfigMap', volume.configMap.name);
      for (const [k, v] of Object.entries(cm.data as Record<string, string>)) writeFileSync(join(dir, k), v);
    }
    mountMap.push([m.mountPath, dir]);
  }
  return (v: string) => {
    for (const [from, to] of mountMap) if (v === from || v.startsWith(`${from}/`)) return to + v.slice(from.length);
    return v;
  };
}

/** Runs the rendered provisioning Job's container as it is (mounts mapped, the console Service's URL mapped to `consoleUrl`). */
async function runJob(
  objects: K8sObject[],
  secretFiles: Record<string, Record<string, string>>,
  consoleUrl: string,
): Promise<{ code: number | null; out: string }> {
  const job = find<Json>(objects, 'Job');
  const pod = job.spec.template.spec;
  const c = pod.containers[0];
  const root = mkdtempSync(join(tmpdir(), 'chart-job-'));
  try {
    const mapPath = materialize(objects, pod, c, root, secretFiles);
    const svc = find<Json>(objects, 'Service', 'objectstore');
    const consolePort = svc.spec.ports.find((p: Json) => p.name === 'console').port;
    const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
    for (const e of c.env) env[e.name] = mapPath(expand(String(e.value), env));
    expect(env.CONSOLE_URL).toBe(`http://objectstore:${consolePort}`);
    env.CONSOLE_URL = consoleUrl;
    const [cmd, ...args] = c.command;
    expect(cmd).toBe('node');
    const child = spawn(process.execPath, args.map(mapPath), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (x) => resolve(x)));
    return { code, out };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function boot(
  objects: K8sObject[],
  secretFiles: Record<string, Record<string, string>>,
  mapEnv: (env: Record<string, string>) => void,
): Promise<Booted> {
  const sts = find<Json>(objects, 'StatefulSet');
  const pod = sts.spec.template.spec;
  const c = pod.containers[0];
  const root = mkdtempSync(join(tmpdir(), 'chart-boot-'));
  const podName = `${sts.metadata.name}-0`;

  const mapPath = materialize(objects, pod, c, root, secretFiles, sts.spec.volumeClaimTemplates ?? []);

  // Ports: each containerPort to a free port here.
  const portMap = new Map<number, number>();
  for (const p of c.ports) portMap.set(p.containerPort, await freePort());

  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const e of c.env) {
    if (e.value !== undefined) env[e.name] = mapPath(expand(String(e.value), env));
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = podName;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = NAMESPACE;
    else throw new Error(`env ${e.name}: the test does not know how to resolve ${JSON.stringify(e.valueFrom)}`);
  }
  for (const [name, value] of Object.entries(env)) {
    if (/^\d+$/.test(value) && portMap.has(Number(value)) && /PORT$/.test(name)) env[name] = String(portMap.get(Number(value)));
  }
  // Bind where this machine's tests bind (the pod binds all interfaces of its own network namespace).
  if (env.HOST === '0.0.0.0') env.HOST = '127.0.0.1';
  mapEnv(env);

  // The command as rendered; `node` is this Node, the working directory the image's /app (this checkout).
  const [cmd, ...args] = c.command;
  expect(cmd).toBe('node');
  expect(c.workingDir).toBe('/app');
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const portOf = (name: string) => portMap.get(c.ports.find((p: Json) => p.name === name || p.containerPort === name).containerPort)!;
  const probeUrl = (probe: Json) => `http://127.0.0.1:${portOf(probe.httpGet.port)}${probe.httpGet.path}`;
  return { child, output: () => out, exited, probeUrl, s3Url: `http://127.0.0.1:${portOf('s3')}`, root };
}

async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function roundTrip(b: Booted, accessKeyId: string, secretAccessKey: string): Promise<void> {
  const client = new S3Client({
    endpoint: b.s3Url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
  const bucket = `boot-${Date.now()}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'hello.txt', Body: 'booted from the manifest' }));
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }));
  expect(await got.Body!.transformToString()).toBe('booted from the manifest');
}

const decode = (data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));

describe('the rendered StatefulSet boots', () => {
  let booted: Booted | undefined;
  afterEach(async () => {
    if (booted && booted.child.exitCode === null) {
      booted.child.kill('SIGKILL');
      await booted.exited;
    }
    if (booted) rmSync(booted.root, { recursive: true, force: true });
    booted = undefined;
  });

  it("default values: the generated Secret's keys, SQLite on the data volume; ready, S3 round trip, clean SIGTERM", async () => {
    const objects = render([]);
    const secret = find<Json>(objects, 'Secret');
    const creds = decode(secret.data);
    booted = await boot(objects, { [secret.metadata.name]: creds }, () => undefined);
    const c = find<Json>(objects, 'StatefulSet').spec.template.spec.containers[0];
    const b = booted;
    expect(
      await eventually(
        () => status(b.probeUrl(c.readinessProbe)),
        (s) => s === 200,
        { timeoutMs: 60_000 },
      ),
    ).toBe(200);
    expect(await status(b.probeUrl(c.startupProbe))).toBe(200);
    expect(await status(b.probeUrl(c.livenessProbe))).toBe(200);
    await roundTrip(b, creds['root-access-key'], creds['root-secret-key']);
    // LOG_FORMAT=json as rendered: stdout is JSON lines.
    const firstLine = b
      .output()
      .split('\n')
      .find((l) => l.trim() !== '');
    expect(JSON.parse(firstLine!)).toMatchObject({ level: expect.any(String), msg: expect.any(String) });
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  });

  it("existingSecret values: the keys of the user's Secret (custom key names) become the root's keys", async () => {
    const objects = render(VALUE_SETS['existing-secret']);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const mine = { 'access-key': 'MYROOTKEY', 'secret-key': 'my-own-root-secret-123', 'master-key': '33'.repeat(32) };
    booted = await boot(objects, { 'my-objectstore-keys': mine }, () => undefined);
    const c = find<Json>(objects, 'StatefulSet').spec.template.spec.containers[0];
    const b = booted;
    expect(
      await eventually(
        () => status(b.probeUrl(c.readinessProbe)),
        (s) => s === 200,
        { timeoutMs: 60_000 },
      ),
    ).toBe(200);
    await roundTrip(b, 'MYROOTKEY', 'my-own-root-secret-123');

    // The provisioning Job of these values, run twice (post-install, then post-upgrade): same outcome.
    const secrets = { 'my-objectstore-keys': mine, 'app-login': { password: 'app-password-123' } };
    const consoleUrl = b.probeUrl({ httpGet: { port: 'console', path: '' } });
    const first = await runJob(objects, secrets, consoleUrl);
    expect({ code: first.code, out: first.out }).toMatchObject({ code: 0, out: expect.stringContaining('provisioning done') });
    expect(first.out).toMatch(/bucket backups created/);
    const again = await runJob(objects, secrets, consoleUrl);
    expect({ code: again.code, out: again.out }).toMatchObject({
      code: 0,
      out: expect.stringMatching(/bucket backups exists[\s\S]*user app exists/),
    });

    const root = new S3Client({
      endpoint: b.s3Url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'MYROOTKEY', secretAccessKey: 'my-own-root-secret-123' },
    });
    expect((await root.send(new GetBucketVersioningCommand({ Bucket: 'backups' }))).Status).toBe('Enabled');
    expect((await root.send(new GetBucketVersioningCommand({ Bucket: 'media' }))).Status).toBeUndefined();
    // The user logs in with the password from its Secret and holds the policy.
    const login = await fetch(`${consoleUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'app', password: 'app-password-123' }),
    });
    expect(login.status).toBe(200);
    const session = (await login.json()) as Json;
    const token = session.data?.token ?? session.token;
    const policy = await fetch(`${consoleUrl}/api/v1/users/app/policies/backups-rw`, { headers: { authorization: `Bearer ${token}` } });
    expect(policy.status).toBe(200);
    expect(JSON.stringify(await policy.json())).toContain('arn:aws:s3:::backups/*');
  });

  const pgBase = process.env.TEST_DATABASE_URL ?? process.env.PG_URL;
  (pgBase ? it : it.skip)(
    'cluster values (PostgreSQL): the database Secret as a file, DATABASE_URL pointed at the test PostgreSQL; one node in cluster mode',
    async () => {
      const db = await createTestDatabase(pgBase!);
      try {
        const objects = render(VALUE_SETS.cluster);
        const secret = find<Json>(objects, 'Secret');
        const creds = decode(secret.data);
        const testDb = new URL(db.url);
        booted = await boot(
          objects,
          { [secret.metadata.name]: creds, 'objectstore-pg': { password: decodeURIComponent(testDb.password) } },
          (env) => {
            // Network mapping only: the rendered URL's user, database name and password-less form stay; host, port
            // and database point at the test server (which speaks no TLS here).
            const rendered = new URL(env.DATABASE_URL);
            expect(rendered.password).toBe('');
            expect(rendered.searchParams.get('sslmode')).toBe('require');
            rendered.host = testDb.host;
            rendered.pathname = testDb.pathname;
            rendered.username = testDb.username;
            rendered.searchParams.set('sslmode', 'disable');
            env.DATABASE_URL = rendered.toString();
            if (testDb.password === '') delete env.DATABASE_PASSWORD_FILE;
            // The pod's DNS name through the headless Service, as rendered; mapped to this machine like the port.
            expect(env.CLUSTER_ENABLED).toBe('true');
            expect(env.NODE_ENDPOINT).toBe(`http://objectstore-0.objectstore-headless.${NAMESPACE}.svc.cluster.local:9000`);
            env.NODE_ENDPOINT = `http://127.0.0.1:${env.S3_PORT}`;
          },
        );
        const c = find<Json>(objects, 'StatefulSet').spec.template.spec.containers[0];
        const b = booted;
        expect(
          await eventually(
            () => status(b.probeUrl(c.readinessProbe)),
            (s) => s === 200,
            { timeoutMs: 60_000 },
          ),
        ).toBe(200);
        await roundTrip(b, creds['root-access-key'], creds['root-secret-key']);

        // Cluster mode is on, with the pod's identity and the secret read from the mounted file.
        const consoleUrl = b.probeUrl({ httpGet: { port: 'console', path: '' } });
        const login = await fetch(`${consoleUrl}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: creds['root-access-key'], password: creds['root-secret-key'] }),
        });
        expect(login.status).toBe(200);
        const session = (await login.json()) as Json;
        const auth = { authorization: `Bearer ${session.data?.token ?? session.token}` };
        const res = await fetch(`${consoleUrl}/api/v1/cluster/config`, { headers: auth });
        expect(res.status).toBe(200);
        const body = (await res.json()) as Json;
        expect(body.data ?? body).toMatchObject({
          is_cluster_enabled: true,
          node_id: 'objectstore-0',
          node_name: 'objectstore-0',
          endpoint: b.s3Url,
          heartbeat_interval_seconds: 2,
          node_timeout_seconds: 10,
          cluster_id: createHmac('sha256', creds['cluster-secret']).update('cluster-id').digest('hex').slice(0, 16),
        });
        b.child.kill('SIGTERM');
        expect(await b.exited).toBe(0);
      } finally {
        await db.drop();
      }
    },
  );
});
