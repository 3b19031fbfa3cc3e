import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { awsCli } from '../../support/aws-cli';
import { rawRequest, xmlField } from '../../support/raw-request';
import { SettableClock } from '../../support/settable-clock';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

const PROTECTED = 'Access Denied because object protected by object lock.';
const MINUTE = 60_000;
const md5 = (s: string) => createHash('md5').update(s).digest('base64');

describe('object lock', () => {
  const clock = new SettableClock();
  let server: TestServer;
  let s3: S3Client;
  beforeAll(async () => {
    server = await startServer({ clock });
    s3 = server.client();
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  /** Moves the server's clock; the SDK signs with the same offset (the AWS CLI stays within the 15-minute skew). */
  const advance = (ms: number) => {
    clock.advance(ms);
    (s3.config as unknown as { systemClockOffset: number }).systemClockOffset = clock.offset;
  };
  const inFuture = (ms: number) => new Date(clock.now().getTime() + ms);
  const failure = async (p: Promise<unknown>) => {
    const err = (await p.then(
      () => undefined,
      (e: unknown) => e,
    )) as { name: string; message: string; $metadata: { httpStatusCode?: number } } | undefined;
    if (!err) throw new Error('expected the request to fail');
    return { name: err.name, message: err.message, status: err.$metadata.httpStatusCode };
  };
  const lockedBucket = async () => {
    const bucket = uniqueBucket('lock');
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    return bucket;
  };
  const deleteVersion = (bucket: string, key: string, versionId: string, bypass = false) =>
    s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, BypassGovernanceRetention: bypass || undefined }));

  it('CreateBucket with object lock enables versioning for good; configuration errors as S3', async () => {
    const bucket = await lockedBucket();
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Enabled');
    const config = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    expect(config.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled' });
    const suspend = await failure(
      s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } })),
    );
    expect([suspend.name, suspend.status]).toEqual(['InvalidBucketState', 409]);

    const plain = uniqueBucket('plain');
    await s3.send(new CreateBucketCommand({ Bucket: plain }));
    const none = await failure(s3.send(new GetObjectLockConfigurationCommand({ Bucket: plain })));
    expect([none.name, none.status]).toEqual(['ObjectLockConfigurationNotFoundError', 404]);
    const unversioned = await failure(
      s3.send(new PutObjectLockConfigurationCommand({ Bucket: plain, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } })),
    );
    expect([unversioned.name, unversioned.status]).toEqual(['InvalidBucketState', 409]);
    // Once versioning is enabled, object lock can be turned on for an existing bucket (as S3 allows since 2023).
    await s3.send(new PutBucketVersioningCommand({ Bucket: plain, VersioningConfiguration: { Status: 'Enabled' } }));
    await s3.send(new PutObjectLockConfigurationCommand({ Bucket: plain, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } }));
    expect((await s3.send(new GetObjectLockConfigurationCommand({ Bucket: plain }))).ObjectLockConfiguration?.ObjectLockEnabled).toBe(
      'Enabled',
    );

    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 2 } } },
      }),
    );
    expect((await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))).ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 2 } },
    });

    const put = (body: string, headers: Record<string, string> = { 'content-md5': md5(body) }) =>
      rawRequest(server, { method: 'PUT', path: `/${bucket}`, query: [['object-lock', '']], body, headers });
    const zeroDays =
      '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>0</Days></DefaultRetention></Rule></ObjectLockConfiguration>';
    const both =
      '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>';
    const badMode =
      '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>STRICT</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>';
    expect(xmlField((await put(zeroDays)).body, 'Code')).toBe('InvalidRetentionPeriod');
    expect(xmlField((await put(both)).body, 'Code')).toBe('MalformedXML');
    expect(xmlField((await put(badMode)).body, 'Code')).toBe('MalformedXML');
    const noDigest = await put(zeroDays, {});
    expect(noDigest.status).toBe(400);
    expect(xmlField(noDigest.body, 'Code')).toBe('InvalidRequest');
    expect(xmlField(noDigest.body, 'Message')).toBe(
      'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
    );
  });

  it("applies the bucket's default retention to new versions; explicit headers override it", async () => {
    const bucket = await lockedBucket();
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } },
      }),
    );
    const before = clock.now().getTime();
    const v = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'data' }))).VersionId!;
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'k' }));
    expect(head.ObjectLockMode).toBe('GOVERNANCE');
    const until = head.ObjectLockRetainUntilDate!.getTime();
    expect(until).toBeGreaterThanOrEqual(before + 24 * 60 * MINUTE - 1000);
    expect(until).toBeLessThanOrEqual(clock.now().getTime() + 24 * 60 * MINUTE);
    const retention = await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'k', VersionId: v }));
    expect(retention.Retention?.Mode).toBe('GOVERNANCE');
    expect(retention.Retention?.RetainUntilDate?.getTime()).toBe(until);

    const denied = await failure(deleteVersion(bucket, 'k', v));
    expect([denied.name, denied.status, denied.message]).toEqual(['AccessDenied', 403, PROTECTED]);
    await deleteVersion(bucket, 'k', v, true);
    expect((await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions).toBeUndefined();

    const explicit = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'c',
        Body: 'x',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: inFuture(MINUTE),
      }),
    );
    const c = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'c', VersionId: explicit.VersionId }));
    expect(c.ObjectLockMode).toBe('COMPLIANCE');
  });

  it('GOVERNANCE: blocks deleting the version until the date passes; bypass works; DELETE without version adds a marker', async () => {
    const bucket = await lockedBucket();
    const v = (
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'g',
          Body: 'governed',
          ObjectLockMode: 'GOVERNANCE',
          ObjectLockRetainUntilDate: inFuture(MINUTE),
        }),
      )
    ).VersionId!;
    const denied = await failure(deleteVersion(bucket, 'g', v));
    expect([denied.name, denied.status, denied.message]).toEqual(['AccessDenied', 403, PROTECTED]);
    const inBatch = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'g', VersionId: v }] } }));
    expect(inBatch.Errors?.map((e) => [e.Key, e.VersionId, e.Code, e.Message])).toEqual([['g', v, 'AccessDenied', PROTECTED]]);

    const marker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'g' }));
    expect(marker.DeleteMarker).toBe(true);
    const list = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect(list.Versions?.map((x) => x.VersionId)).toEqual([v]);
    await deleteVersion(bucket, 'g', marker.VersionId!);

    advance(MINUTE + 1000);
    await deleteVersion(bucket, 'g', v);
    expect((await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions).toBeUndefined();

    const w = (
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'h',
          Body: 'x',
          ObjectLockMode: 'GOVERNANCE',
          ObjectLockRetainUntilDate: inFuture(MINUTE),
        }),
      )
    ).VersionId!;
    const raw = await rawRequest(server, {
      method: 'DELETE',
      path: `/${bucket}/h`,
      query: [['versionId', w]],
      headers: { 'x-amz-bypass-governance-retention': 'true' },
      date: clock.now(),
    });
    expect(raw.status).toBe(204);
  });

  it('GOVERNANCE: shortening, changing or removing the retention needs the bypass header (AWS CLI and SDK)', async () => {
    const bucket = await lockedBucket();
    const until = inFuture(10 * MINUTE);
    const v = (
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'r', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: until }),
      )
    ).VersionId!;
    const iso = (d: Date) => d.toISOString();
    const shorter = inFuture(5 * MINUTE);
    const refused = await awsCli(server, [
      's3api',
      'put-object-retention',
      '--bucket',
      bucket,
      '--key',
      'r',
      '--retention',
      JSON.stringify({ Mode: 'GOVERNANCE', RetainUntilDate: iso(shorter) }),
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('ObjectLocked');
    const bypassed = await awsCli(server, [
      's3api',
      'put-object-retention',
      '--bucket',
      bucket,
      '--key',
      'r',
      '--version-id',
      v,
      '--bypass-governance-retention',
      '--retention',
      JSON.stringify({ Mode: 'GOVERNANCE', RetainUntilDate: iso(shorter) }),
    ]);
    expect(bypassed.stderr).toBe('');
    expect(bypassed.code).toBe(0);
    const got = await awsCli(server, ['s3api', 'get-object-retention', '--bucket', bucket, '--key', 'r']);
    const retention = (got.json as { Retention: { Mode: string; RetainUntilDate: string } }).Retention;
    expect(retention.Mode).toBe('GOVERNANCE');
    expect(new Date(retention.RetainUntilDate).getTime()).toBe(new Date(iso(shorter)).getTime());

    // Extending needs no bypass.
    await s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: 'r', Retention: { Mode: 'GOVERNANCE', RetainUntilDate: until } }));
    const toCompliance = await failure(
      s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: 'r', Retention: { Mode: 'COMPLIANCE', RetainUntilDate: until } })),
    );
    expect([toCompliance.name, toCompliance.status]).toEqual(['ObjectLocked', 403]);
    const remove = await failure(s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: 'r', Retention: {} })));
    expect(remove.name).toBe('ObjectLocked');
    await s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: 'r', Retention: {}, BypassGovernanceRetention: true }));
    const gone = await failure(s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'r' })));
    expect([gone.name, gone.status]).toEqual(['NoSuchObjectLockConfiguration', 404]);
    await deleteVersion(bucket, 'r', v);

    const past = await failure(
      s3.send(
        new PutObjectRetentionCommand({
          Bucket: bucket,
          Key: 'r',
          Retention: { Mode: 'GOVERNANCE', RetainUntilDate: new Date(clock.now().getTime() - 1000) },
        }),
      ),
    );
    expect([past.name, past.message]).toEqual(['InvalidArgument', 'The retain until date must be in the future!']);
  });

  it('COMPLIANCE: nobody, root included, deletes the version or shortens the retention before the date', async () => {
    const bucket = await lockedBucket();
    const until = inFuture(MINUTE);
    const v = (
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'c', Body: 'kept', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until }),
      )
    ).VersionId!;
    const denied = await failure(deleteVersion(bucket, 'c', v, true));
    expect([denied.name, denied.status, denied.message]).toEqual(['AccessDenied', 403, PROTECTED]);
    for (const retention of [
      { Mode: 'COMPLIANCE' as const, RetainUntilDate: new Date(until.getTime() - 10_000) },
      { Mode: 'GOVERNANCE' as const, RetainUntilDate: inFuture(2 * MINUTE) },
      {},
    ]) {
      const e = await failure(
        s3.send(
          new PutObjectRetentionCommand({ Bucket: bucket, Key: 'c', VersionId: v, Retention: retention, BypassGovernanceRetention: true }),
        ),
      );
      expect([e.name, e.status]).toEqual(['ObjectLocked', 403]);
    }
    const longer = inFuture(2 * MINUTE);
    await s3.send(
      new PutObjectRetentionCommand({ Bucket: bucket, Key: 'c', VersionId: v, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: longer } }),
    );
    advance(MINUTE + 1000);
    expect((await failure(deleteVersion(bucket, 'c', v, true))).name).toBe('AccessDenied');
    advance(MINUTE + 1000);
    await deleteVersion(bucket, 'c', v);
    expect((await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions).toBeUndefined();
  });

  it('legal hold blocks deletion regardless of retention and bypass, until released (AWS CLI)', async () => {
    const bucket = await lockedBucket();
    const v = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'h', Body: 'held' }))).VersionId!;
    const never = await failure(s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: 'h' })));
    expect([never.name, never.status]).toEqual(['NoSuchObjectLockConfiguration', 404]);
    const on = await awsCli(server, ['s3api', 'put-object-legal-hold', '--bucket', bucket, '--key', 'h', '--legal-hold', 'Status=ON']);
    expect(on.stderr).toBe('');
    expect(on.code).toBe(0);
    const got = await awsCli(server, ['s3api', 'get-object-legal-hold', '--bucket', bucket, '--key', 'h', '--version-id', v]);
    expect(got.json).toEqual({ LegalHold: { Status: 'ON' } });
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'h' }))).ObjectLockLegalHoldStatus).toBe('ON');
    const denied = await failure(deleteVersion(bucket, 'h', v, true));
    expect([denied.name, denied.message]).toEqual(['AccessDenied', PROTECTED]);
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: 'h', VersionId: v, LegalHold: { Status: 'OFF' } }));
    expect((await s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: 'h' }))).LegalHold?.Status).toBe('OFF');
    await deleteVersion(bucket, 'h', v);

    // On PutObject, together with an expired retention.
    const w = (
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'w',
          Body: 'x',
          ObjectLockLegalHoldStatus: 'ON',
          ObjectLockMode: 'GOVERNANCE',
          ObjectLockRetainUntilDate: inFuture(1000),
        }),
      )
    ).VersionId!;
    advance(2000);
    expect((await failure(deleteVersion(bucket, 'w', w))).name).toBe('AccessDenied');
    const bad = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}/w`,
      query: [['legal-hold', '']],
      body: '<LegalHold><Status>MAYBE</Status></LegalHold>',
      headers: { 'content-md5': md5('<LegalHold><Status>MAYBE</Status></LegalHold>') },
      date: clock.now(),
    });
    expect(xmlField(bad.body, 'Code')).toBe('MalformedXML');
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: 'w', LegalHold: { Status: 'OFF' } }));
    await deleteVersion(bucket, 'w', w);
  });

  it('lock headers need Content-MD5 or a checksum, a bucket with object lock, a future date, and mode with date', async () => {
    const bucket = await lockedBucket();
    const headers = (until: Date) => ({
      'x-amz-object-lock-mode': 'GOVERNANCE',
      'x-amz-object-lock-retain-until-date': until.toISOString(),
    });
    const noDigest = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}/k`,
      body: 'abc',
      headers: headers(inFuture(MINUTE)),
      date: clock.now(),
    });
    expect(noDigest.status).toBe(400);
    expect(xmlField(noDigest.body, 'Code')).toBe('InvalidRequest');
    expect(xmlField(noDigest.body, 'Message')).toBe(
      'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
    );
    const withMd5 = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}/k`,
      body: 'abc',
      headers: { ...headers(inFuture(MINUTE)), 'content-md5': md5('abc') },
      date: clock.now(),
    });
    expect(withMd5.status).toBe(200);
    expect(withMd5.headers['x-amz-version-id']).toMatch(/^[0-9a-f]{32}$/);

    const past = await failure(
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'p',
          Body: 'x',
          ObjectLockMode: 'GOVERNANCE',
          ObjectLockRetainUntilDate: new Date(clock.now().getTime() - MINUTE),
        }),
      ),
    );
    expect([past.name, past.message]).toEqual(['InvalidArgument', 'The retain until date must be in the future!']);
    const modeOnly = await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'p', Body: 'x', ObjectLockMode: 'GOVERNANCE' })));
    expect(modeOnly.name).toBe('InvalidArgument');

    const plain = uniqueBucket('plain');
    await s3.send(new CreateBucketCommand({ Bucket: plain }));
    const noLock = await failure(
      s3.send(
        new PutObjectCommand({
          Bucket: plain,
          Key: 'p',
          Body: 'x',
          ObjectLockMode: 'GOVERNANCE',
          ObjectLockRetainUntilDate: inFuture(MINUTE),
        }),
      ),
    );
    expect([noLock.name, noLock.message]).toEqual(['InvalidRequest', 'Bucket is missing Object Lock Configuration']);
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: 'p', Body: 'x' }));
    const retentionOnPlain = await failure(s3.send(new GetObjectRetentionCommand({ Bucket: plain, Key: 'p' })));
    expect(retentionOnPlain.name).toBe('InvalidRequest');

    const body = `<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>${inFuture(2 * MINUTE).toISOString()}</RetainUntilDate></Retention>`;
    const retentionNoDigest = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}/k`,
      query: [['retention', '']],
      body,
      date: clock.now(),
    });
    expect(retentionNoDigest.status).toBe(400);
    expect(xmlField(retentionNoDigest.body, 'Code')).toBe('InvalidRequest');
    const holdNoDigest = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}/k`,
      query: [['legal-hold', '']],
      body: '<LegalHold><Status>ON</Status></LegalHold>',
      date: clock.now(),
    });
    expect(xmlField(holdNoDigest.body, 'Code')).toBe('InvalidRequest');
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: 'k', LegalHold: { Status: 'OFF' } }));
  });

  it('CopyObject and CreateMultipartUpload apply their lock headers to the new version', async () => {
    const bucket = await lockedBucket();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: 'source' }));
    const until = inFuture(5 * MINUTE);
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'copy',
        CopySource: `${bucket}/src`,
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: until,
        ObjectLockLegalHoldStatus: 'ON',
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copy', VersionId: copy.VersionId }));
    expect([head.ObjectLockMode, head.ObjectLockRetainUntilDate?.getTime(), head.ObjectLockLegalHoldStatus]).toEqual([
      'GOVERNANCE',
      new Date(until.toISOString()).getTime(),
      'ON',
    ]);
    // The source had no lock: nothing is copied from it.
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'src' }))).ObjectLockMode).toBeUndefined();

    const mp = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until }),
    );
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId: mp.UploadId, PartNumber: 1, Body: 'part' }));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'mp',
        UploadId: mp.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    const mpHead = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'mp' }));
    expect(mpHead.ObjectLockMode).toBe('COMPLIANCE');
    expect((await failure(deleteVersion(bucket, 'mp', done.VersionId!, true))).name).toBe('AccessDenied');
    const noLock = uniqueBucket('plain');
    await s3.send(new CreateBucketCommand({ Bucket: noLock }));
    const refused = await failure(
      s3.send(
        new CreateMultipartUploadCommand({ Bucket: noLock, Key: 'mp', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until }),
      ),
    );
    expect(refused.name).toBe('InvalidRequest');
  });

  // Last: it moves the clock a day ahead, past the AWS CLI's skew window (the SDK signs with the offset).
  it('a default retention of one day protects the version for exactly that day', async () => {
    const bucket = await lockedBucket();
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } },
      }),
    );
    const v = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'd', Body: 'day' }))).VersionId!;
    advance(24 * 60 * MINUTE - MINUTE);
    expect((await failure(deleteVersion(bucket, 'd', v))).name).toBe('AccessDenied');
    advance(2 * MINUTE);
    await deleteVersion(bucket, 'd', v);
    expect((await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions).toBeUndefined();
  });
});
