import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListObjectVersionsCommandOutput,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { awsCli } from '../../support/aws-cli';
import { rawRequest, xmlField } from '../../support/raw-request';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

describe('versioning', () => {
  let server: TestServer;
  let s3: S3Client;
  beforeAll(async () => {
    server = await startServer();
    s3 = server.client();
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  const newBucket = async (versioning?: 'Enabled' | 'Suspended') => {
    const bucket = uniqueBucket('ver');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    if (versioning) await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: versioning } }));
    return bucket;
  };
  const put = (bucket: string, key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const read = async (bucket: string, key: string, versionId?: string) => {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    return { res, body: await res.Body!.transformToString() };
  };
  const failure = async (p: Promise<unknown>) => {
    const err = (await p.then(
      () => undefined,
      (e: unknown) => e,
    )) as { name: string; message: string; $metadata: { httpStatusCode?: number } } | undefined;
    if (!err) throw new Error('expected the request to fail');
    return { name: err.name, message: err.message, status: err.$metadata.httpStatusCode };
  };
  const allVersions = async (bucket: string, extra: { Prefix?: string } = {}) => {
    const res = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, ...extra }));
    return res;
  };

  it('reports and changes the versioning state (SDK and AWS CLI); never back to unversioned', async () => {
    const bucket = await newBucket();
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBeUndefined();
    const raw = await rawRequest(server, { method: 'GET', path: `/${bucket}`, query: [['versioning', '']] });
    expect(raw.status).toBe(200);
    expect(raw.body).toContain('<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>');

    const cli = await awsCli(server, [
      's3api',
      'put-bucket-versioning',
      '--bucket',
      bucket,
      '--versioning-configuration',
      'Status=Enabled',
    ]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const got = await awsCli(server, ['s3api', 'get-bucket-versioning', '--bucket', bucket]);
    expect(got.json).toEqual({ Status: 'Enabled' });

    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Suspended');

    const bad = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}`,
      query: [['versioning', '']],
      body: '<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>',
    });
    expect(bad.status).toBe(400);
    expect(xmlField(bad.body, 'Code')).toBe('MalformedXML');
    const mfa = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}`,
      query: [['versioning', '']],
      body: '<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>',
    });
    expect(mfa.status).toBe(501);
    expect(xmlField(mfa.body, 'Code')).toBe('NotImplemented');
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Suspended');
    expect((await failure(s3.send(new GetBucketVersioningCommand({ Bucket: uniqueBucket('missing') })))).name).toBe('NoSuchBucket');
  });

  it('keeps every version with its own bytes and a unique, time-ordered version id', async () => {
    const bucket = await newBucket('Enabled');
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) {
      const res = await put(bucket, 'doc.txt', body);
      expect(res.VersionId).toMatch(/^[0-9a-f]{32}$/);
      ids.push(res.VersionId!);
    }
    expect(new Set(ids).size).toBe(3);
    // Version ids sort newest first.
    expect([...ids].sort()).toEqual([...ids].reverse());
    expect((await read(bucket, 'doc.txt', ids[0])).body).toBe('one');
    expect((await read(bucket, 'doc.txt', ids[1])).body).toBe('two');
    const latest = await read(bucket, 'doc.txt');
    expect(latest.body).toBe('three');
    expect(latest.res.VersionId).toBe(ids[2]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'doc.txt', VersionId: ids[0] }));
    expect(head.ContentLength).toBe(3);
    expect(head.VersionId).toBe(ids[0]);
    expect(head.ETag).toBe(`"${createHash('md5').update('one').digest('hex')}"`);

    const list = await allVersions(bucket);
    expect(list.Versions?.map((v) => [v.VersionId, v.IsLatest, v.Size])).toEqual([
      [ids[2], true, 5],
      [ids[1], false, 3],
      [ids[0], false, 3],
    ]);
    expect(list.DeleteMarkers).toBeUndefined();
    expect((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((c) => c.Key)).toEqual(['doc.txt']);
  });

  it('DELETE creates a delete marker; GET answers 404 NoSuchKey with x-amz-delete-marker, and 405 by version id', async () => {
    const bucket = await newBucket('Enabled');
    const v1 = (await put(bucket, 'k', 'first')).VersionId!;
    const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
    expect(del.DeleteMarker).toBe(true);
    expect(del.VersionId).toMatch(/^[0-9a-f]{32}$/);
    const marker = del.VersionId!;

    const get = await rawRequest(server, { method: 'GET', path: `/${bucket}/k` });
    expect(get.status).toBe(404);
    expect(xmlField(get.body, 'Code')).toBe('NoSuchKey');
    expect(get.headers['x-amz-delete-marker']).toBe('true');
    expect(get.headers['x-amz-version-id']).toBe(marker);
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'k' })))).status).toBe(404);

    const byVersion = await rawRequest(server, { method: 'GET', path: `/${bucket}/k`, query: [['versionId', marker]] });
    expect(byVersion.status).toBe(405);
    expect(xmlField(byVersion.body, 'Code')).toBe('MethodNotAllowed');
    expect(byVersion.headers['x-amz-delete-marker']).toBe('true');
    expect(byVersion.headers['last-modified']).toBeDefined();
    const headByVersion = await rawRequest(server, { method: 'HEAD', path: `/${bucket}/k`, query: [['versionId', marker]] });
    expect(headByVersion.status).toBe(405);
    expect(headByVersion.headers['x-amz-delete-marker']).toBe('true');
    expect(headByVersion.headers['last-modified']).toBeDefined();

    expect((await read(bucket, 'k', v1)).body).toBe('first');
    expect((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(0);
    const list = await allVersions(bucket);
    expect(list.DeleteMarkers?.map((d) => [d.Key, d.VersionId, d.IsLatest])).toEqual([['k', marker, true]]);
    expect(list.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([[v1, false]]);

    // A second DELETE stacks another marker, as S3 does.
    const again = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
    expect(again.DeleteMarker).toBe(true);
    expect(again.VersionId).not.toBe(marker);

    // Removing the markers by version id brings the object back.
    const undo = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: again.VersionId }));
    expect(undo.DeleteMarker).toBe(true);
    expect(undo.VersionId).toBe(again.VersionId);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: marker }));
    expect((await read(bucket, 'k')).body).toBe('first');
    expect((await allVersions(bucket)).Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([[v1, true]]);
  });

  it('DELETE of a version removes it for good and promotes the previous one', async () => {
    const bucket = await newBucket('Enabled');
    const v1 = (await put(bucket, 'k', 'v1')).VersionId!;
    const v2 = (await put(bucket, 'k', 'v2')).VersionId!;
    const v3 = (await put(bucket, 'k', 'v3')).VersionId!;
    const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: v3 }));
    expect(del.VersionId).toBe(v3);
    expect(del.DeleteMarker).toBeUndefined();
    expect((await read(bucket, 'k')).body).toBe('v2');
    expect((await failure(read(bucket, 'k', v3))).name).toBe('NoSuchVersion');
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: v1 }));
    expect((await allVersions(bucket)).Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([[v2, true]]);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: v2 }));
    expect((await failure(read(bucket, 'k'))).name).toBe('NoSuchKey');
    expect((await allVersions(bucket)).Versions).toBeUndefined();
  });

  it('answers NoSuchVersion (404) for an unknown version id and InvalidArgument (400) for a malformed one', async () => {
    const bucket = await newBucket('Enabled');
    await put(bucket, 'k', 'x');
    const unknown = 'f'.repeat(32);
    const missing = await failure(read(bucket, 'k', unknown));
    expect([missing.name, missing.status]).toEqual(['NoSuchVersion', 404]);
    const raw = await rawRequest(server, { method: 'GET', path: `/${bucket}/k`, query: [['versionId', unknown]] });
    expect(xmlField(raw.body, 'VersionId')).toBe(unknown);
    const malformed = await rawRequest(server, { method: 'GET', path: `/${bucket}/k`, query: [['versionId', 'not-a-version']] });
    expect(malformed.status).toBe(400);
    expect(xmlField(malformed.body, 'Code')).toBe('InvalidArgument');
    expect(xmlField(malformed.body, 'Message')).toBe('Invalid version id specified');
    const empty = await rawRequest(server, { method: 'HEAD', path: `/${bucket}/k`, query: [['versionId', '']] });
    expect(empty.status).toBe(400);
    // Deleting a version that does not exist succeeds, as in S3.
    const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: unknown }));
    expect(del.VersionId).toBe(unknown);
    expect((await read(bucket, 'k')).body).toBe('x');
  });

  it('suspended: writes replace the null version, keep older versions, and DELETE leaves a null delete marker', async () => {
    const bucket = await newBucket('Enabled');
    const v1 = (await put(bucket, 'k', 'enabled-1')).VersionId!;
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    const n1 = await put(bucket, 'k', 'null-1');
    expect(n1.VersionId).toBe('null');
    const n2 = await put(bucket, 'k', 'null-2');
    expect(n2.VersionId).toBe('null');
    let list = await allVersions(bucket);
    expect(list.Versions?.map((v) => [v.VersionId, v.IsLatest, v.Size])).toEqual([
      ['null', true, 6],
      [v1, false, 9],
    ]);
    const latest = await read(bucket, 'k');
    expect(latest.body).toBe('null-2');
    expect(latest.res.VersionId).toBe('null');
    expect((await read(bucket, 'k', 'null')).body).toBe('null-2');

    const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
    expect(del.DeleteMarker).toBe(true);
    expect(del.VersionId).toBe('null');
    list = await allVersions(bucket);
    expect(list.DeleteMarkers?.map((d) => [d.VersionId, d.IsLatest])).toEqual([['null', true]]);
    expect(list.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([[v1, false]]);

    // Enabled again: new versions get ids, the null marker stays in the history.
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const v3 = (await put(bucket, 'k', 'enabled-3')).VersionId!;
    list = await allVersions(bucket);
    expect([...(list.Versions ?? []), ...(list.DeleteMarkers ?? [])].length).toBe(3);
    expect(list.Versions?.[0].VersionId).toBe(v3);
    expect((await read(bucket, 'k')).body).toBe('enabled-3');
  });

  it('an object written before versioning is the null version and stays addressable', async () => {
    const bucket = await newBucket();
    const before = await put(bucket, 'old', 'before');
    expect(before.VersionId).toBeUndefined();
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const v = (await put(bucket, 'old', 'after')).VersionId!;
    expect((await read(bucket, 'old', 'null')).body).toBe('before');
    expect((await allVersions(bucket)).Versions?.map((x) => x.VersionId)).toEqual([v, 'null']);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'old', VersionId: 'null' }));
    expect((await allVersions(bucket)).Versions?.map((x) => x.VersionId)).toEqual([v]);
  });

  it('copies a given source version (x-amz-copy-source-version-id) and refuses a delete marker as source', async () => {
    const bucket = await newBucket('Enabled');
    const v1 = (await put(bucket, 'src', 'old bytes')).VersionId!;
    await put(bucket, 'src', 'new bytes');
    const copy = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/src?versionId=${v1}` }));
    expect(copy.CopySourceVersionId).toBe(v1);
    expect(copy.VersionId).toMatch(/^[0-9a-f]{32}$/);
    expect((await read(bucket, 'dst')).body).toBe('old bytes');

    // Restoring an old version onto its own key is allowed.
    const restore = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src', CopySource: `${bucket}/src?versionId=${v1}` }));
    expect((await read(bucket, 'src')).body).toBe('old bytes');
    expect((await read(bucket, 'src', restore.VersionId)).body).toBe('old bytes');

    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'src' }))).VersionId!;
    const fromMarker = await failure(
      s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'x', CopySource: `${bucket}/src?versionId=${marker}` })),
    );
    expect([fromMarker.name, fromMarker.status]).toEqual(['InvalidRequest', 400]);
    const fromDeleted = await failure(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'x', CopySource: `${bucket}/src` })));
    expect(fromDeleted.name).toBe('NoSuchKey');

    // UploadPartCopy takes a source version too.
    const mp = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp' }));
    const raw = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}/mp`,
      query: [
        ['partNumber', '1'],
        ['uploadId', mp.UploadId!],
      ],
      headers: { 'x-amz-copy-source': `/${bucket}/src?versionId=${v1}` },
    });
    expect(raw.status).toBe(200);
    expect(raw.headers['x-amz-copy-source-version-id']).toBe(v1);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'mp',
        UploadId: mp.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: xmlField(raw.body, 'ETag')!.replace(/&quot;/g, '"') }] },
      }),
    );
    expect(done.VersionId).toMatch(/^[0-9a-f]{32}$/);
    expect((await read(bucket, 'mp')).body).toBe('old bytes');
  });

  it('CompleteMultipartUpload creates a version and returns its id', async () => {
    const bucket = await newBucket('Enabled');
    const v1 = (await put(bucket, 'big', 'small first')).VersionId!;
    const mp = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big' }));
    const part = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'big', UploadId: mp.UploadId, PartNumber: 1, Body: 'multipart' }),
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'big',
        UploadId: mp.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    expect(done.VersionId).toMatch(/^[0-9a-f]{32}$/);
    expect(done.VersionId).not.toBe(v1);
    expect((await read(bucket, 'big')).body).toBe('multipart');
    expect((await read(bucket, 'big', v1)).body).toBe('small first');
  });

  it('DeleteObjects: versions by id, delete markers created and removed, reported per entry', async () => {
    const bucket = await newBucket('Enabled');
    const a1 = (await put(bucket, 'a', 'a1')).VersionId!;
    const a2 = (await put(bucket, 'a', 'a2')).VersionId!;
    await put(bucket, 'b', 'b1');
    const res = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: {
          Objects: [{ Key: 'a', VersionId: a1 }, { Key: 'b' }, { Key: 'c', VersionId: 'bad id' }],
        },
      }),
    );
    const byKey = new Map(res.Deleted?.map((d) => [d.Key, d]));
    expect(byKey.get('a')).toEqual({ Key: 'a', VersionId: a1 });
    expect(byKey.get('b')?.DeleteMarker).toBe(true);
    const markerB = byKey.get('b')!.DeleteMarkerVersionId!;
    expect(markerB).toMatch(/^[0-9a-f]{32}$/);
    expect(res.Errors?.map((e) => [e.Key, e.VersionId, e.Code])).toEqual([['c', 'bad id', 'InvalidArgument']]);

    const again = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'b', VersionId: markerB }] } }));
    expect(again.Deleted).toEqual([{ Key: 'b', VersionId: markerB, DeleteMarker: true, DeleteMarkerVersionId: markerB }]);
    expect((await read(bucket, 'b')).body).toBe('b1');
    expect((await allVersions(bucket, { Prefix: 'a' })).Versions?.map((v) => v.VersionId)).toEqual([a2]);
  });

  describe('ListObjectVersions', () => {
    let bucket: string;
    /** [key, version id, is a delete marker] in listing order */
    const expected: Array<[string, string, boolean]> = [];
    beforeAll(async () => {
      bucket = await newBucket('Enabled');
      const plan: Array<[string, number, boolean]> = [
        ['a', 3, false],
        ['dir/x', 2, true],
        ['dir/y', 1, false],
        ['dir/sub/z', 2, false],
        ['b b', 1, true],
        ['é', 2, false],
        ['z', 1, false],
      ];
      const history = new Map<string, Array<[string, boolean]>>();
      for (const [key, versions, deleted] of plan) {
        const list: Array<[string, boolean]> = [];
        for (let i = 0; i < versions; i++) list.unshift([(await put(bucket, key, `${key}-${i}`)).VersionId!, false]);
        if (deleted) list.unshift([(await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))).VersionId!, true]);
        history.set(key, list);
      }
      const keys = [...history.keys()].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      for (const key of keys) for (const [id, marker] of history.get(key)!) expected.push([key, id, marker]);
    });

    const entries = (res: ListObjectVersionsCommandOutput) =>
      [
        ...(res.Versions ?? []).map((v) => ({ key: v.Key!, id: v.VersionId!, marker: false, latest: v.IsLatest })),
        ...(res.DeleteMarkers ?? []).map((d) => ({ key: d.Key!, id: d.VersionId!, marker: true, latest: d.IsLatest })),
      ].sort((x, y) => expected.findIndex((e) => e[1] === x.id) - expected.findIndex((e) => e[1] === y.id));

    it('lists versions and delete markers in key order, newest first, IsLatest on the first of each key', async () => {
      const res = await allVersions(bucket);
      const got = entries(res);
      expect(got.map((e) => [e.key, e.id, e.marker])).toEqual(expected);
      const firstOfKey = new Set<string>();
      for (const e of got) {
        expect(e.latest).toBe(!firstOfKey.has(e.key));
        firstOfKey.add(e.key);
      }
      expect(res.IsTruncated).toBe(false);
      // The raw document interleaves Version and DeleteMarker in listing order.
      const raw = await rawRequest(server, { method: 'GET', path: `/${bucket}`, query: [['versions', '']] });
      const order = [...raw.body.matchAll(/<(Version|DeleteMarker)><Key>([^<]*)<\/Key><VersionId>([^<]*)</g)].map((m) => m[3]);
      expect(order).toEqual(expected.map((e) => e[1]));
    });

    it('paginates with key-marker and version-id-marker, page after page', async () => {
      for (const size of [1, 2, 3, 5]) {
        const seen: string[] = [];
        let keyMarker: string | undefined;
        let versionIdMarker: string | undefined;
        for (let page = 0; page < 50; page++) {
          const res = await s3.send(
            new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: size, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
          );
          const got = entries(res);
          expect(got.length).toBeLessThanOrEqual(size);
          seen.push(...got.map((e) => e.id));
          if (!res.IsTruncated) break;
          expect(res.NextKeyMarker).toBe(got[got.length - 1].key);
          expect(res.NextVersionIdMarker).toBe(got[got.length - 1].id);
          keyMarker = res.NextKeyMarker;
          versionIdMarker = res.NextVersionIdMarker;
        }
        expect(seen).toEqual(expected.map((e) => e[1]));
      }
    });

    it('starts after the whole key with a key-marker alone', async () => {
      const res = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: 'a' }));
      expect(entries(res).map((e) => e.id)).toEqual(expected.filter((e) => e[0] > 'a').map((e) => e[1]));
    });

    it('groups by delimiter into CommonPrefixes, with prefix and encoding-type=url', async () => {
      const top = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: '/' }));
      expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['dir/']);
      expect([...new Set(entries(top).map((e) => e.key))]).toEqual(['a', 'b b', 'z', 'é']);
      const dir = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'dir/', Delimiter: '/', MaxKeys: 2 }));
      expect(dir.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['dir/sub/']);
      expect(entries(dir).map((e) => [e.key, e.marker])).toEqual([['dir/x', true]]);
      expect(dir.IsTruncated).toBe(true);
      expect(dir.NextKeyMarker).toBe('dir/x');
      const raw = await rawRequest(server, {
        method: 'GET',
        path: `/${bucket}`,
        query: [
          ['versions', ''],
          ['prefix', 'b b'],
          ['encoding-type', 'url'],
        ],
      });
      expect(xmlField(raw.body, 'Key')).toBe('b%20b');
      expect(xmlField(raw.body, 'EncodingType')).toBe('url');
    });

    it('refuses a version-id-marker without key-marker, and a malformed one', async () => {
      const alone = await rawRequest(server, {
        method: 'GET',
        path: `/${bucket}`,
        query: [
          ['versions', ''],
          ['version-id-marker', expected[0][1]],
        ],
      });
      expect(alone.status).toBe(400);
      expect(xmlField(alone.body, 'Code')).toBe('InvalidArgument');
      const bad = await rawRequest(server, {
        method: 'GET',
        path: `/${bucket}`,
        query: [
          ['versions', ''],
          ['key-marker', 'a'],
          ['version-id-marker', 'zzz'],
        ],
      });
      expect(bad.status).toBe(400);
    });

    it('the AWS CLI walks every page (list-object-versions --page-size 2)', async () => {
      const cli = await awsCli(server, ['s3api', 'list-object-versions', '--bucket', bucket, '--page-size', '2']);
      expect(cli.code).toBe(0);
      const json = cli.json as { Versions?: Array<{ VersionId: string }>; DeleteMarkers?: Array<{ VersionId: string }> };
      const ids = [...(json.Versions ?? []), ...(json.DeleteMarkers ?? [])].map((v) => v.VersionId).sort();
      expect(ids).toEqual(expected.map((e) => e[1]).sort());
      expect(json.DeleteMarkers?.length).toBe(expected.filter((e) => e[2]).length);
    });
  });

  it('concurrent writers and deleters of one key leave every version and exactly one latest', async () => {
    const bucket = await newBucket('Enabled');
    await put(bucket, 'hot', 'seed');
    // No SDK retries: a conflict the server does not resolve itself must fail the test.
    const once = server.client({ maxAttempts: 1 });
    const writes = Array.from({ length: 12 }, (_v, i) => once.send(new PutObjectCommand({ Bucket: bucket, Key: 'hot', Body: `w${i}` })));
    const deletes = Array.from({ length: 4 }, () => once.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'hot' })));
    await Promise.all([...writes, ...deletes]);
    const list = await allVersions(bucket);
    const all = [...(list.Versions ?? []), ...(list.DeleteMarkers ?? [])];
    expect(all.length).toBe(17);
    expect(all.filter((v) => v.IsLatest).length).toBe(1);
    const newest = [...all].sort((a, b) => (a.VersionId! < b.VersionId! ? -1 : 1))[0];
    expect(newest.IsLatest).toBe(true);
    // Removing versions concurrently, the newest remaining one always ends up latest.
    const ids = (list.Versions ?? []).map((v) => v.VersionId!);
    await Promise.all(ids.slice(0, 8).map((id) => once.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'hot', VersionId: id }))));
    once.destroy();
    const after = await allVersions(bucket);
    const rest = [...(after.Versions ?? []), ...(after.DeleteMarkers ?? [])].sort((a, b) => (a.VersionId! < b.VersionId! ? -1 : 1));
    expect(rest.length).toBe(9);
    expect(rest.map((v) => v.IsLatest)).toEqual([true, ...Array(8).fill(false)]);
  });

  it('ListObjects stays correct and paginates when most keys are hidden behind delete markers', async () => {
    const bucket = await newBucket('Enabled');
    const keys = Array.from({ length: 30 }, (_v, i) => `k${String(i).padStart(2, '0')}`);
    for (const key of keys) await put(bucket, key, key);
    const kept = keys.filter((_k, i) => i % 7 === 3);
    await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.filter((k) => !kept.includes(k)).map((Key) => ({ Key })) } }),
    );
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 20; i++) {
      const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2, ContinuationToken: token }));
      seen.push(...(res.Contents ?? []).map((c) => c.Key!));
      if (!res.IsTruncated) break;
      token = res.NextContinuationToken;
    }
    expect(seen).toEqual(kept);
  });
});
