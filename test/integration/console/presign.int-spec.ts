import { randomBytes } from 'node:crypto';
import { ConsoleClient, createTenantFixture, TenantFixture } from '../../support/console-client';
import { download, fetchBytes, sha256, upload } from '../../support/console-storage';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** POST /api/v1/presign: SigV4 presigned S3 URLs signed with the caller's own key, fetched with plain fetch. */
describe('console presign', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let a: TenantFixture;
  let b: TenantFixture;
  const suffix = randomBytes(3).toString('hex');
  const bucket = uniqueBucket('pre');
  const bytes = randomBytes(20_000);

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    a = await createTenantFixture(root, `pra-${suffix}`);
    b = await createTenantFixture(root, `prb-${suffix}`);
    await a.admin.post('buckets', { name: bucket });
    await upload(a.admin, bucket, 'dir/file €.bin', bytes);
  });
  afterAll(() => server.close());

  it('root: a GET URL (Strix shape) for the S3 endpoint, signed with the root key', async () => {
    const res = await root.post('presign', { bucket, key: 'dir/file €.bin', method: 'GET', expires_in: 600 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, expires_in: 600, method: 'GET' });
    expect(res.body.url).toBe(res.body.data.url);
    expect(res.body.data).toMatchObject({ bucket, key: 'dir/file €.bin', access_key_id: ROOT_ACCESS_KEY, expires_in: 600, expiresIn: 600 });
    expect(res.body.url.startsWith(`${server.endpoint}/${bucket}/dir/file%20%E2%82%AC.bin?`)).toBe(true);
    expect(res.body.url).toContain('X-Amz-Expires=600');
    const got = await fetchBytes(res.body.url);
    expect(got.status).toBe(200);
    expect(sha256(got.bytes)).toBe(sha256(bytes));
    // Tampering breaks the signature.
    expect((await fetch(res.body.url.replace('X-Amz-Expires=600', 'X-Amz-Expires=601'))).status).toBe(403);
  });

  it('a tenant user: PUT and DELETE URLs with their own key (MaxIOFS `expires`); 400 without an active key', async () => {
    const none = await a.user.post('presign', { bucket, key: 'up.txt', method: 'PUT' });
    expect(none.status).toBe(400);
    expect(none.body.message).toMatch(/access key/);
    const key = await a.user.post('access-keys', {});
    expect(key.status).toBe(201);
    const put = await a.user.post('presign', { bucket, key: 'up.txt', method: 'put', expires: 300 });
    expect(put.status).toBe(200);
    expect(put.body.data).toMatchObject({ method: 'PUT', expires_in: 300, access_key_id: key.body.data.access_key_id });
    const body = randomBytes(1000);
    const sent = await fetch(put.body.url, { method: 'PUT', body });
    expect(sent.status).toBe(200);
    expect(sha256((await download(a.admin, bucket, 'up.txt')).bytes)).toBe(sha256(body));
    const del = await a.user.post('presign', { bucket, key: 'up.txt', method: 'DELETE' });
    expect((await fetch(del.body.url, { method: 'DELETE' })).status).toBe(204);
    expect((await download(a.admin, bucket, 'up.txt')).status).toBe(404);
    const head = await a.user.post('presign', { bucket, key: 'dir/file €.bin', method: 'HEAD' });
    expect((await fetch(head.body.url, { method: 'HEAD' })).status).toBe(200);
    // Defaults: GET, one hour.
    const get = await a.user.post('presign', { bucket, key: 'dir/file €.bin' });
    expect(get.body.data.method).toBe('GET');
    expect(get.body.data.expires_in).toBe(3600);
    expect((await fetch(get.body.url)).status).toBe(200);
  });

  it('needs the S3 permission the URL would use; another tenant gets 403', async () => {
    await b.user.post('access-keys', {});
    expect((await b.user.post('presign', { bucket, key: 'dir/file €.bin' })).status).toBe(403);
    expect((await a.admin.post('presign', { bucket: uniqueBucket('none'), key: 'x' })).status).toBe(404);
  });

  it('answers 400 naming the field for bad input', async () => {
    const method = await root.post('presign', { bucket, key: 'x', method: 'PATCH' });
    expect(method.status).toBe(400);
    expect(method.body.fields.method).toBeDefined();
    expect((await root.post('presign', { bucket, key: 'x', expires_in: 604801 })).body.fields.expires_in).toBeDefined();
    expect((await root.post('presign', { key: 'x' })).body.fields.bucket).toBeDefined();
    expect((await root.post('presign', { bucket, key: 'x', method: 'PUT', version_id: 'abc' })).body.fields.version_id).toBeDefined();
    expect((await new ConsoleClient(server.consoleUrl).post('presign', { bucket, key: 'x' })).status).toBe(401);
  });
});
