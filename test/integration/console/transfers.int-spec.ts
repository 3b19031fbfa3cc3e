import { createHash, randomBytes } from 'node:crypto';
import { ConsoleClient, createTenantFixture, Json, TenantFixture, TEST_PASSWORD } from '../../support/console-client';
import { download, fetchBytes, sha256 } from '../../support/console-storage';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

const MiB = 1024 * 1024;

/** The web console's transfer routes: multipart uploads (/buckets/{b}/uploads…) and download links (/downloads). */
describe('console transfers', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let a: TenantFixture;
  let b: TenantFixture;
  const suffix = randomBytes(3).toString('hex');
  const bucket = uniqueBucket('xfer');

  const putPart = (c: ConsoleClient, uploadId: string, n: number, key: string, body: Buffer) =>
    fetch(`${c.baseUrl}/api/v1/buckets/${bucket}/uploads/${uploadId}/parts/${n}?key=${encodeURIComponent(key)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    a = await createTenantFixture(root, `xa-${suffix}`);
    b = await createTenantFixture(root, `xb-${suffix}`);
    expect((await a.admin.post('buckets', { name: bucket })).status).toBe(201);
  });
  afterAll(() => server.close());

  it('assembles a multipart upload from parts sent out of order (a part sent twice is replaced), with the S3 multipart ETag', async () => {
    const key = 'big/dir/ünï file.bin';
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1234)];
    const created = await a.user.post(`buckets/${bucket}/uploads`, { key, content_type: 'application/x-test' });
    expect(created.status).toBe(201);
    const uploadId: string = created.body.data.upload_id;
    expect(created.body.data).toMatchObject({ bucket, key });

    const etags: string[] = [];
    for (const n of [3, 1, 2]) {
      const r = await putPart(a.user, uploadId, n, key, parts[n - 1]);
      expect(r.status).toBe(200);
      expect(r.body.data).toMatchObject({ part_number: n, size: parts[n - 1].length });
      etags[n - 1] = r.body.data.etag;
    }
    // Part 2 again (a retry): the later bytes win.
    parts[1] = randomBytes(5 * MiB);
    etags[1] = (await putPart(a.user, uploadId, 2, key, parts[1])).body.data.etag;

    const done = await a.user.post(`buckets/${bucket}/uploads/${uploadId}/complete`, {
      key,
      parts: etags.map((etag, i) => ({ part_number: i + 1, etag })),
    });
    expect(done.status).toBe(200);
    const whole = Buffer.concat(parts);
    const md5s = Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()));
    expect(done.body.data).toMatchObject({ key, size: whole.length, etag: `${createHash('md5').update(md5s).digest('hex')}-3` });

    const got = await download(a.user, bucket, key);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/x-test');
    expect(sha256(got.bytes)).toBe(sha256(whole));
  });

  it('refuses a small middle part on completion, bad part numbers and other tenants; abort drops the upload', async () => {
    const key = 'small-parts.bin';
    const uploadId: string = (await a.user.post(`buckets/${bucket}/uploads`, { key })).body.data.upload_id;
    const p1 = await putPart(a.user, uploadId, 1, key, randomBytes(1000));
    const p2 = await putPart(a.user, uploadId, 2, key, randomBytes(1000));
    const tooSmall = await a.user.post(`buckets/${bucket}/uploads/${uploadId}/complete`, {
      key,
      parts: [
        { part_number: 1, etag: p1.body.data.etag },
        { part_number: 2, etag: p2.body.data.etag },
      ],
    });
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.body.success).toBe(false);

    expect((await putPart(a.user, uploadId, 0, key, randomBytes(10))).status).toBe(400);
    expect((await putPart(a.user, uploadId, 10_001, key, randomBytes(10))).status).toBe(400);
    expect((await a.user.post(`buckets/${bucket}/uploads/${uploadId}/complete`, { key, parts: [] })).status).toBe(400);
    // Another tenant's user cannot start, feed or abort uploads here.
    expect((await b.user.post(`buckets/${bucket}/uploads`, { key })).status).toBe(403);
    expect((await putPart(b.user, uploadId, 1, key, randomBytes(10))).status).toBe(403);
    expect((await b.user.delete(`buckets/${bucket}/uploads/${uploadId}?key=${key}`)).status).toBe(403);

    expect((await a.user.delete(`buckets/${bucket}/uploads/${uploadId}?key=${key}`)).status).toBe(204);
    const after = await putPart(a.user, uploadId, 3, key, randomBytes(10));
    expect(after.status).toBe(404);
    expect(after.body.success).toBe(false);
  });

  it('hands out a short-lived download link that streams the object as an attachment, for the caller only', async () => {
    const key = 'docs/report 1.pdf';
    const bytes = randomBytes(200_000);
    const up = await fetch(`${a.user.baseUrl}/api/v1/buckets/${bucket}/objects/docs/report%201.pdf`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${a.user.token}`, 'content-type': 'application/pdf' },
      body: new Uint8Array(bytes),
    });
    expect(up.status).toBe(200);

    const link = await a.user.post('downloads', { bucket, key });
    expect(link.status).toBe(200);
    expect(link.body.data.url).toMatch(/^\/api\/v1\/downloads\/[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(link.body.data.expires_in).toBe(60);
    // No bearer token needed: the link is the credential.
    const got = await fetchBytes(`${server.consoleUrl}${link.body.data.url}`);
    expect(got.status).toBe(200);
    expect(sha256(got.bytes)).toBe(sha256(bytes));
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="report 1.pdf"/);
    const range = await fetchBytes(`${server.consoleUrl}${link.body.data.url}`, { range: 'bytes=10-19' });
    expect(range.status).toBe(206);
    expect(range.bytes.equals(bytes.subarray(10, 20))).toBe(true);

    // The link is not a session token, and a tampered link is refused.
    const token = String(link.body.data.url).split('/').pop()!;
    expect((await new ConsoleClient(server.consoleUrl, token).get('auth/me')).status).toBe(401);
    const bad = await fetchBytes(`${server.consoleUrl}${link.body.data.url.slice(0, -2)}xx`);
    expect(bad.status).toBe(401);
    // Another tenant gets no link; a missing object answers 404 when opened.
    expect((await b.user.post('downloads', { bucket, key })).status).toBe(403);
    const gone = await a.user.post('downloads', { bucket, key: 'nope.bin' });
    expect((await fetchBytes(`${server.consoleUrl}${gone.body.data.url}`)).status).toBe(404);

    // Logging out kills the links of that session.
    const session = await root.login(a.userName, TEST_PASSWORD);
    const later = await session.post('downloads', { bucket, key });
    expect((await session.post('auth/logout')).status).toBeLessThan(300);
    expect((await fetchBytes(`${server.consoleUrl}${later.body.data.url}`)).status).toBe(401);
  });
});
