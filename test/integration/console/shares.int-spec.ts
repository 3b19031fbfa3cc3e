import { randomBytes } from 'node:crypto';
import { ConsoleClient, createTenantFixture, TenantFixture, TEST_PASSWORD } from '../../support/console-client';
import { fetchBytes, sha256, upload } from '../../support/console-storage';
import { eventually } from '../../support/eventually';
import { SettableClock } from '../../support/settable-clock';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** /api/v1/shares: public, revocable, expiring links downloaded without credentials. */
describe('console shares', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let a: TenantFixture;
  let b: TenantFixture;
  const clock = new SettableClock();
  const suffix = randomBytes(3).toString('hex');
  const bucket = uniqueBucket('shr');
  const bytes = randomBytes(50_000);

  beforeAll(async () => {
    server = await startServer({ clock, config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    a = await createTenantFixture(root, `sha-${suffix}`);
    b = await createTenantFixture(root, `shb-${suffix}`);
    await a.admin.post('buckets', { name: bucket });
    expect((await upload(a.user, bucket, 'docs/report 1.pdf', bytes, { 'content-type': 'application/pdf' })).status).toBe(200);
  });
  afterAll(() => server.close());

  const share = async (c: ConsoleClient, body: Record<string, unknown>) => {
    const res = await c.post('shares', { bucket, key: 'docs/report 1.pdf', ...body });
    expect(res.status).toBe(201);
    return res.body.data as { id: string; url: string; token: string; status: string };
  };

  it('creates a link that downloads anonymously, counting downloads (a later range does not count)', async () => {
    const res = await a.user.post('shares', { bucket, key: 'docs/report 1.pdf', expires_in: 3600, max_downloads: 5 });
    expect(res.status).toBe(201);
    const s = res.body.data;
    expect(s).toMatchObject({
      bucket,
      key: 'docs/report 1.pdf',
      max_downloads: 5,
      download_count: 0,
      status: 'active',
      created_by_username: a.userName,
    });
    expect(s.url).toBe(`${server.consoleUrl}/api/v1/shares/${s.token}/download`);
    expect(res.body.url).toBe(s.url);

    const got = await fetchBytes(s.url);
    expect(got.status).toBe(200);
    expect(sha256(got.bytes)).toBe(sha256(bytes));
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="report 1.pdf"; filename*=UTF-8''report%201.pdf`);
    const part = await fetchBytes(s.url, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.bytes.equals(bytes.subarray(100, 200))).toBe(true);

    const listed = await a.user.get('shares');
    const mine = listed.body.data.find((x: { id: string }) => x.id === s.id);
    expect(mine).toMatchObject({ download_count: 1, status: 'active' });
    expect(JSON.stringify(listed.body)).not.toContain(s.token);
  });

  it('refuses a link after max_downloads (410)', async () => {
    const s = await share(a.user, { max_downloads: 2 });
    expect((await fetchBytes(s.url)).status).toBe(200);
    expect((await fetchBytes(s.url, { range: 'bytes=0-9' })).status).toBe(206);
    const refused = await fetch(s.url);
    expect(refused.status).toBe(410);
    expect(await refused.json()).toMatchObject({ success: false, code: 'ShareExhausted' });
  });

  it('refuses a revoked link (410); only its creator or their admins revoke it', async () => {
    const s = await share(a.user, {});
    expect((await b.admin.delete(`shares/${s.id}`)).status).toBe(403);
    const other = await a.admin.post('users', { username: `peer-${suffix}`, password: TEST_PASSWORD });
    expect(other.status).toBe(201);
    const peer = await root.login(`peer-${suffix}`, TEST_PASSWORD);
    expect((await peer.delete(`shares/${s.id}`)).status).toBe(403);
    expect((await a.user.delete(`shares/${s.id}`)).status).toBe(204);
    const refused = await fetch(s.url);
    expect(refused.status).toBe(410);
    expect(await refused.json()).toMatchObject({ success: false, code: 'ShareRevoked', error: 'Share revoked' });
    expect((await a.user.get('shares')).body.data.map((x: { id: string }) => x.id)).not.toContain(s.id);
    const all = await a.user.get('shares?include_inactive=true');
    expect(all.body.data.find((x: { id: string }) => x.id === s.id)).toMatchObject({ status: 'revoked', active: false });
    const s2 = await share(a.user, {});
    expect((await a.admin.delete(`shares/${s2.id}`)).status).toBe(204);
  });

  it('refuses an expired link (410), judged by the server clock', async () => {
    const s = await share(a.user, { expires_in: 60 });
    expect((await fetchBytes(s.url)).status).toBe(200);
    clock.advance(61_000);
    const refused = await fetch(s.url);
    expect(refused.status).toBe(410);
    expect(await refused.json()).toMatchObject({ code: 'ShareExpired' });
    const at = await share(a.user, { expires_at: new Date(clock.now().getTime() + 30_000).toISOString() });
    expect((await fetchBytes(at.url)).status).toBe(200);
    clock.advance(31_000);
    expect((await fetch(at.url)).status).toBe(410);
  });

  it('answers 404 for an unknown link and for a shared object deleted since', async () => {
    const unknown = await fetch(`${server.consoleUrl}/api/v1/shares/${'A'.repeat(43)}/download`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ success: false, code: 'ShareNotFound' });
    expect((await fetch(`${server.consoleUrl}/api/v1/shares/not-a-token/download`)).status).toBe(404);
    await upload(a.user, bucket, 'tmp.txt', 'temporary');
    const s = (await a.user.post('shares', { bucket, key: 'tmp.txt' })).body.data;
    await a.user.delete(`buckets/${bucket}/objects/tmp.txt`);
    const gone = await fetch(s.url);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: 'ObjectNotFound' });
  });

  it('stops serving links of a deactivated creator', async () => {
    const name = `leaver-${suffix}`;
    const u = await a.admin.post('users', { username: name, password: TEST_PASSWORD });
    // A new user may do nothing until a policy says so: sharing needs read access to the object.
    const read = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] };
    expect((await a.admin.put(`users/${name}/policies/read`, read)).status).toBe(200);
    const leaver = await root.login(name, TEST_PASSWORD);
    const s = await share(leaver, {});
    expect((await fetchBytes(s.url)).status).toBe(200);
    await a.admin.patch(`users/${u.body.data.id}/status`, { status: 'inactive' });
    expect((await fetch(s.url)).status).toBe(410);
  });

  it('validates input (400 naming the field), needs read access (403), a real object (404)', async () => {
    const missing = await a.user.post('shares', { key: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body.fields.bucket).toBeDefined();
    expect((await a.user.post('shares', { bucket, key: 'docs/report 1.pdf', expires_in: 0 })).body.fields.expires_in).toBeDefined();
    expect((await a.user.post('shares', { bucket, key: 'docs/report 1.pdf', max_downloads: -1 })).body.fields.max_downloads).toBeDefined();
    const past = await a.user.post('shares', { bucket, key: 'docs/report 1.pdf', expires_at: '2001-01-01T00:00:00Z' });
    expect(past.body.fields.expires_at).toBeDefined();
    expect((await a.user.post('shares', { bucket, key: 'nope.txt' })).status).toBe(404);
    expect((await a.user.post('shares', { bucket: uniqueBucket('nope'), key: 'x' })).status).toBe(404);
    expect((await b.user.post('shares', { bucket, key: 'docs/report 1.pdf' })).status).toBe(403);
    expect((await a.user.delete('shares/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await a.user.get('shares?page_size=5000')).status).toBe(400);
  });

  it('lists: own links for a user, the tenant’s for its admin, all for root; never another tenant’s', async () => {
    const bb = uniqueBucket('shb');
    await b.admin.post('buckets', { name: bb });
    await upload(b.admin, bb, 'b.txt', 'b');
    const bs = (await b.admin.post('shares', { bucket: bb, key: 'b.txt' })).body.data;
    const as = await share(a.admin, {});
    const userList = (await a.user.get('shares')).body.data;
    expect(userList.every((x: { created_by: string }) => x.created_by === a.userId)).toBe(true);
    const adminList = (await a.admin.get('shares')).body.data.map((x: { id: string }) => x.id);
    expect(adminList).toContain(as.id);
    expect(adminList).not.toContain(bs.id);
    expect((await a.admin.get(`shares?tenant_id=${b.tenant.id}`)).status).toBe(403);
    const rootB = (await root.get(`shares?tenant_id=${b.tenant.name}`)).body;
    expect(rootB.data.map((x: { id: string }) => x.id)).toEqual([bs.id]);
    expect(rootB.shares).toEqual(rootB.data);
    expect(rootB.pagination).toMatchObject({ total: 1, page: 1 });
    expect((await root.get('shares?page_size=1')).body.data).toHaveLength(1);
  });

  it('audits creations, revocations and anonymous downloads', async () => {
    const found = (q: string) =>
      eventually(
        () => root.get(`audit-logs?${q}`),
        (r) => r.body.data?.length > 0,
      );
    for (const type of ['share.create', 'share.revoke', 'share.download']) {
      const logs = await found(`event_type=${type}`);
      expect(logs.body.data.length).toBeGreaterThan(0);
    }
    const refusals = await found('event_type=share.download&status=failure');
    expect(refusals.body.data.length).toBeGreaterThan(0);
  });
});
