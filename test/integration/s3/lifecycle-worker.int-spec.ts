import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  LifecycleRule,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { DatabaseService } from '../../../src/database/database.service';
import { LifecycleProgressEntity } from '../../../src/lifecycle/entities/lifecycle-progress.entity';
import { LifecycleWorker } from '../../../src/lifecycle/lifecycle.worker';
import { SettableClock } from '../../support/settable-clock';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

const DAY = 86_400_000;

describe('lifecycle worker', () => {
  const clock = new SettableClock();
  let server: TestServer;
  let worker: LifecycleWorker;
  const clients: S3Client[] = [];

  beforeAll(async () => {
    server = await startServer({ clock });
    worker = server.app.app.get(LifecycleWorker);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.close();
  });

  /** A client signing with the server's (moved) clock. */
  const s3 = () => {
    const c = server.client({ systemClockOffset: clock.offset });
    clients.push(c);
    return c;
  };

  const bucketWith = async (rules: LifecycleRule[], opts: { versioned?: boolean; objectLock?: boolean } = {}) => {
    const bucket = uniqueBucket('lcw');
    await s3().send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: opts.objectLock }));
    if (opts.versioned) await s3().send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await s3().send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } }));
    return bucket;
  };

  const keys = async (bucket: string) => ((await s3().send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);

  const blobFiles = (): Set<string> => {
    const out = new Set<string>();
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else out.add(join(dir, e.name));
      }
    };
    walk(join(server.dataDir, 'blobs'));
    return out;
  };
  const added = (before: Set<string>, after: Set<string>) => [...after].filter((f) => !before.has(f));

  it('expires current objects a rule matches (prefix, tag, size) once due, and leaves the others', async () => {
    const bucket = await bucketWith([
      { ID: 'tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } },
      { ID: 'tagged', Status: 'Enabled', Filter: { Tag: { Key: 'expire', Value: 'yes' } }, Expiration: { Days: 1 } },
      { ID: 'big', Status: 'Enabled', Filter: { And: { Prefix: 'data/', ObjectSizeGreaterThan: 1000 } }, Expiration: { Days: 1 } },
      { ID: 'off', Status: 'Disabled', Filter: { Prefix: 'keep/' }, Expiration: { Days: 1 } },
    ]);
    const put = (Key: string, Body: string | Buffer, Tagging?: string) =>
      s3().send(new PutObjectCommand({ Bucket: bucket, Key, Body, Tagging }));
    await put('tmp/a', 'a');
    await put('tmp/b', 'b');
    await put('xtmp/a', 'prefix is not a substring match');
    await put('keep/a', 'disabled rule');
    await put('docs/x', 'tagged', 'expire=yes&team=a');
    await put('docs/y', 'other value', 'expire=no');
    await put('docs/z', 'untagged');
    await put('data/big', Buffer.alloc(2000, 1));
    await put('data/small', Buffer.alloc(10, 1));
    expect((await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: 'docs/x' }))).Expiration).toMatch(/rule-id="tagged"$/);

    // Not due yet: nothing happens.
    expect((await worker.runOnce()).expiredObjects).toBe(0);
    expect(await keys(bucket)).toHaveLength(9);

    clock.advance(2 * DAY);
    const report = await worker.runOnce();
    expect(report.expiredObjects).toBe(4);
    expect(await keys(bucket)).toEqual(['data/small', 'docs/y', 'docs/z', 'keep/a', 'xtmp/a']);
    // A second run finds nothing more to do.
    expect((await worker.runOnce()).expiredObjects).toBe(0);
  });

  it('aborts incomplete multipart uploads after DaysAfterInitiation and frees their part blobs', async () => {
    const bucket = await bucketWith([
      { ID: 'abort', Status: 'Enabled', Filter: { Prefix: 'big/' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } },
    ]);
    const upload = async (Key: string, parts: number) => {
      const { UploadId } = await s3().send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
      for (let n = 1; n <= parts; n++) {
        await s3().send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: n, Body: Buffer.alloc(1024, n) }));
      }
      return UploadId!;
    };
    const before = blobFiles();
    await upload('big/file.bin', 2);
    const stale = added(before, blobFiles());
    expect(stale).toHaveLength(2);
    const middle = blobFiles();
    const keptId = await upload('other/file.bin', 1);
    const kept = added(middle, blobFiles());
    expect(kept).toHaveLength(1);

    clock.advance(1 * DAY);
    expect((await worker.runOnce()).abortedUploads).toBe(0);

    clock.advance(2 * DAY);
    expect((await worker.runOnce()).abortedUploads).toBe(1);
    const left = await s3().send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect((left.Uploads ?? []).map((u) => [u.Key, u.UploadId])).toEqual([['other/file.bin', keptId]]);
    for (const f of stale) expect(existsSync(f)).toBe(false);
    for (const f of kept) expect(existsSync(f)).toBe(true);
  });

  it('in a versioned bucket: expiration adds a delete marker, noncurrent versions expire, lone delete markers go', async () => {
    const bucket = await bucketWith(
      [
        { ID: 'current', Status: 'Enabled', Filter: { Prefix: 'c/' }, Expiration: { Days: 1 } },
        {
          ID: 'keep-one',
          Status: 'Enabled',
          Filter: { Prefix: 'v/' },
          NoncurrentVersionExpiration: { NoncurrentDays: 1, NewerNoncurrentVersions: 1 },
        },
        {
          ID: 'markers',
          Status: 'Enabled',
          Filter: { Prefix: 'm/' },
          Expiration: { ExpiredObjectDeleteMarker: true },
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        },
      ],
      { versioned: true },
    );
    const put = async (Key: string, Body: string) => (await s3().send(new PutObjectCommand({ Bucket: bucket, Key, Body }))).VersionId!;
    await put('c/k', 'current');
    const v1 = await put('v/k', 'one');
    const v2 = await put('v/k', 'two');
    const v3 = await put('v/k', 'three');
    await put('m/k', 'soon deleted');
    await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: 'm/k' }));

    clock.advance(2 * DAY);
    const first = await worker.runOnce();
    expect(first).toMatchObject({ expiredObjects: 1, expiredVersions: 2 });
    const versions = async () => {
      const res = await s3().send(new ListObjectVersionsCommand({ Bucket: bucket }));
      return {
        versions: (res.Versions ?? []).map((v) => `${v.Key}@${v.VersionId}${v.IsLatest ? '*' : ''}`),
        markers: (res.DeleteMarkers ?? []).map((m) => `${m.Key}${m.IsLatest ? '*' : ''}`),
      };
    };
    let state = await versions();
    expect(state.versions.filter((v) => v.startsWith('v/'))).toEqual([`v/k@${v3}*`, `v/k@${v2}`]);
    expect(state.versions.some((v) => v.startsWith('c/k@'))).toBe(true);
    expect(state.markers).toEqual(['c/k*', 'm/k*']);
    expect(v1).not.toBe(v2);

    // The marker of m/k is alone now: the next run removes it.
    const second = await worker.runOnce();
    expect(second.removedDeleteMarkers).toBe(1);
    state = await versions();
    expect(state.markers).toEqual(['c/k*']);
  });

  it('never removes a version under a legal hold or a retention period', async () => {
    const bucket = await bucketWith([{ ID: 'nc', Status: 'Enabled', Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }], {
      objectLock: true,
    });
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'held', Body: 'v1', ObjectLockLegalHoldStatus: 'ON' }));
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'held', Body: 'v2' }));
    await s3().send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'retained',
        Body: 'v1',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(clock.now().getTime() + 30 * DAY),
      }),
    );
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'retained', Body: 'v2' }));
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'free', Body: 'v1' }));
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: 'free', Body: 'v2' }));

    clock.advance(2 * DAY);
    const report = await worker.runOnce();
    expect(report).toMatchObject({ expiredVersions: 1, lockedVersions: 2 });
    const res = await s3().send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect((res.Versions ?? []).map((v) => v.Key)).toEqual(['free', 'held', 'held', 'retained', 'retained']);
  });

  it('skips a bucket another node holds, takes it over once the lease expires, and resumes from the saved cursor', async () => {
    const bucket = await bucketWith([{ ID: 'all', Status: 'Enabled', Filter: {}, Expiration: { Days: 1 } }]);
    for (const k of ['a', 'b', 'c']) await s3().send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
    clock.advance(2 * DAY);
    const db = server.app.app.get(DatabaseService);
    const bucketId = (await db.dataSource.query(`SELECT id FROM buckets WHERE name = '${bucket}'`))[0].id as string;
    const progress = db.repo(LifecycleProgressEntity);
    // Another node is in the middle of this bucket: it got to `b`.
    await progress.save({
      bucketId,
      leaseOwner: 'other-node',
      leaseUntil: Date.now() + 60_000,
      cursor: { phase: 'objects', key: 'b' },
      lastCompletedAt: null,
    });
    await worker.runOnce();
    expect(await keys(bucket)).toEqual(['a', 'b', 'c']);

    // That node died: its lease runs out, and this one carries on after `b`.
    await progress.update({ bucketId }, { leaseUntil: Date.now() - 1 });
    await worker.runOnce();
    expect(await keys(bucket)).toEqual(['a', 'b']);
    expect(await progress.findOneBy({ bucketId })).toMatchObject({ leaseOwner: null, cursor: null });

    // The next pass starts from the beginning.
    await worker.runOnce();
    expect(await keys(bucket)).toEqual([]);
  });
});
