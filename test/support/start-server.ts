import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { createApp, RunningApp } from '../../src/app.factory';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { AppLogger } from '../../src/common/app-logger';
import type { Clock } from '../../src/common/clock';

export const ROOT_ACCESS_KEY = 'TESTROOTACCESSKEY001';
export const ROOT_SECRET_KEY = 'testRootSecretKey/0123456789abcdefghijklm';

export interface TestServer {
  endpoint: string;
  consoleUrl: string;
  accessKey: string;
  secretKey: string;
  region: string;
  dataDir: string;
  /** The PostgreSQL database of this server, when TEST_DATABASE_URL is set. */
  databaseUrl?: string;
  config: AppConfig;
  app: RunningApp;
  /** An SDK v3 client with default settings (checksum trailers included), path-style. */
  client(overrides?: Partial<S3ClientConfig>): S3Client;
  close(): Promise<void>;
}

export interface StartOptions {
  config?: Partial<AppConfig>;
  clock?: Clock;
  /** Reuse a data directory (restart tests); a fresh temp dir otherwise. */
  dataDir?: string;
  /** Use this database URL as is (restart tests); else TEST_DATABASE_URL gets a fresh database. */
  databaseUrl?: string;
}

/**
 * Starts the real server (the same createApp() as main.ts) on random ports with a temp data
 * dir. SQLite by default; with TEST_DATABASE_URL set, a fresh PostgreSQL database per server.
 */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'os3-test-'));
  let databaseUrl = options.databaseUrl;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (!databaseUrl && process.env.TEST_DATABASE_URL) {
    const created = await createTestDatabase(process.env.TEST_DATABASE_URL);
    databaseUrl = created.url;
    dropDatabase = created.drop;
  }
  const config = loadConfig(
    {
      S3_PORT: '0',
      CONSOLE_PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      MASTER_KEY: databaseUrl ? '11'.repeat(32) : undefined,
      ROOT_ACCESS_KEY,
      ROOT_SECRET_KEY,
      LOG_LEVEL: 'error',
      FSYNC: 'false',
      SHUTDOWN_TIMEOUT_SECONDS: '5',
      // No 64 MiB ballast file per test server (disk-full.int-spec.ts sets its own).
      DISK_RESERVE_BYTES: '0',
    },
    options.config,
  );
  const app = await createApp(config, { clock: options.clock, logger: new AppLogger('error') });
  const server: TestServer = {
    endpoint: app.s3Url,
    consoleUrl: app.consoleUrl,
    accessKey: ROOT_ACCESS_KEY,
    secretKey: ROOT_SECRET_KEY,
    region: config.region,
    dataDir,
    databaseUrl,
    config,
    app,
    client: (overrides = {}) =>
      new S3Client({
        endpoint: app.s3Url,
        region: config.region,
        forcePathStyle: true,
        credentials: { accessKeyId: ROOT_ACCESS_KEY, secretAccessKey: ROOT_SECRET_KEY },
        ...overrides,
      }),
    close: async () => {
      await app.close();
      if (dropDatabase) await dropDatabase();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** A fresh, uniquely named database on the server of `baseUrl`; dropped by drop(). */
export async function createTestDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `os3_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Unique, valid bucket names per test (isolation by naming, not truncation). */
export function uniqueBucket(prefix = 'test'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
