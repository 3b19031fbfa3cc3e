import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../support/child-server';
import { eventually } from '../support/eventually';
import { ROOT } from './helm';

/**
 * No Docker engine runs here, so this test performs the Dockerfile's runtime stage for real: its
 * COPY steps into a clean folder (the built dist/ stands for the build stage's), its RUN steps
 * (`npm ci --omit=dev` …), then its CMD with its ENV (DATA_DIR and TMPDIR mapped to temp folders,
 * ports to free ones). The server must pass /ready and an S3 round trip with the root keys it
 * prints on first boot: the runtime needs no dev dependency and no other step.
 */

interface Stage {
  from: string;
  name?: string;
  steps: Array<{ op: string; args: string }>;
}

/** The Dockerfile as stages of (instruction, arguments), continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  const stages: Stage[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`unparsed Dockerfile line: ${line}`);
    const [, op, args] = m;
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args.trim())!;
      stages.push({ from: f[1], name: f[2], steps: [] });
    } else stages[stages.length - 1].steps.push({ op, args: args.replace(/\s+/g, ' ').trim() });
  }
  return stages;
}

function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of stage.steps.filter((x) => x.op === 'ENV')) for (const m of s.args.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[m[1]] = m[2];
  return env;
}

/** A RUN step in bash, without blocking the event loop (npm ci may compile better-sqlite3 when no prebuilt binary downloads). */
function runStep(command: string, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
    child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const runtime = dockerfile[dockerfile.length - 1];
const stepsOf = (op: string) => runtime.steps.filter((s) => s.op === op).map((s) => s.args);

describe('the Dockerfile', () => {
  it('has a build stage and a slim Node 20 runtime stage: non-root, /data volume, both ports, a health check', () => {
    expect(dockerfile.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(runtime.from).toBe('node:20-bookworm-slim');
    expect(stepsOf('USER')).toEqual(['1000:1000']);
    expect(stepsOf('VOLUME')).toEqual(['["/data"]']);
    expect(stepsOf('EXPOSE')).toEqual(['9000 9001']);
    expect(stepsOf('HEALTHCHECK')[0]).toMatch(/\/ready/);
    expect(envOf(runtime)).toMatchObject({ DATA_DIR: '/data', NODE_ENV: 'production', S3_PORT: '9000', CONSOLE_PORT: '9001' });
    // Production dependencies only, and the build stage's output: no sources, no dev tools.
    expect(stepsOf('RUN').find((r) => r.startsWith('npm ci'))).toMatch(/--omit=dev/);
    expect(stepsOf('COPY')).toEqual(['package.json package-lock.json ./', '--from=build /app/dist ./dist']);
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['node_modules', '.git', 'dist', 'data', '.cache']) expect(ignored).toContain(p);
  });
});

describe("the runtime stage's install steps, for real in a clean folder", () => {
  let app: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'image-app-'));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
    }
    rmSync(app, { recursive: true, force: true });
  });

  it('npm ci --omit=dev, then the CMD passes /ready and an S3 round trip', async () => {
    expect(existsSync(join(ROOT, 'dist', 'main.js'))).toBe(true);
    const data = join(app, 'data');
    const tmp = join(app, 'tmp');
    mkdirSync(tmp);
    const mapPaths = (s: string) =>
      s.replace(/(^|[\s="])\/(data|tmp)\b/g, (_m, pre: string, dir: string) => pre + (dir === 'data' ? data : tmp));

    for (const step of runtime.steps) {
      if (step.op === 'COPY') {
        const parts = step.args.split(' ');
        const fromBuild = parts[0] === '--from=build';
        const srcs = fromBuild ? parts.slice(1, -1).map((p) => p.replace(/^\/app\//, '')) : parts.slice(0, -1);
        const dest = join(app, parts[parts.length - 1]);
        for (const src of srcs)
          cpSync(join(ROOT, src), srcs.length > 1 || dest.endsWith('/') ? join(dest, src) : dest, { recursive: true });
      } else if (step.op === 'RUN') {
        // The machine's npm cache is shared: the image's `npm cache clean` (an image-size step) is not run here.
        // `npm ci` runs through test/support/install-runtime.sh (shared with test/docs/production-install.sh):
        // the image's own command, with better-sqlite3's native build taken from this checkout (same
        // version, same Node) rather than compiled again (600-1050 s of CI here without its prebuilt
        // download), and a check that no devDependency got installed.
        const command = mapPaths(step.args.replace(/\s*&&\s*npm cache clean --force/, ''));
        const install = /^npm ci\b/.test(command);
        const r = await runStep(install ? `bash ${join(ROOT, 'test', 'support', 'install-runtime.sh')} . '${command}'` : command, app);
        if (r.code !== 0) throw new Error(`RUN ${command} failed (${r.code}):\n${r.out}`);
      }
    }
    // Production dependencies only (install-runtime.sh failed the step otherwise).
    expect(existsSync(join(app, 'node_modules', '@nestjs', 'core'))).toBe(true);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);

    const s3Port = await freePort();
    let consolePort = await freePort();
    while (consolePort === s3Port) consolePort = await freePort();
    const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
    for (const [k, v] of Object.entries(envOf(runtime))) env[k] = mapPaths(v);
    Object.assign(env, { HOST: '127.0.0.1', S3_PORT: String(s3Port), CONSOLE_PORT: String(consolePort) });
    const cmd = JSON.parse(stepsOf('CMD')[0]) as string[];
    expect(cmd[0]).toBe('node');
    let out = '';
    child = spawn(process.execPath, cmd.slice(1), { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const endpoint = `http://127.0.0.1:${s3Port}`;
    const ready = await eventually(
      async () => {
        if (child!.exitCode !== null) return -1;
        try {
          const r = await fetch(`${endpoint}/ready`, { signal: AbortSignal.timeout(2000) });
          await r.arrayBuffer();
          return r.status;
        } catch {
          return 0;
        }
      },
      (s) => s === 200 || s === -1,
      { timeoutMs: 60_000 },
    );
    if (ready !== 200) throw new Error(`not ready (${ready}):\n${out}`);

    // The HEALTHCHECK as written passes.
    const hc = JSON.parse(stepsOf('HEALTHCHECK')[0].replace(/^.*?CMD\s+/, '')) as string[];
    expect(spawnSync(process.execPath, hc.slice(1), { env, encoding: 'utf8' }).status).toBe(0);

    // First boot without keys: the root keys are generated and printed once (JSON log lines).
    const msgs = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    const accessKeyId = /AWS_ACCESS_KEY_ID=(\S+)/.exec(msgs.join('\n'))?.[1];
    const secretAccessKey = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(msgs.join('\n'))?.[1];
    expect(accessKeyId && secretAccessKey).toBeTruthy();
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey! },
    });
    await client.send(new CreateBucketCommand({ Bucket: 'image-test' }));
    await client.send(new PutObjectCommand({ Bucket: 'image-test', Key: 'k', Body: 'installed with --omit=dev' }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'image-test', Key: 'k' }));
    expect(await got.Body!.transformToString()).toBe('installed with --omit=dev');
    // Everything the server wrote is under DATA_DIR (the image's only volume beside /tmp).
    expect(existsSync(join(data, 'metadata.sqlite'))).toBe(true);

    child.kill('SIGTERM');
    expect(await new Promise((r) => child!.once('exit', (code) => r(code)))).toBe(0);
  }, 1_500_000);
});
