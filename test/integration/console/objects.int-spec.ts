import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { ConsoleClient, createTenantFixture, TenantFixture, TEST_PASSWORD } from '../../support/console-client';
import { download, keyPath, objectPath, sha256, upload } from '../../support/console-storage';
import { eventually } from '../../support/eventually';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** /api/v1/buckets/{bucket}/objects…: upload/download round trips, listing, search, versions, ACL, legal hold, bulk delete. */
describe('console objects', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let s3: S3Client;
  let a: TenantFixture;
  let b: TenantFixture;
  let reader: ConsoleClient;
  const suffix = randomBytes(3).toString('hex');
  const bucket = uniqueBucket('obj');

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    s3 = server.client();
    a = await createTenantFixture(root, `oba-${suffix}`);
    b = await createTenantFixture(root, `obb-${suffix}`);
    expect((await a.admin.post('buckets', { name: bucket })).status).toBe(201);
    // A user whose policy lets them read the bucket, not write it.
    const name = `reader-${suffix}`;
    await a.admin.post('users', { username: name, password: TEST_PASSWORD });
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] },
      ],
    };
    expect((await a.admin.post(`users/${name}/policies`, { policy: { name: 'read', ...doc } })).status).toBe(201);
    reader = await root.login(name, TEST_PASSWORD);
  });
  afterAll(() => server.close());

  it('uploads raw bytes (streamed, MD5 ETag) and downloads them back identical, with a Range (206)', async () => {
    const bytes = randomBytes(300_000);
    const key = 'dir/sub dir/ünï cödé.bin';
    const up = await upload(a.user, bucket, key, bytes, { 'content-type': 'application/x-test', 'x-amz-meta-colour': 'blue' });
    expect(up.status).toBe(200);
    expect(up.body.data).toMatchObject({ bucket, key, size: bytes.length, etag: createHash('md5').update(bytes).digest('hex') });

    const down = await download(a.user, bucket, key);
    expect(down.status).toBe(200);
    expect(sha256(down.bytes)).toBe(sha256(bytes));
    expect(down.headers.get('content-type')).toBe('application/x-test');
    expect(down.headers.get('content-length')).toBe(String(bytes.length));
    expect(down.headers.get('content-disposition')).toBe(
      `attachment; filename="_n_ c_d_.bin"; filename*=UTF-8''${encodeURIComponent('ünï cödé.bin')}`,
    );
    expect(down.headers.get('etag')).toBe(`"${up.body.data.etag}"`);
    expect(down.headers.get('x-content-type-options')).toBe('nosniff');

    const part = await download(a.user, bucket, key, '', { range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(sha256(part.bytes)).toBe(sha256(bytes.subarray(1000, 2000)));
    const tail = await download(a.user, bucket, key, '', { range: 'bytes=-10' });
    expect(tail.bytes.equals(bytes.subarray(bytes.length - 10))).toBe(true);
    expect((await download(a.user, bucket, key, '', { range: `bytes=${bytes.length + 5}-` })).status).toBe(416);

    // The same bytes through S3.
    const viaS3 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(sha256(Buffer.from(await viaS3.Body!.transformToByteArray()))).toBe(sha256(bytes));
    expect(viaS3.Metadata).toEqual({ colour: 'blue' });
    expect((await download(a.user, bucket, key, '?download=false')).headers.get('content-disposition')).toMatch(/^inline;/);
  });

  it('keeps a JSON upload as bytes (never parsed by the console’s JSON parser), even past its size limit', async () => {
    const small = Buffer.from('{ "a" :  1 ,\n "b": [ ] }  ');
    expect((await upload(a.user, bucket, 'doc.json', small, { 'content-type': 'application/json' })).status).toBe(200);
    const got = await download(a.user, bucket, 'doc.json');
    expect(got.bytes.equals(small)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/json');
    const big = Buffer.from(JSON.stringify({ data: 'x'.repeat(server.config.consoleMaxBodyBytes + 1000) }));
    const up = await upload(a.user, bucket, 'big.json', big, { 'content-type': 'application/json' });
    expect(up.status).toBe(200);
    expect(sha256((await download(a.user, bucket, 'big.json')).bytes)).toBe(sha256(big));
    const bad = await upload(a.user, bucket, 'bad.json', '{not json', { 'content-type': 'application/json' });
    expect(bad.status).toBe(200);
  });

  it('keeps every byte of keys with slashes: empty segments, trailing slash, a key ending with /acl', async () => {
    for (const key of ['a//b', 'folder/', 'photo/acl', '100% real?.txt']) {
      const body = Buffer.from(`body of ${key}`);
      const path = key === 'photo/acl' ? `/api/v1/buckets/${bucket}/objects/photo%2Facl` : objectPath(bucket, key);
      const res = await fetch(`${server.consoleUrl}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${a.user.token}` }, body });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: { key: string } }).data.key).toBe(key);
      const viaS3 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect(await viaS3.Body!.transformToString()).toBe(`body of ${key}`);
    }
    const acl = await a.user.get(`buckets/${bucket}/objects/photo/acl`);
    expect(acl.status).toBe(404); // the ACL of "photo", which does not exist
  });

  it('lists with prefix, delimiter and continuation tokens', async () => {
    for (const k of ['list/a.txt', 'list/b.txt', 'list/c.txt', 'list/sub/d.txt']) await upload(a.user, bucket, k, 'x');
    const top = await a.user.get(`buckets/${bucket}/objects?prefix=list/&delimiter=/`);
    expect(top.status).toBe(200);
    expect(top.body.data.objects.map((o: { key: string }) => o.key)).toEqual(['list/a.txt', 'list/b.txt', 'list/c.txt']);
    expect(top.body.data.common_prefixes).toEqual(['list/sub/']);
    expect(top.body.objects).toEqual(top.body.data.objects);
    const keys: string[] = [];
    let next: string | null = null;
    do {
      const page: { body: { data: { objects: Array<{ key: string }>; next_continuation_token: string | null } } } = await a.user.get(
        `buckets/${bucket}/objects?prefix=list/&page_size=2${next ? `&continuation_token=${next}` : ''}`,
      );
      keys.push(...page.body.data.objects.map((o) => o.key));
      next = page.body.data.next_continuation_token;
    } while (next);
    expect(keys).toEqual(['list/a.txt', 'list/b.txt', 'list/c.txt', 'list/sub/d.txt']);
    expect((await a.user.get(`buckets/${bucket}/objects?page_size=0`)).status).toBe(400);
    expect((await a.user.get(`buckets/${bucket}/objects?continuation_token=%21%21`)).body.fields.continuation_token).toBeDefined();
    expect((await a.user.get(`buckets/${uniqueBucket('nope')}/objects`)).status).toBe(404);
  });

  it('searches by name, size, content type, modification time and tags, with a truncated flag', async () => {
    await upload(a.user, bucket, 'find/report-2024.pdf', Buffer.alloc(5000), { 'content-type': 'application/pdf' });
    await upload(a.user, bucket, 'find/Report-small.pdf', Buffer.alloc(10), { 'content-type': 'application/pdf' });
    await upload(a.user, bucket, 'find/photo.png', Buffer.alloc(6000), { 'content-type': 'image/png' });
    await s3.send(
      new PutObjectTaggingCommand({ Bucket: bucket, Key: 'find/photo.png', Tagging: { TagSet: [{ Key: 'team', Value: 'red' }] } }),
    );
    const s = (q: string) => a.user.get(`buckets/${bucket}/objects/search?prefix=find/&${q}`);
    const keysOf = (r: { body: { data: { objects: Array<{ key: string }> } } }) => r.body.data.objects.map((o) => o.key);
    expect(keysOf(await s('name=report'))).toEqual(['find/Report-small.pdf', 'find/report-2024.pdf']);
    expect(keysOf(await s('min_size=1000'))).toEqual(['find/photo.png', 'find/report-2024.pdf']);
    expect(keysOf(await s('min_size=1000&max_size=5500'))).toEqual(['find/report-2024.pdf']);
    expect(keysOf(await s('content_type=image/'))).toEqual(['find/photo.png']);
    expect(keysOf(await s('content_type=application/pdf&max_size=100'))).toEqual(['find/Report-small.pdf']);
    expect(keysOf(await s('tags=team=red'))).toEqual(['find/photo.png']);
    expect(keysOf(await s('tags=team=blue'))).toEqual([]);
    expect(keysOf(await s(`modified_after=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`))).toEqual([]);
    const first = await s('page_size=1');
    expect(first.body.data).toMatchObject({ count: 1, truncated: true });
    const second = await s(`page_size=5&continuation_token=${first.body.data.next_continuation_token}`);
    expect(keysOf(second)).toEqual(['find/photo.png', 'find/report-2024.pdf']);
    expect(second.body.data.truncated).toBe(false);
    const bad = await s('min_size=abc');
    expect(bad.status).toBe(400);
    expect(bad.body.fields.min_size).toBeDefined();
    expect((await s('min_size=10&max_size=5')).body.fields.max_size).toBeDefined();
  });

  it('deletes an object (204); a missing key is 404 on download', async () => {
    await upload(a.user, bucket, 'del/me.txt', 'bye');
    const res = await a.user.delete(`${objectPath(bucket, 'del/me.txt')}`);
    expect(res.status).toBe(204);
    const gone = await a.user.get(objectPath(bucket, 'del/me.txt'));
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ success: false, code: 'ObjectNotFound' });
  });

  it('lists the versions of a key and deletes one by version id', async () => {
    const vb = uniqueBucket('ver');
    await a.admin.post('buckets', { name: vb, versioning: 'Enabled' });
    const v1 = (await upload(a.user, vb, 'k/doc.txt', 'one')).body.data.version_id;
    const v2 = (await upload(a.user, vb, 'k/doc.txt', 'two!')).body.data.version_id;
    await upload(a.user, vb, 'k/doc.txt.bak', 'other key');
    expect(v1).not.toBe(v2);
    const list = await a.user.get(`${objectPath(vb, 'k/doc.txt')}/versions`);
    expect(list.status).toBe(200);
    expect(list.body.data.versions.map((v: { version_id: string; is_latest: boolean }) => [v.version_id, v.is_latest])).toEqual([
      [v2, true],
      [v1, false],
    ]);
    const page = await a.user.get(`${objectPath(vb, 'k/doc.txt')}/versions?page_size=1`);
    expect(page.body.data.is_truncated).toBe(true);
    const rest = await a.user.get(
      `${objectPath(vb, 'k/doc.txt')}/versions?page_size=1&continuation_token=${page.body.data.next_continuation_token}`,
    );
    expect(rest.body.data.versions.map((v: { version_id: string }) => v.version_id)).toEqual([v1]);
    expect((await download(a.user, vb, 'k/doc.txt', `?versionId=${v1}`)).bytes.toString()).toBe('one');
    expect((await a.user.delete(`${objectPath(vb, 'k/doc.txt')}?versionId=${v2}`)).status).toBe(204);
    expect((await download(a.user, vb, 'k/doc.txt')).bytes.toString()).toBe('one');
    const marker = await a.user.delete(objectPath(vb, 'k/doc.txt'));
    expect(marker.headers.get('x-amz-delete-marker')).toBe('true');
  });

  it('reads and replaces an object ACL', async () => {
    await upload(a.user, bucket, 'acl/o.txt', 'x');
    const acl = await a.user.get(`${objectPath(bucket, 'acl/o.txt')}/acl`);
    expect(acl.status).toBe(200);
    expect(acl.body.data.owner.display_name).toBe(a.userName);
    expect(acl.body.data.grants).toEqual([
      { grantee: { type: 'CanonicalUser', id: a.userId, display_name: a.userName }, permission: 'FULL_CONTROL' },
    ]);
    const pub = await a.user.put(`${objectPath(bucket, 'acl/o.txt')}/acl`, { acl: 'public-read' });
    expect(pub.status).toBe(200);
    expect(pub.body.data.grants).toContainEqual({
      grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers' },
      permission: 'READ',
    });
    const bad = await a.user.put(`${objectPath(bucket, 'acl/o.txt')}/acl`, {});
    expect(bad.status).toBe(400);
    expect(bad.body.fields.acl).toBeDefined();
    expect((await a.user.get(`${objectPath(bucket, 'acl/none.txt')}/acl`)).status).toBe(404);
  });

  it('places and releases a legal hold; a held version cannot be deleted', async () => {
    const lb = uniqueBucket('hold');
    await a.admin.post('buckets', { name: lb, object_lock_enabled: true });
    const v = (await upload(a.user, lb, 'held.txt', 'keep')).body.data.version_id;
    expect((await a.user.get(`${objectPath(lb, 'held.txt')}/legal-hold`)).body.data).toMatchObject({ status: 'OFF' });
    const on = await a.user.put(`${objectPath(lb, 'held.txt')}/legal-hold`, { status: 'ON' });
    expect(on.status).toBe(200);
    expect((await a.user.get(`${objectPath(lb, 'held.txt')}/legal-hold`)).body.data).toMatchObject({
      status: 'ON',
      legal_hold: true,
      version_id: v,
    });
    expect((await a.user.delete(`${objectPath(lb, 'held.txt')}?versionId=${v}`)).status).toBe(403);
    expect((await a.user.put(`${objectPath(lb, 'held.txt')}/legal-hold`, { status: 'MAYBE' })).body.fields.status).toBeDefined();
    expect((await a.user.put(`${objectPath(lb, 'held.txt')}/legal-hold`, { status: 'OFF' })).status).toBe(200);
    expect((await a.user.delete(`${objectPath(lb, 'held.txt')}?versionId=${v}`)).status).toBe(204);
    // Without object lock on the bucket: 400.
    await upload(a.user, bucket, 'nolock.txt', 'x');
    expect((await a.user.put(`${objectPath(bucket, 'nolock.txt')}/legal-hold`, { status: 'ON' })).status).toBe(400);
  });

  it("sets and reads an object version's tags and retention (GOVERNANCE needs bypass to shorten)", async () => {
    const lb = uniqueBucket('tags');
    await a.admin.post('buckets', { name: lb, object_lock_enabled: true });
    const v = (await upload(a.user, lb, 'dir/tagged.txt', 'tagged')).body.data.version_id;
    const path = objectPath(lb, 'dir/tagged.txt');
    expect((await a.user.get(`${path}/tagging`)).body.data).toMatchObject({ tags: {}, TagSet: [], version_id: v });
    const put = await a.user.put(`${path}/tagging`, { tags: { team: 'web', stage: 'prod' } });
    expect(put.status).toBe(200);
    expect(put.body.data.TagSet).toEqual([
      { Key: 'stage', Value: 'prod' },
      { Key: 'team', Value: 'web' },
    ]);
    expect((await a.user.get(`${path}/tagging`)).body.data.tags).toEqual({ team: 'web', stage: 'prod' });
    // The S3 tag rules: 11 tags are refused.
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    expect((await a.user.put(`${path}/tagging`, { tags: eleven })).status).toBe(400);
    // The tags filter of the search sees them.
    const found = await a.user.get(`buckets/${lb}/objects/search?tags=team=web`);
    expect(found.body.data.objects.map((o: { key: string }) => o.key)).toEqual(['dir/tagged.txt']);

    expect((await a.user.get(`${path}/retention`)).body.data).toMatchObject({ mode: null, retain_until: null });
    const until = new Date(Date.now() + 3600_000).toISOString();
    const r = await a.user.put(`${path}/retention`, { mode: 'GOVERNANCE', retain_until: until });
    expect(r.status).toBe(200);
    expect((await a.user.get(`${path}/retention`)).body.data).toMatchObject({ mode: 'GOVERNANCE', retain_until: until, version_id: v });
    expect((await a.user.delete(`${path}?versionId=${v}`)).status).toBe(403);
    expect((await a.user.put(`${path}/retention`, { mode: null })).status).toBe(403);
    expect((await a.user.put(`${path}/retention`, { mode: 'COMPLIANCE' })).body.fields.retain_until).toBeDefined();
    expect((await a.user.put(`${path}/retention`, { mode: null, bypass_governance: true })).status).toBe(200);
    expect((await a.user.get(`${path}/retention`)).body.data.mode).toBeNull();
    expect((await a.user.delete(`${path}?versionId=${v}`)).status).toBe(204);
  });

  it('bulk-deletes keys (Strix) and reports per-key outcomes', async () => {
    for (const k of ['bulk/1', 'bulk/2', 'bulk/3']) await upload(a.user, bucket, k, k);
    const res = await a.user.request('DELETE', `buckets/${bucket}/objects`, { keys: ['bulk/1', 'bulk/2', 'bulk/missing'] });
    expect(res.status).toBe(200);
    expect(res.body.data.deleted.map((d: { key: string }) => d.key)).toEqual(['bulk/1', 'bulk/2', 'bulk/missing']);
    expect(res.body.deleted_count).toBe(3);
    expect((await a.user.get(`buckets/${bucket}/objects?prefix=bulk/`)).body.data.objects.map((o: { key: string }) => o.key)).toEqual([
      'bulk/3',
    ]);
    const empty = await a.user.request('DELETE', `buckets/${bucket}/objects`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.fields.keys).toBeDefined();
    const tooMany = await a.user.request('DELETE', `buckets/${bucket}/objects`, { keys: Array.from({ length: 1001 }, (_, i) => `k${i}`) });
    expect(tooMany.status).toBe(400);
    const denied = await reader.request('DELETE', `buckets/${bucket}/objects`, { keys: ['bulk/3'] });
    expect(denied.body.data).toMatchObject({ deleted_count: 0, error_count: 1, errors: [{ key: 'bulk/3', code: 'AccessDenied' }] });
  });

  it('follows IAM: a read-only user downloads but cannot upload or delete; another tenant gets 403 everywhere', async () => {
    await upload(a.user, bucket, 'iam/file.txt', 'secret data');
    expect((await download(reader, bucket, 'iam/file.txt')).bytes.toString()).toBe('secret data');
    expect((await upload(reader, bucket, 'iam/new.txt', 'x')).status).toBe(403);
    expect((await reader.delete(objectPath(bucket, 'iam/file.txt'))).status).toBe(403);
    for (const res of [
      await b.admin.get(`buckets/${bucket}/objects`),
      await b.admin.get(`buckets/${bucket}/objects/search?name=file`),
      await b.admin.get(objectPath(bucket, 'iam/file.txt')),
      await b.admin.get(`${objectPath(bucket, 'iam/file.txt')}/versions`),
      await b.admin.get(`${objectPath(bucket, 'iam/file.txt')}/acl`),
      await upload(b.admin, bucket, 'iam/x', 'x'),
      await b.admin.delete(objectPath(bucket, 'iam/file.txt')),
    ]) {
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain('secret data');
    }
    expect((await new ConsoleClient(server.consoleUrl).get(`buckets/${bucket}/objects`)).status).toBe(401);
    expect(keyPath('a b/c')).toBe('a%20b/c');
  });

  it('audits uploads and downloads with bucket/key', async () => {
    const names = async (c: ConsoleClient, type: string) => {
      const res = await c.get(`audit-logs?event_type=${type}&page_size=1000`);
      return (res.body.data ?? []).map((r: { resource_name: string }) => r.resource_name) as string[];
    };
    const wanted = `${bucket}/iam/file.txt`;
    expect(
      await eventually(
        () => names(root, 'object.download'),
        (n) => n.includes(wanted),
      ),
    ).toContain(wanted);
    expect(
      await eventually(
        () => names(a.admin, 'object.upload'),
        (n) => n.includes(wanted),
      ),
    ).toContain(wanted);
  });
});
