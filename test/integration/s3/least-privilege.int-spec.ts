import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetBucketAclCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketAclCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../src/database/data-source';
import { UsersService } from '../../../src/iam/users.service';
import { TenantsService } from '../../../src/tenants/tenants.service';
import { createTestDatabase, startServer, TestServer, uniqueBucket } from '../../support/start-server';

const denied = { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } };
const names = async (c: S3Client) => ((await c.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name).sort();

describe('least privilege: a tenant user has exactly what policies, bucket policies and ACLs grant', () => {
  let server: TestServer;
  let users: UsersService;
  const clients: S3Client[] = [];
  const suffix = randomBytes(3).toString('hex');
  const clientFor = async (username: string): Promise<S3Client> => {
    const key = await users.createKey(username);
    const c = server.client({ credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretKey } });
    clients.push(c);
    return c;
  };
  let admin: S3Client; // tenant-admin of tenant A
  let carol: S3Client; // plain user of tenant A, no policy
  let dave: S3Client; // tenant-admin of tenant B
  let shared: string; // created by the tenant admin of A

  beforeAll(async () => {
    server = await startServer();
    users = server.app.app.get(UsersService);
    const tenants = server.app.app.get(TenantsService);
    await tenants.create(`lpa-${suffix}`);
    await tenants.create(`lpb-${suffix}`);
    await users.create({ username: `adm-${suffix}`, tenant: `lpa-${suffix}`, role: 'tenant-admin' });
    await users.create({ username: `carol-${suffix}`, tenant: `lpa-${suffix}`, role: 'user' });
    await users.create({ username: `dave-${suffix}`, tenant: `lpb-${suffix}`, role: 'tenant-admin' });
    admin = await clientFor(`adm-${suffix}`);
    carol = await clientFor(`carol-${suffix}`);
    dave = await clientFor(`dave-${suffix}`);
    shared = uniqueBucket('lp-shared');
    await admin.send(new CreateBucketCommand({ Bucket: shared }));
    await admin.send(new PutObjectCommand({ Bucket: shared, Key: 'a.txt', Body: 'tenant data' }));
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server?.close();
  });

  it('gives a user with no policy nothing in its tenant’s buckets', async () => {
    expect(await names(carol)).toEqual([]);
    await expect(carol.send(new GetObjectCommand({ Bucket: shared, Key: 'a.txt' }))).rejects.toMatchObject(denied);
    await expect(carol.send(new ListObjectsV2Command({ Bucket: shared }))).rejects.toMatchObject(denied);
    await expect(carol.send(new PutObjectCommand({ Bucket: shared, Key: 'c.txt', Body: 'x' }))).rejects.toMatchObject(denied);
    await expect(carol.send(new CreateBucketCommand({ Bucket: uniqueBucket('carol') }))).rejects.toMatchObject(denied);
    // The tenant admin's built-in policy still covers the whole tenant.
    expect(await names(admin)).toEqual([shared]);
  });

  it('lets the creator of a bucket do anything with it, and lists only owned buckets without s3:ListAllMyBuckets', async () => {
    await users.putPolicy(
      `carol-${suffix}`,
      'create-buckets',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:CreateBucket', Resource: '*' }] }),
    );
    const own = uniqueBucket('carol');
    await carol.send(new CreateBucketCommand({ Bucket: own }));
    await carol.send(new PutObjectCommand({ Bucket: own, Key: 'mine.txt', Body: 'mine' }));
    expect(await (await carol.send(new GetObjectCommand({ Bucket: own, Key: 'mine.txt' }))).Body!.transformToString()).toBe('mine');
    expect((await carol.send(new ListObjectsV2Command({ Bucket: own }))).Contents?.map((o) => o.Key)).toEqual(['mine.txt']);
    await carol.send(new PutBucketAclCommand({ Bucket: own, ACL: 'private' }));
    expect(await names(carol)).toEqual([own]);
    await expect(carol.send(new GetObjectCommand({ Bucket: shared, Key: 'a.txt' }))).rejects.toMatchObject(denied);
    // The tenant admin sees and reaches it too.
    expect(await names(admin)).toEqual([own, shared].sort());
    expect(await (await admin.send(new GetObjectCommand({ Bucket: own, Key: 'mine.txt' }))).Body!.transformToString()).toBe('mine');

    await users.putPolicy(
      `carol-${suffix}`,
      'list-all',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] }),
    );
    expect(await names(carol)).toEqual([own, shared].sort());
    // Seeing a bucket's name is not reading it.
    await expect(carol.send(new ListObjectsV2Command({ Bucket: shared }))).rejects.toMatchObject(denied);
    await users.deletePolicy(`carol-${suffix}`, 'list-all');
  });

  it('refuses ListBuckets when a policy explicitly denies s3:ListAllMyBuckets', async () => {
    await users.create({ username: `eve-${suffix}`, tenant: `lpa-${suffix}`, role: 'user' });
    await users.putPolicy(
      `eve-${suffix}`,
      'no-list',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:ListAllMyBuckets', Resource: '*' }] }),
    );
    const eve = await clientFor(`eve-${suffix}`);
    await expect(eve.send(new ListBucketsCommand({}))).rejects.toMatchObject(denied);
  });

  it('applies ACL grants naming a user of another tenant by canonical id', async () => {
    const daveId = (await users.get(`dave-${suffix}`)).id;
    await admin.send(new PutObjectCommand({ Bucket: shared, Key: 'for-dave.txt', Body: 'hello dave' }));
    await expect(dave.send(new GetObjectCommand({ Bucket: shared, Key: 'for-dave.txt' }))).rejects.toMatchObject(denied);
    await admin.send(new PutObjectAclCommand({ Bucket: shared, Key: 'for-dave.txt', GrantRead: `id="${daveId}"` }));
    const got = await dave.send(new GetObjectCommand({ Bucket: shared, Key: 'for-dave.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello dave');
    await expect(dave.send(new GetObjectCommand({ Bucket: shared, Key: 'a.txt' }))).rejects.toMatchObject(denied);
    await expect(dave.send(new ListObjectsV2Command({ Bucket: shared }))).rejects.toMatchObject(denied);
    // A bucket grant of READ lets dave list; still not write, and the bucket does not show in his ListBuckets.
    const adminId = (await users.get(`adm-${suffix}`)).id;
    await admin.send(new PutBucketAclCommand({ Bucket: shared, GrantFullControl: `id="${adminId}"`, GrantRead: `id="${daveId}"` }));
    expect((await dave.send(new ListObjectsV2Command({ Bucket: shared }))).Contents?.map((o) => o.Key)).toContain('a.txt');
    await expect(dave.send(new PutObjectCommand({ Bucket: shared, Key: 'dave.txt', Body: 'x' }))).rejects.toMatchObject(denied);
    expect(await names(dave)).not.toContain(shared);
    const acl = await admin.send(new GetBucketAclCommand({ Bucket: shared }));
    expect(acl.Grants?.map((g) => [g.Grantee?.ID, g.Permission])).toEqual(
      expect.arrayContaining([
        [adminId, 'FULL_CONTROL'],
        [daveId, 'READ'],
      ]),
    );
  });
});

describe('migration to least privilege (TenantFullAccess)', () => {
  it('attaches tenant-full-access to tenant users that had no policy, and to no one else', async () => {
    const suffix = randomBytes(3).toString('hex');
    // Own data dir and database, kept across the restart.
    const dataDir = mkdtempSync(join(tmpdir(), 'os3-mig-'));
    const pg = process.env.TEST_DATABASE_URL ? await createTestDatabase(process.env.TEST_DATABASE_URL) : undefined;
    const databaseUrl = pg?.url;
    let server = await startServer({ dataDir, databaseUrl });
    const clients: S3Client[] = [];
    try {
      let users = server.app.app.get(UsersService);
      await server.app.app.get(TenantsService).create(`mig-${suffix}`);
      await users.create({ username: `madm-${suffix}`, tenant: `mig-${suffix}`, role: 'tenant-admin' });
      await users.create({ username: `legacy-${suffix}`, tenant: `mig-${suffix}`, role: 'user' });
      await users.create({ username: `scoped-${suffix}`, tenant: `mig-${suffix}`, role: 'user' });
      const scoped = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
      await users.putPolicy(`scoped-${suffix}`, 'read', scoped);
      const adminKey = await users.createKey(`madm-${suffix}`);
      const legacyKey = await users.createKey(`legacy-${suffix}`);
      const bucket = uniqueBucket('mig');
      const a = server.client({ credentials: { accessKeyId: adminKey.accessKeyId, secretAccessKey: adminKey.secretKey } });
      await a.send(new CreateBucketCommand({ Bucket: bucket }));
      await a.send(new PutObjectCommand({ Bucket: bucket, Key: 'old.txt', Body: 'old' }));
      a.destroy();
      await server.close();

      // Back to a database from before the migration: the row gone, as it was then.
      const ds = new DataSource(dataSourceOptions({ databaseUrl, dataDir, fsync: false }));
      await ds.initialize();
      await ds.query(`DELETE FROM migrations WHERE name = 'TenantFullAccess1764200000000'`);
      await ds.destroy();

      server = await startServer({ dataDir, databaseUrl });
      users = server.app.app.get(UsersService);
      expect((await users.listPolicies(`legacy-${suffix}`)).map((p) => [p.name, JSON.parse(p.document)])).toEqual([
        [
          'tenant-full-access',
          { Version: '2012-10-17', Statement: [{ Sid: 'TenantFullAccess', Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
        ],
      ]);
      expect((await users.listPolicies(`scoped-${suffix}`)).map((p) => [p.name, p.document])).toEqual([['read', scoped]]);
      expect(await users.listPolicies(`madm-${suffix}`)).toEqual([]);
      expect(await users.listPolicies('root')).toEqual([]);

      // The legacy user keeps what it had: the tenant's buckets, read and write, and creating buckets.
      const legacy = server.client({ credentials: { accessKeyId: legacyKey.accessKeyId, secretAccessKey: legacyKey.secretKey } });
      clients.push(legacy);
      expect(await names(legacy)).toEqual([bucket]);
      expect(await (await legacy.send(new GetObjectCommand({ Bucket: bucket, Key: 'old.txt' }))).Body!.transformToString()).toBe('old');
      await legacy.send(new PutObjectCommand({ Bucket: bucket, Key: 'new.txt', Body: 'new' }));
      await legacy.send(new CreateBucketCommand({ Bucket: uniqueBucket('mig-legacy') }));
      // Detaching it is how an operator restricts the user.
      await users.deletePolicy(`legacy-${suffix}`, 'tenant-full-access');
      await expect(legacy.send(new GetObjectCommand({ Bucket: bucket, Key: 'old.txt' }))).rejects.toMatchObject(denied);
    } finally {
      clients.forEach((c) => c.destroy());
      await server.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
