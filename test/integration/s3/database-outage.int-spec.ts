import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { DatabaseService } from '../../../src/database/database.service';
import { eventually } from '../../support/eventually';
import { rawRequest, RawResponse, xmlField } from '../../support/raw-request';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** While the metadata database is gone, S3 answers 503 ServiceUnavailable with Retry-After (SDKs retry it), never 500 or a client error. */
describe('database outage', () => {
  let server: TestServer;
  let s3: S3Client;
  const bucket = uniqueBucket('dbout');
  let admin: Client | undefined;
  let dbName = '';
  beforeAll(async () => {
    server = await startServer();
    s3 = server.client({ maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'kept' }));
    if (server.databaseUrl) {
      dbName = new URL(server.databaseUrl).pathname.slice(1);
      admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
    }
  });
  afterAll(async () => {
    s3?.destroy();
    if (admin) {
      await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await server?.close().catch(() => undefined);
  });

  const expectUnavailable = (res: RawResponse, head = false) => {
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    if (!head) expect(xmlField(res.body, 'Code')).toBe('ServiceUnavailable');
  };

  if (process.env.TEST_DATABASE_URL) {
    it('PostgreSQL: backends terminated while idle never turn a GET into a client error', async () => {
      await admin!.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
      const res = await rawRequest(server, { method: 'GET', path: `/${bucket}/k` });
      expect([200, 503]).toContain(res.status);
      if (res.status === 200) expect(res.body).toBe('kept');
      else expectUnavailable(res);
    });

    it('PostgreSQL: answers 503 while the database refuses connections, and recovers after', async () => {
      await admin!.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
      await admin!.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
      expectUnavailable(await rawRequest(server, { method: 'GET', path: `/${bucket}/k` }));
      expectUnavailable(await rawRequest(server, { method: 'HEAD', path: `/${bucket}/k` }), true);
      expectUnavailable(await rawRequest(server, { method: 'PUT', path: `/${bucket}/new`, body: 'new' }));
      expectUnavailable(await rawRequest(server, { method: 'DELETE', path: `/${bucket}/k` }));
      expectUnavailable(await rawRequest(server, { method: 'GET', path: `/${bucket}`, query: [['list-type', '2']] }));
      await admin!.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
      const back = await eventually(
        () => rawRequest(server, { method: 'GET', path: `/${bucket}/k` }),
        (r) => r.status === 200,
      );
      expect(back.body).toBe('kept');
    });
  } else {
    it('SQLite: answers 503 once the database file can no longer be used', async () => {
      // The one SQLite connection of the process goes away (what a vanished or unreadable file amounts to).
      const driver = server.app.app.get(DatabaseService).dataSource.driver as unknown as { databaseConnection: { close(): void } };
      driver.databaseConnection.close();
      expectUnavailable(await rawRequest(server, { method: 'GET', path: `/${bucket}/k` }));
      expectUnavailable(await rawRequest(server, { method: 'HEAD', path: `/${bucket}/k` }), true);
      expectUnavailable(await rawRequest(server, { method: 'PUT', path: `/${bucket}/new`, body: 'new' }));
      expectUnavailable(await rawRequest(server, { method: 'DELETE', path: `/${bucket}/k` }));
      expectUnavailable(await rawRequest(server, { method: 'GET', path: `/${bucket}`, query: [['list-type', '2']] }));
    });
  }
});
