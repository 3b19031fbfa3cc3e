import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY } from './start-server';

/** The built server; `npm test` builds it first (pretest). */
export const MAIN_JS = resolve(__dirname, '..', '..', 'dist', 'main.js');

/** A fixed MASTER_KEY for PostgreSQL runs (the same one start-server.ts uses). */
export const TEST_MASTER_KEY = '11'.repeat(32);

export interface ChildServerOptions {
  /** DATA_DIR; reuse it across restarts. */
  dataDir: string;
  /** DATABASE_URL (PostgreSQL); SQLite in dataDir when absent. MASTER_KEY defaults to TEST_MASTER_KEY then. */
  databaseUrl?: string;
  masterKey?: string;
  /** FSYNC; true (the production default) unless told otherwise. */
  fsync?: boolean;
  /** LOG_LEVEL; 'warn' by default. */
  logLevel?: string;
  /** More environment variables for the child (they win over the ones above). */
  env?: Record<string, string>;
  /** How long to wait for /ready; 30 s by default. */
  readyTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildServer {
  /** http://127.0.0.1:<port> of the S3 API. */
  endpoint: string;
  consoleUrl: string;
  pid: number;
  accessKey: string;
  secretKey: string;
  region: string;
  dataDir: string;
  /** An SDK v3 client for this server, path-style; pass { maxAttempts: 1 } when the server is about to die. */
  client(overrides?: Partial<S3ClientConfig>): S3Client;
  /** Sends `signal` and resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<ExitInfo>;
  /** Graceful stop: SIGTERM, then SIGKILL after `graceMs` (10 s). */
  stop(graceMs?: number): Promise<ExitInfo>;
  /** Resolves when the process exits, for whatever reason. */
  exited: Promise<ExitInfo>;
  /** What the child printed so far (stdout and stderr interleaved; the last 256 KiB). */
  output(): string;
}

const OUTPUT_LIMIT = 256 * 1024;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A port that was free a moment ago: listen on port 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts `node dist/main.js` as a child process on free ports with the given data dir and
 * database, fixed root keys (those of start-server.ts), and waits until GET /ready answers 200.
 * For restart and crash tests: kill it with kill('SIGKILL'), start again on the same dataDir.
 */
export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first`);
  let lastError: unknown;
  // A port picked by listening on 0 can be taken by someone else before the child binds it: retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      lastError = err;
      if (!(err instanceof PortInUseError)) throw err;
    }
  }
  throw lastError;
}

class PortInUseError extends Error {}

async function startOnce(options: ChildServerOptions): Promise<ChildServer> {
  const s3Port = await freePort();
  let consolePort = await freePort();
  while (consolePort === s3Port) consolePort = await freePort();
  const region = options.env?.REGION ?? 'us-east-1';
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    S3_PORT: String(s3Port),
    CONSOLE_PORT: String(consolePort),
    DATA_DIR: options.dataDir,
    ROOT_ACCESS_KEY,
    ROOT_SECRET_KEY,
    REGION: region,
    FSYNC: String(options.fsync ?? true),
    LOG_LEVEL: options.logLevel ?? 'warn',
    SHUTDOWN_TIMEOUT_SECONDS: '5',
    DISK_RESERVE_BYTES: '0',
  };
  if (options.databaseUrl) {
    env.DATABASE_URL = options.databaseUrl;
    env.MASTER_KEY = options.masterKey ?? TEST_MASTER_KEY;
  } else if (options.masterKey) {
    env.MASTER_KEY = options.masterKey;
  }
  Object.assign(env, options.env ?? {});

  const child = spawn(process.execPath, [MAIN_JS], { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: join(__dirname, '..', '..') });
  live.add(child);
  installExitHook();
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > OUTPUT_LIMIT) out = out.slice(out.length - OUTPUT_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(child);
      resolveExit(exitInfo);
    });
    child.once('error', (err) => {
      append(Buffer.from(`spawn error: ${err}\n`));
      exitInfo = { code: -1, signal: null };
      live.delete(child);
      resolveExit(exitInfo);
    });
  });

  const endpoint = `http://127.0.0.1:${s3Port}`;
  const consoleUrl = `http://127.0.0.1:${consolePort}`;

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitInfo> => {
    if (!exitInfo) child.kill(signal);
    return exited;
  };
  const stop = async (graceMs = 10_000): Promise<ExitInfo> => {
    if (exitInfo) return exitInfo;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exitInfo) {
      const msg = `server exited before it was ready (code ${exitInfo.code}, signal ${exitInfo.signal}):\n${out}`;
      throw /EADDRINUSE/.test(out) ? new PortInUseError(msg) : new Error(msg);
    }
    if (Date.now() > deadline) {
      await kill('SIGKILL');
      throw new Error(`server not ready after ${options.readyTimeoutMs ?? 30_000} ms:\n${out}`);
    }
    try {
      const res = await fetch(`${endpoint}/ready`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    endpoint,
    consoleUrl,
    pid: child.pid ?? -1,
    accessKey: ROOT_ACCESS_KEY,
    secretKey: ROOT_SECRET_KEY,
    region,
    dataDir: options.dataDir,
    client: (overrides = {}) =>
      new S3Client({
        endpoint,
        region,
        forcePathStyle: true,
        credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY },
        ...overrides,
      }),
    kill,
    stop,
    exited,
    output: () => out,
  };
}

/** Never leave a server behind when the test process ends (a failed test skips its cleanup). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}
