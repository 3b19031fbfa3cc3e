import { randomBytes } from 'node:crypto';
import { GetBucketEncryptionCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConsoleClient, createTenantFixture, TenantFixture } from '../../support/console-client';
import { download, objectPath, sha256, upload } from '../../support/console-storage';
import { eventually } from '../../support/eventually';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** Console bucket default encryption (/buckets/{name}/encryption) and server-side version restore (/objects/{key}/restore). */
describe('console default encryption and version restore', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let s3: S3Client;
  let a: TenantFixture;
  let b: TenantFixture;
  const suffix = randomBytes(3).toString('hex');
  const bucket = uniqueBucket('enc');
  const enc = `buckets/${bucket}/encryption`;
  const head = (key: string) => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const auditNames = async (c: ConsoleClient, type: string) => {
    const res = await c.get(`audit-logs?event_type=${type}&page_size=1000`);
    return (res.body.data ?? []).map((r: { resource_name: string }) => r.resource_name) as string[];
  };

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    s3 = server.client();
    a = await createTenantFixture(root, `ena-${suffix}`);
    b = await createTenantFixture(root, `enb-${suffix}`);
    expect((await a.admin.post('buckets', { name: bucket })).status).toBe(201);
  });
  afterAll(() => server.close());

  it('sets SSE-S3 as the default: GET returns it, S3 sees it, and a later upload is encrypted', async () => {
    expect((await a.admin.get(enc)).status).toBe(404);
    expect((await upload(a.admin, bucket, 'before.txt', 'plain')).status).toBe(200);
    expect((await head('before.txt')).ServerSideEncryption).toBeUndefined();

    const put = await a.admin.put(enc, { sse_algorithm: 'AES256' });
    expect(put.status).toBe(200);
    expect(put.body.data).toEqual({ sse_algorithm: 'AES256', kms_master_key_id: null, bucket_key_enabled: false });
    expect((await a.admin.get(enc)).body.data).toEqual(put.body.data);
    const viaS3 = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    expect(viaS3.ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');

    expect((await upload(a.admin, bucket, 'after.txt', 'secret')).status).toBe(200);
    expect((await head('after.txt')).ServerSideEncryption).toBe('AES256');
    expect((await download(a.admin, bucket, 'after.txt')).bytes.toString()).toBe('secret');
    expect(
      await eventually(
        () => auditNames(a.admin, 'bucket_config.update'),
        (n) => n.includes(bucket),
      ),
    ).toContain(bucket);
  });

  it('sets SSE-KMS with a named key (camelCase accepted) and removes the default', async () => {
    const alias = `alias/console-enc-${suffix}`;
    const key = await root.post('kms/keys', { alias });
    expect(key.status).toBe(201);
    const arn: string = key.body.data.arn;

    const put = await a.admin.put(enc, { sseAlgorithm: 'aws:kms', kmsMasterKeyId: alias, bucketKeyEnabled: true });
    expect(put.status).toBe(200);
    expect(put.body.data).toEqual({ sse_algorithm: 'aws:kms', kms_master_key_id: alias, bucket_key_enabled: true });
    expect((await upload(a.admin, bucket, 'kms.txt', 'kms secret')).status).toBe(200);
    const h = await head('kms.txt');
    expect(h.ServerSideEncryption).toBe('aws:kms');
    expect(h.SSEKMSKeyId).toBe(arn);
    expect((await download(a.admin, bucket, 'kms.txt')).bytes.toString()).toBe('kms secret');

    expect((await a.admin.delete(enc)).status).toBe(204);
    expect((await a.admin.get(enc)).status).toBe(404);
    expect((await upload(a.admin, bucket, 'plain-again.txt', 'x')).status).toBe(200);
    expect((await head('plain-again.txt')).ServerSideEncryption).toBeUndefined();
    // The object written while the default was set stays encrypted.
    expect((await head('kms.txt')).ServerSideEncryption).toBe('aws:kms');
  });

  it('refuses bad input and callers without the bucket permission', async () => {
    const bad = await a.admin.put(enc, { sse_algorithm: 'DES' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.sse_algorithm).toBeDefined();
    const keyWithAes = await a.admin.put(enc, { sse_algorithm: 'AES256', kms_master_key_id: 'alias/x' });
    expect(keyWithAes.status).toBe(400);
    expect(keyWithAes.body.fields.kms_master_key_id).toBeDefined();
    const unknownKey = await a.admin.put(enc, { sse_algorithm: 'aws:kms', kms_master_key_id: `alias/none-${suffix}` });
    expect(unknownKey.status).toBe(404);
    expect((await a.admin.get(enc)).status).toBe(404);
    expect((await b.admin.get(enc)).status).toBe(403);
    expect((await b.admin.put(enc, { sse_algorithm: 'AES256' })).status).toBe(403);
    expect((await b.admin.delete(enc)).status).toBe(403);
  });

  it('restores a version server-side as a new current version with the same bytes', async () => {
    const vb = uniqueBucket('rst');
    expect((await a.admin.post('buckets', { name: vb, versioning: 'Enabled' })).status).toBe(201);
    const key = 'docs/report v1.bin';
    const old = randomBytes(300 * 1024);
    const v1 = (await upload(a.user, vb, key, old)).body.data.version_id as string;
    const v2 = (await upload(a.user, vb, key, 'newer')).body.data.version_id as string;
    const restorePath = `${objectPath(vb, key)}/restore`;

    const res = await a.user.post(restorePath, { version_id: v1 });
    expect(res.status).toBe(200);
    const v3 = res.body.data.version_id as string;
    expect(res.body.data).toMatchObject({ bucket: vb, key, size: old.length, source_version_id: v1 });
    expect([v1, v2]).not.toContain(v3);
    const versions = await a.user.get(`${objectPath(vb, key)}/versions`);
    expect(versions.body.data.versions.map((v: { version_id: string; is_latest: boolean }) => [v.version_id, v.is_latest])).toEqual([
      [v3, true],
      [v2, false],
      [v1, false],
    ]);
    expect(sha256((await download(a.user, vb, key)).bytes)).toBe(sha256(old));
    expect(sha256((await download(a.user, vb, key, `?versionId=${v1}`)).bytes)).toBe(sha256(old));

    // camelCase too; restoring the middle version brings its bytes back.
    const again = await a.user.post(restorePath, { versionId: v2 });
    expect(again.status).toBe(200);
    expect((await download(a.user, vb, key)).bytes.toString()).toBe('newer');

    // Under a delete marker the restored version becomes current again, the marker kept in the history.
    expect((await a.user.delete(objectPath(vb, key))).headers.get('x-amz-delete-marker')).toBe('true');
    expect((await a.user.post(restorePath, { version_id: v1 })).status).toBe(200);
    expect(sha256((await download(a.user, vb, key)).bytes)).toBe(sha256(old));

    expect(
      await eventually(
        () => auditNames(a.admin, 'object.update'),
        (n) => n.includes(`${vb}/${key}`),
      ),
    ).toContain(`${vb}/${key}`);
  });

  it('restore: 400 without a (well-formed) version id, 404 for a deleted version, 403 for another tenant', async () => {
    const vb = uniqueBucket('rsx');
    expect((await a.admin.post('buckets', { name: vb, versioning: 'Enabled' })).status).toBe(201);
    const v1 = (await upload(a.user, vb, 'k.txt', 'one')).body.data.version_id as string;
    await upload(a.user, vb, 'k.txt', 'two');
    const gone = (await upload(a.user, vb, 'k.txt', 'three')).body.data.version_id as string;
    expect((await a.user.delete(`${objectPath(vb, 'k.txt')}?versionId=${gone}`)).status).toBe(204);
    const path = `${objectPath(vb, 'k.txt')}/restore`;
    const missing = await a.user.post(path, {});
    expect(missing.status).toBe(400);
    expect(missing.body.fields.version_id).toBeDefined();
    // A malformed version id is refused as S3 does (400); a deleted one is not found.
    expect((await a.user.post(path, { version_id: 'no-such-version' })).status).toBe(400);
    expect((await a.user.post(path, { version_id: gone })).status).toBe(404);
    expect((await b.admin.post(path, { version_id: v1 })).status).toBe(403);
    expect((await download(a.user, vb, 'k.txt')).bytes.toString()).toBe('two');
  });
});
