import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { ChildServer, startChildServer } from '../../support/child-server';
import { eventually } from '../../support/eventually';
import { createTestDatabase } from '../../support/start-server';

/** On the built server: LOG_FORMAT=json lines with request ids, the *_FILE secrets, /ready following the data volume and the database. */
describe('the server in a pod', () => {
  let dataDir: string;
  let db: { url: string; drop: () => Promise<void> } | undefined;
  let server: ChildServer | undefined;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pod-'));
    if (process.env.TEST_DATABASE_URL) db = await createTestDatabase(process.env.TEST_DATABASE_URL);
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await db?.drop();
    db = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('LOG_FORMAT=json: every line on stdout is a JSON object, and a request logs with its x-amz-request-id', async () => {
    server = await startChildServer({ dataDir, databaseUrl: db?.url, logLevel: 'debug', env: { LOG_FORMAT: 'json' } });
    const bucket = `logs-${Date.now()}`;
    const client = server.client();
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'hello' }));
    const requestId = put.$metadata.requestId!;
    expect(requestId).toMatch(/^[0-9A-F]{16}$/);
    const err = await client
      .send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' }))
      .catch((e: { $metadata: { requestId: string } }) => e);
    const missingId = (err as { $metadata: { requestId: string } }).$metadata.requestId;

    const lines = () =>
      server!
        .output()
        .split('\n')
        .filter((l) => l.trim() !== '');
    await eventually(lines, (ls) => ls.some((l) => l.includes(missingId)));
    const parsed = lines().map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${l}`);
      }
    });
    for (const p of parsed) {
      expect(typeof p.time).toBe('string');
      expect(typeof p.level).toBe('string');
      expect(typeof p.msg).toBe('string');
    }
    expect(parsed.find((p) => p.requestId === requestId)).toMatchObject({ operation: 'PutObject', status: 200, method: 'PUT' });
    expect(parsed.find((p) => p.requestId === missingId)).toMatchObject({ operation: 'GetObject', status: 404 });
    // Boot lines carry no request id.
    expect(parsed.find((p) => String(p.msg).startsWith('S3 API:'))?.requestId).toBeUndefined();
  });

  it('reads the root keys, the master key and the database URL from *_FILE variables', async () => {
    const secrets = mkdtempSync(join(tmpdir(), 'secrets-'));
    try {
      const write = (name: string, value: string) => {
        writeFileSync(join(secrets, name), `${value}\n`, { mode: 0o400 });
        return join(secrets, name);
      };
      const env: Record<string, string> = {
        ROOT_ACCESS_KEY: '',
        ROOT_SECRET_KEY: '',
        ROOT_ACCESS_KEY_FILE: write('access-key', 'FILEROOTKEY'),
        ROOT_SECRET_KEY_FILE: write('secret-key', 'file-root-secret-0123456789'),
        MASTER_KEY_FILE: write('master-key', '22'.repeat(32)),
      };
      if (db) {
        const url = new URL(db.url);
        const password = decodeURIComponent(url.password);
        url.password = '';
        env.DATABASE_URL_FILE = write('database-url', url.toString());
        if (password) env.DATABASE_PASSWORD_FILE = write('database-password', password);
      }
      // No MASTER_KEY / DATABASE_URL in env: only the files.
      server = await startChildServer({ dataDir, env });
      const client = new S3Client({
        endpoint: server.endpoint,
        region: server.region,
        forcePathStyle: true,
        credentials: { accessKeyId: 'FILEROOTKEY', secretAccessKey: 'file-root-secret-0123456789' },
      });
      const bucket = `files-${Date.now()}`;
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'from files' }));
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
      expect(await got.Body!.transformToString()).toBe('from files');
      // The fixed test keys of the other suites are not the root's here.
      await expect(server.client().send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }))).rejects.toMatchObject({
        name: 'InvalidAccessKeyId',
      });
    } finally {
      rmSync(secrets, { recursive: true, force: true });
    }
  });

  it('/ready answers 503 while the data volume takes no writes, and 200 again once it does', async () => {
    server = await startChildServer({ dataDir, databaseUrl: db?.url });
    const ready = async () => {
      const res = await fetch(`${server!.endpoint}/ready`);
      return { status: res.status, body: await res.text() };
    };
    expect((await ready()).status).toBe(200);
    // The blob store's temp directory (where every write starts) becomes a plain file: writes fail.
    const tmp = join(dataDir, 'tmp');
    renameSync(tmp, `${tmp}.moved`);
    writeFileSync(tmp, 'not a directory');
    try {
      const broken = await ready();
      expect(broken.status).toBe(503);
      expect(JSON.parse(broken.body)).toMatchObject({ error: { storage: { status: 'down' } } });
      expect((await fetch(`${server.endpoint}/health`)).status).toBe(200);
    } finally {
      rmSync(tmp);
      renameSync(`${tmp}.moved`, tmp);
    }
    expect((await ready()).status).toBe(200);
  });

  (process.env.TEST_DATABASE_URL ? it : it.skip)(
    '/ready answers 503 while PostgreSQL refuses the server, and 200 again once it accepts',
    async () => {
      server = await startChildServer({ dataDir, databaseUrl: db!.url });
      const name = new URL(db!.url).pathname.slice(1);
      const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        const status = () => fetch(`${server!.endpoint}/ready`).then(async (r) => ({ status: r.status, body: await r.text() }));
        const down = await eventually(status, (r) => r.status === 503);
        expect(down.status).toBe(503);
        expect(JSON.parse(down.body)).toMatchObject({ error: { database: { status: 'down' } } });
        await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
        expect((await eventually(status, (r) => r.status === 200)).status).toBe(200);
      } finally {
        await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
        await admin.end();
      }
    },
  );
});
