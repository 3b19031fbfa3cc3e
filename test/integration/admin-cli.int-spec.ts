import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startServer, TestServer, uniqueBucket } from '../support/start-server';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/cli/admin.js');

describe('admin CLI (npm run admin)', () => {
  let server: TestServer;
  const suffix = randomBytes(3).toString('hex');
  const env = () => ({
    ...process.env,
    DATA_DIR: server.dataDir,
    ...(server.databaseUrl ? { DATABASE_URL: server.databaseUrl, MASTER_KEY: '11'.repeat(32) } : {}),
    LOG_LEVEL: 'warn',
  });
  const admin = async (...args: string[]) => run('node', [CLI, ...args], { env: env() });
  const adminJson = async <T>(...args: string[]): Promise<T> => JSON.parse((await admin(...args, '--json')).stdout) as T;
  const clients: S3Client[] = [];
  const client = (accessKeyId: string, secretAccessKey: string) => {
    const c = server.client({ credentials: { accessKeyId, secretAccessKey } });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server?.close();
  });

  it('provisions a tenant, a user and a key that work inside that tenant only — while the server runs', async () => {
    const created = await admin('tenant', 'create', `acme-${suffix}`, '--max-buckets', '5');
    expect(created.stdout).toContain(`created tenant acme-${suffix}`);
    await admin('tenant', 'create', `other-${suffix}`);
    const user = await adminJson<{ username: string; arn: string; role: string }>(
      'user',
      'create',
      `dev-${suffix}`,
      '--tenant',
      `acme-${suffix}`,
    );
    expect(user).toMatchObject({ username: `dev-${suffix}`, role: 'user', arn: `arn:aws:iam::acme-${suffix}:user/dev-${suffix}` });
    const key = await adminJson<{ accessKeyId: string; secretKey: string }>('key', 'create', `dev-${suffix}`);
    expect(key.accessKeyId).toMatch(/^[A-Z0-9]{20}$/);
    expect(key.secretKey).toHaveLength(40);

    // A tenant user may do nothing until a policy says so; creating buckets is enough here (it owns what it creates).
    const canCreate = join(server.dataDir, 'create-buckets.json');
    writeFileSync(
      canCreate,
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:CreateBucket', Resource: '*' }] }),
    );
    await admin('policy', 'attach', `dev-${suffix}`, 'create-buckets', canCreate);
    const dev = client(key.accessKeyId, key.secretKey);
    const bucket = uniqueBucket('acme');
    await dev.send(new CreateBucketCommand({ Bucket: bucket }));
    await dev.send(new PutObjectCommand({ Bucket: bucket, Key: 'hello.txt', Body: 'hello from the CLI key' }));
    expect((await dev.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([bucket]);

    await adminJson('user', 'create', `eve-${suffix}`, '--tenant', `other-${suffix}`, '--role', 'tenant-admin');
    const eveKey = await adminJson<{ accessKeyId: string; secretKey: string }>('key', 'create', `eve-${suffix}`);
    const eve = client(eveKey.accessKeyId, eveKey.secretKey);
    await expect(eve.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }))).rejects.toMatchObject({ name: 'AccessDenied' });

    const keys = await adminJson<Array<{ accessKeyId: string; username: string; status: string }>>(
      'key',
      'list',
      '--user',
      `dev-${suffix}`,
    );
    expect(keys.map((k) => [k.accessKeyId, k.status])).toEqual([[key.accessKeyId, 'active']]);
    const tenants = await adminJson<Array<{ name: string; maxBuckets: number | null }>>('tenant', 'list');
    expect(tenants.find((t) => t.name === `acme-${suffix}`)?.maxBuckets).toBe(5);

    // Disabling the key from the CLI (another process) reaches the server within its 5 s key cache.
    await admin('key', 'disable', key.accessKeyId);
    const deadline = Date.now() + 8000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      try {
        await dev.send(new ListBucketsCommand({}));
        await new Promise((r) => setTimeout(r, 250));
      } catch (err) {
        expect(err).toMatchObject({ name: 'InvalidAccessKeyId' });
        refused = true;
      }
    }
    expect(refused).toBe(true);
  });

  it('imports a given key pair (migration from another S3 server) and attaches a policy', async () => {
    await admin('tenant', 'create', `mig-${suffix}`);
    await admin('user', 'create', `ro-${suffix}`, '--tenant', `mig-${suffix}`);
    const id = `MIGRATED${suffix.toUpperCase()}KEY`;
    await admin('key', 'create', `ro-${suffix}`, '--access-key', id, '--secret-key', 'migrated-secret-0123456789');
    const policyFile = join(server.dataDir, 'deny-put.json');
    writeFileSync(
      policyFile,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:CreateBucket'], Resource: '*' }],
      }),
    );
    const attached = await admin('policy', 'attach', `ro-${suffix}`, 'list-only', policyFile);
    expect(attached.stdout).toContain('attached policy list-only');
    const c = client(id, 'migrated-secret-0123456789');
    const bucket = uniqueBucket('mig');
    await c.send(new CreateBucketCommand({ Bucket: bucket }));
    // The policy allows no object writes, but the bucket's creator owns it and has full control of it.
    await c.send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'x' }));
    const list = await adminJson<Array<{ name: string }>>('policy', 'list', `ro-${suffix}`);
    expect(list.map((p) => p.name)).toEqual(['list-only']);
  });

  it('exits non-zero with a message on bad input', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['tenant', 'create', 'Bad Name!'], /Tenant names/],
      [['user', 'create', `x-${suffix}`, '--tenant', 'no-such-tenant'], /tenant no-such-tenant does not exist/],
      [['user', 'create', `y-${suffix}`, '--role', 'superuser'], /--role must be one of/],
      [['key', 'disable', 'NOSUCHKEY'], /does not exist/],
      [['frobnicate'], /unknown command/],
      [['tenant', 'create', `z-${suffix}`, '--max-bytes', 'lots'], /--max-bytes must be a whole number/],
    ];
    for (const [args, message] of cases) {
      const failed = await admin(...args).then(
        () => null,
        (err: { code: number; stderr: string }) => err,
      );
      expect(failed).not.toBeNull();
      expect(failed!.code).toBeGreaterThan(0);
      expect(failed!.stderr).toMatch(message);
    }
  });
});
