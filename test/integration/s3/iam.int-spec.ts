import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketAclCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketAclCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AuditService } from '../../../src/audit/audit.service';
import { UsersService } from '../../../src/iam/users.service';
import { TenantsService } from '../../../src/tenants/tenants.service';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

describe('tenants, users, policies and ACLs', () => {
  let server: TestServer;
  let users: UsersService;
  let tenants: TenantsService;
  const clients: S3Client[] = [];
  const suffix = randomBytes(3).toString('hex');

  const clientFor = async (username: string): Promise<S3Client> => {
    const key = await users.createKey(username);
    const c = server.client({ credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretKey } });
    clients.push(c);
    return c;
  };

  let alice: S3Client; // tenant-admin of tenant A
  let ann: S3Client; // user of tenant A
  let bob: S3Client; // tenant-admin of tenant B
  let aBucket: string;

  beforeAll(async () => {
    server = await startServer();
    users = server.app.app.get(UsersService);
    tenants = server.app.app.get(TenantsService);
    await tenants.create(`ta-${suffix}`);
    await tenants.create(`tb-${suffix}`);
    await users.create({ username: `alice-${suffix}`, tenant: `ta-${suffix}`, role: 'tenant-admin' });
    await users.create({ username: `ann-${suffix}`, tenant: `ta-${suffix}`, role: 'user' });
    await users.create({ username: `bob-${suffix}`, tenant: `tb-${suffix}`, role: 'tenant-admin' });
    alice = await clientFor(`alice-${suffix}`);
    ann = await clientFor(`ann-${suffix}`);
    bob = await clientFor(`bob-${suffix}`);
    aBucket = uniqueBucket('tenant-a');
    await alice.send(new CreateBucketCommand({ Bucket: aBucket }));
    await alice.send(new PutObjectCommand({ Bucket: aBucket, Key: 'docs/a.txt', Body: 'from alice' }));
  });
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await server?.close();
  });

  const denied = { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } };

  it('keeps a tenant out of another tenant’s buckets', async () => {
    const bBucket = uniqueBucket('tenant-b');
    await bob.send(new CreateBucketCommand({ Bucket: bBucket }));
    const bobList = await bob.send(new ListBucketsCommand({}));
    expect(bobList.Buckets?.map((b) => b.Name)).toEqual([bBucket]);
    const aliceList = await alice.send(new ListBucketsCommand({}));
    expect(aliceList.Buckets?.map((b) => b.Name)).toContain(aBucket);
    expect(aliceList.Buckets?.map((b) => b.Name)).not.toContain(bBucket);

    await expect(bob.send(new ListObjectsV2Command({ Bucket: aBucket }))).rejects.toMatchObject(denied);
    await expect(bob.send(new GetObjectCommand({ Bucket: aBucket, Key: 'docs/a.txt' }))).rejects.toMatchObject(denied);
    await expect(bob.send(new PutObjectCommand({ Bucket: aBucket, Key: 'intruder', Body: 'x' }))).rejects.toMatchObject(denied);
    await expect(bob.send(new DeleteObjectCommand({ Bucket: aBucket, Key: 'docs/a.txt' }))).rejects.toMatchObject(denied);
    await expect(bob.send(new HeadBucketCommand({ Bucket: aBucket }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    // The object is still there, untouched.
    const got = await alice.send(new GetObjectCommand({ Bucket: aBucket, Key: 'docs/a.txt' }));
    expect(await got.Body!.transformToString()).toBe('from alice');
    // Root (global admin) sees everything.
    const root = server.client();
    const all = await root.send(new ListBucketsCommand({}));
    expect(all.Buckets?.map((b) => b.Name)).toEqual(expect.arrayContaining([aBucket, bBucket]));
    root.destroy();
  });

  it('lets a read-only policy GET and denies PUT', async () => {
    const readOnly = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${aBucket}`, `arn:aws:s3:::${aBucket}/*`] },
      ],
    });
    await users.putPolicy(`ann-${suffix}`, 'read-only', readOnly);
    const got = await ann.send(new GetObjectCommand({ Bucket: aBucket, Key: 'docs/a.txt' }));
    expect(await got.Body!.transformToString()).toBe('from alice');
    expect((await ann.send(new ListObjectsV2Command({ Bucket: aBucket }))).KeyCount).toBeGreaterThan(0);
    await expect(ann.send(new PutObjectCommand({ Bucket: aBucket, Key: 'ann.txt', Body: 'x' }))).rejects.toMatchObject(denied);
    await expect(ann.send(new DeleteObjectCommand({ Bucket: aBucket, Key: 'docs/a.txt' }))).rejects.toMatchObject(denied);
    await expect(ann.send(new CreateBucketCommand({ Bucket: uniqueBucket('ann') }))).rejects.toMatchObject(denied);
  });

  it('lets an explicit deny on a prefix win over an allow', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: [`arn:aws:s3:::${aBucket}`, `arn:aws:s3:::${aBucket}/*`] },
        { Effect: 'Deny', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::${aBucket}/private/*` },
      ],
    });
    await users.putPolicy(`ann-${suffix}`, 'read-only', policy);
    await ann.send(new PutObjectCommand({ Bucket: aBucket, Key: 'public/ok.txt', Body: 'ok' }));
    await expect(ann.send(new PutObjectCommand({ Bucket: aBucket, Key: 'private/no.txt', Body: 'no' }))).rejects.toMatchObject(denied);
    // The same deny applies per key inside DeleteObjects.
    await alice.send(new PutObjectCommand({ Bucket: aBucket, Key: 'private/keep.txt', Body: 'keep' }));
    const res = await ann.send(
      new DeleteObjectsCommand({ Bucket: aBucket, Delete: { Objects: [{ Key: 'private/keep.txt' }, { Key: 'public/ok.txt' }] } }),
    );
    expect(res.Errors?.map((e) => [e.Key, e.Code])).toEqual([['private/keep.txt', 'AccessDenied']]);
    expect(res.Deleted?.map((d) => d.Key)).toEqual(['public/ok.txt']);
    const kept = await alice.send(new GetObjectCommand({ Bucket: aBucket, Key: 'private/keep.txt' }));
    expect(await kept.Body!.transformToString()).toBe('keep');
  });

  it('serves a public-read bucket policy to unsigned requests, and nothing else', async () => {
    const bucket = uniqueBucket('public');
    await alice.send(new CreateBucketCommand({ Bucket: bucket }));
    await alice.send(new PutObjectCommand({ Bucket: bucket, Key: 'index.html', Body: '<h1>hi</h1>', ContentType: 'text/html' }));
    expect((await fetch(`${server.endpoint}/${bucket}/index.html`)).status).toBe(403);
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
    };
    await alice.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    const got = await fetch(`${server.endpoint}/${bucket}/index.html`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('<h1>hi</h1>');
    expect((await fetch(`${server.endpoint}/${bucket}/index.html`, { method: 'PUT', body: 'defaced' })).status).toBe(403);
    expect((await fetch(`${server.endpoint}/${bucket}?list-type=2`)).status).toBe(403);
    expect((await fetch(`${server.endpoint}/${bucket}/index.html`, { method: 'DELETE' })).status).toBe(403);
    expect((await fetch(`${server.endpoint}/`)).status).toBe(403);

    const stored = await alice.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    expect(JSON.parse(stored.Policy!)).toEqual(policy);
    expect((await alice.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).PolicyStatus?.IsPublic).toBe(true);
    await alice.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    expect((await fetch(`${server.endpoint}/${bucket}/index.html`)).status).toBe(403);
    await expect(alice.send(new GetBucketPolicyCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'NoSuchBucketPolicy' });
  });

  it('refuses a malformed bucket policy with a useful message', async () => {
    const bad = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other-bucket/*' }],
    });
    await expect(alice.send(new PutBucketPolicyCommand({ Bucket: aBucket, Policy: bad }))).rejects.toMatchObject({
      name: 'MalformedPolicy',
      $metadata: { httpStatusCode: 400 },
      message: expect.stringMatching(/resource/i),
    });
    await expect(alice.send(new PutBucketPolicyCommand({ Bucket: aBucket, Policy: '{not json' }))).rejects.toMatchObject({
      name: 'MalformedPolicy',
    });
  });

  it('grants anonymous reads through a public-read object ACL, and bucket ACLs through grants', async () => {
    await alice.send(new PutObjectCommand({ Bucket: aBucket, Key: 'acl/open.txt', Body: 'open' }));
    expect((await fetch(`${server.endpoint}/${aBucket}/acl/open.txt`)).status).toBe(403);
    await alice.send(new PutObjectAclCommand({ Bucket: aBucket, Key: 'acl/open.txt', ACL: 'public-read' }));
    const anon = await fetch(`${server.endpoint}/${aBucket}/acl/open.txt`);
    expect(anon.status).toBe(200);
    expect(await anon.text()).toBe('open');
    const acl = await alice.send(new GetObjectAclCommand({ Bucket: aBucket, Key: 'acl/open.txt' }));
    expect(acl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.URI ?? g.Grantee?.DisplayName, g.Permission])).toEqual([
      ['CanonicalUser', `alice-${suffix}`, 'FULL_CONTROL'],
      ['Group', 'http://acs.amazonaws.com/groups/global/AllUsers', 'READ'],
    ]);
    // A public-read bucket ACL lets anyone list.
    await alice.send(new PutBucketAclCommand({ Bucket: aBucket, ACL: 'public-read' }));
    expect((await fetch(`${server.endpoint}/${aBucket}?list-type=2`)).status).toBe(200);
    const bucketAcl = await alice.send(new GetBucketAclCommand({ Bucket: aBucket }));
    expect(bucketAcl.Owner?.DisplayName).toBe(`alice-${suffix}`);
    await alice.send(new PutBucketAclCommand({ Bucket: aBucket, ACL: 'private' }));
    expect((await fetch(`${server.endpoint}/${aBucket}?list-type=2`)).status).toBe(403);
  });

  it('refuses a deactivated key on its next request, and a deactivated user', async () => {
    await users.create({ username: `temp-${suffix}`, tenant: `ta-${suffix}`, role: 'tenant-admin' });
    const key = await users.createKey(`temp-${suffix}`);
    const c = server.client({ credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretKey } });
    clients.push(c);
    await c.send(new ListBucketsCommand({}));
    await users.setKeyStatus(key.accessKeyId, 'inactive');
    await expect(c.send(new ListBucketsCommand({}))).rejects.toMatchObject({
      name: 'InvalidAccessKeyId',
      $metadata: { httpStatusCode: 403 },
    });
    await users.setKeyStatus(key.accessKeyId, 'active');
    await c.send(new ListBucketsCommand({}));
    await users.setStatus(`temp-${suffix}`, 'inactive');
    await expect(c.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    await users.delete(`temp-${suffix}`);
    await expect(c.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
  });

  it('enforces the bucket quota of a tenant', async () => {
    await tenants.create(`tq-${suffix}`, { maxBuckets: 1 });
    await users.create({ username: `quota-${suffix}`, tenant: `tq-${suffix}`, role: 'tenant-admin' });
    const q = await clientFor(`quota-${suffix}`);
    await q.send(new CreateBucketCommand({ Bucket: uniqueBucket('q') }));
    await expect(q.send(new CreateBucketCommand({ Bucket: uniqueBucket('q') }))).rejects.toMatchObject({
      name: 'QuotaExceeded',
      $metadata: { httpStatusCode: 403 },
    });
  });
  it('enforces a byte quota exactly under 16 concurrent uploads', async () => {
    const t = await tenants.create(`tbytes-${suffix}`, { maxBytes: 100_000 });
    await users.create({ username: `bytes-${suffix}`, tenant: t.name, role: 'tenant-admin' });
    const c = await clientFor(`bytes-${suffix}`);
    const bucket = uniqueBucket('bytes');
    await c.send(new CreateBucketCommand({ Bucket: bucket }));
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) => c.send(new PutObjectCommand({ Bucket: bucket, Key: `obj-${i}`, Body: randomBytes(10_000) }))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toBe(10);
    expect(refused).toHaveLength(6);
    for (const r of refused)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ name: 'QuotaExceeded', $metadata: { httpStatusCode: 403 } });
    expect((await tenants.get(t.id)).usedBytes).toBe(100_000);
    expect((await c.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(10);
    // Deleting frees room to the byte; overwriting counts only the difference.
    const first = results.findIndex((r) => r.status === 'fulfilled');
    await c.send(new DeleteObjectCommand({ Bucket: bucket, Key: `obj-${first}` }));
    await expect(c.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: randomBytes(10_001) }))).rejects.toMatchObject({
      name: 'QuotaExceeded',
    });
    await c.send(new PutObjectCommand({ Bucket: bucket, Key: 'exact', Body: randomBytes(10_000) }));
    expect((await tenants.get(t.id)).usedBytes).toBe(100_000);
    const recalculated = await tenants.recalculate(t.id);
    expect([recalculated.usedBytes, recalculated.usedObjects]).toEqual([100_000, 10]);
  });
  it('acts on presigned URLs with the permissions of the signing key, and honours s3:ExistingObjectTag', async () => {
    const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
    await users.create({ username: `signer-${suffix}`, tenant: `ta-${suffix}`, role: 'user' });
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${aBucket}/*` },
        {
          Effect: 'Deny',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${aBucket}/*`,
          Condition: { StringEquals: { 's3:ExistingObjectTag/classification': 'secret' } },
        },
      ],
    });
    await users.putPolicy(`signer-${suffix}`, 'get-unless-secret', policy);
    const signer = await clientFor(`signer-${suffix}`);
    await alice.send(new PutObjectCommand({ Bucket: aBucket, Key: 'tagged/open.txt', Body: 'open', Tagging: 'classification=public' }));
    await alice.send(new PutObjectCommand({ Bucket: aBucket, Key: 'tagged/secret.txt', Body: 'secret', Tagging: 'classification=secret' }));

    const getOpen = await getSignedUrl(signer, new GetObjectCommand({ Bucket: aBucket, Key: 'tagged/open.txt' }), { expiresIn: 60 });
    const open = await fetch(getOpen);
    expect(open.status).toBe(200);
    expect(await open.text()).toBe('open');
    const getSecret = await getSignedUrl(signer, new GetObjectCommand({ Bucket: aBucket, Key: 'tagged/secret.txt' }), { expiresIn: 60 });
    expect((await fetch(getSecret)).status).toBe(403);
    const put = await getSignedUrl(signer, new PutObjectCommand({ Bucket: aBucket, Key: 'tagged/new.txt' }), { expiresIn: 60 });
    expect((await fetch(put, { method: 'PUT', body: 'nope' })).status).toBe(403);
  });
  it('writes mutating and denied S3 operations to the audit trail', async () => {
    const audit = server.app.app.get(AuditService);
    await alice.send(new PutObjectCommand({ Bucket: aBucket, Key: 'audited.txt', Body: 'x' }));
    await expect(bob.send(new GetObjectCommand({ Bucket: aBucket, Key: 'audited.txt' }))).rejects.toMatchObject(denied);
    await alice.send(new GetObjectCommand({ Bucket: aBucket, Key: 'audited.txt' }));
    await audit.flush();
    const puts = await audit.list({ eventType: 's3.PutObject', status: 'success' }, 1, 1000);
    const put = puts.items.find((r) => r.resourceName === `${aBucket}/audited.txt`);
    expect(put).toMatchObject({ username: `alice-${suffix}`, action: 'PutObject', resourceType: 'object', status: 'success' });
    expect(put?.requestId).toMatch(/^[0-9A-F]{16}$/);
    const refusals = await audit.list({ eventType: 's3.GetObject', status: 'denied' }, 1, 1000);
    expect(refusals.items.find((r) => r.resourceName === `${aBucket}/audited.txt`)).toMatchObject({
      username: `bob-${suffix}`,
      status: 'denied',
    });
    // Successful reads are not audited.
    const reads = await audit.list({ eventType: 's3.GetObject', status: 'success' }, 1, 1000);
    expect(reads.items.filter((r) => r.resourceName === `${aBucket}/audited.txt`)).toEqual([]);
  });
});
