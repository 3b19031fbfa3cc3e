import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { InventoryService } from '../../../src/inventory/inventory.service';
import { ConsoleClient, createTenantFixture, TenantFixture } from '../../support/console-client';
import { download, upload } from '../../support/console-storage';
import { SettableClock } from '../../support/settable-clock';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

/** Every blob file under <dataDir>/blobs. */
function blobFiles(dataDir: string): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.add(p);
    }
  };
  walk(join(dataDir, 'blobs'));
  return out;
}

/** Inventory (configuration, runs, reports, schedule), integrity verification. */
describe('console bucket inventory and integrity', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let s3: S3Client;
  let a: TenantFixture;
  let b: TenantFixture;
  const clock = new SettableClock();
  const suffix = randomBytes(3).toString('hex');
  const source = uniqueBucket('src');
  const dest = uniqueBucket('dst');
  const keys = ['a.txt', 'dir/b.bin', 'quoted "name", with comma.txt'];

  beforeAll(async () => {
    server = await startServer({ clock, config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    s3 = server.client({ systemClockOffset: 0 });
    a = await createTenantFixture(root, `iva-${suffix}`);
    b = await createTenantFixture(root, `ivb-${suffix}`);
    await a.admin.post('buckets', { name: source });
    await a.admin.post('buckets', { name: dest });
    for (const [i, k] of keys.entries()) await upload(a.user, source, k, randomBytes(100 * (i + 1)), { 'content-type': 'text/plain' });
  });
  afterAll(() => server.close());

  describe('inventory', () => {
    it('validates the configuration: fields, destination of the same tenant', async () => {
      expect((await a.admin.get(`buckets/${source}/inventory`)).status).toBe(404);
      const bad = await a.admin.put(`buckets/${source}/inventory`, { destination_bucket: dest, schedule: 'Hourly' });
      expect(bad.status).toBe(400);
      expect(bad.body.fields.schedule).toBeDefined();
      expect((await a.admin.put(`buckets/${source}/inventory`, { schedule: 'Daily' })).body.fields.destination_bucket).toBeDefined();
      expect(
        (await a.admin.put(`buckets/${source}/inventory`, { destination_bucket: dest, schedule: 'Daily', fields: ['Colour'] })).body.fields
          .fields,
      ).toBeDefined();
      const bb = uniqueBucket('other');
      await b.admin.post('buckets', { name: bb });
      expect((await a.admin.put(`buckets/${source}/inventory`, { destination_bucket: bb, schedule: 'Daily' })).status).toBe(403);
      expect((await root.put(`buckets/${source}/inventory`, { destination_bucket: bb, schedule: 'Daily' })).status).toBe(400);
      expect((await root.put(`buckets/${source}/inventory`, { destination_bucket: uniqueBucket('none'), schedule: 'Daily' })).status).toBe(
        404,
      );
      expect((await b.admin.put(`buckets/${source}/inventory`, { destination_bucket: dest, schedule: 'Daily' })).status).toBe(403);
    });

    it('runs on demand (admins only) and writes a CSV whose lines match the objects', async () => {
      const put = await a.admin.put(`buckets/${source}/inventory`, { destination_bucket: dest, prefix: 'inv/', schedule: 'Daily' });
      expect(put.status).toBe(200);
      expect(put.body.data).toEqual({
        id: 'default',
        enabled: true,
        destination_bucket: dest,
        prefix: 'inv',
        schedule: 'Daily',
        format: 'CSV',
        included_versions: 'Current',
        fields: ['Size', 'ETag', 'LastModifiedDate', 'StorageClass', 'VersionId'],
        last_run_at: null,
      });
      expect((await a.user.post(`buckets/${source}/inventory/run`)).status).toBe(403);
      expect((await b.admin.post(`buckets/${source}/inventory/run`)).status).toBe(403);
      const run = await a.admin.post(`buckets/${source}/inventory/run`);
      expect(run.status).toBe(200);
      expect(run.body.data).toMatchObject({ bucket: source, destination_bucket: dest, rows: keys.length, object_bytes: 600 });
      expect(run.body.data.key).toMatch(new RegExp(`^inv/${source}/\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z\\.csv$`));

      const csv = (await download(a.admin, dest, run.body.data.key)).bytes.toString('utf8');
      const listed = (await a.admin.get(`buckets/${source}/objects`)).body.data.objects as Array<Record<string, string | number>>;
      const expected = [
        'key,size,etag,last_modified,storage_class,version_id',
        ...listed.map((o) => {
          const key = String(o.key).includes(',') ? `"${String(o.key).replace(/"/g, '""')}"` : o.key;
          return [key, o.size, o.etag, o.last_modified, o.storage_class, o.version_id].join(',');
        }),
      ];
      expect(csv).toBe(`${expected.join('\n')}\n`);
      expect(listed.map((o) => o.key)).toEqual([...keys].sort());

      const reports = await a.user.get(`buckets/${source}/inventory/reports`);
      expect(reports.status).toBe(200);
      expect(reports.body.data).toEqual([expect.objectContaining({ key: run.body.data.key, bucket: dest, size: Buffer.byteLength(csv) })]);
      expect(reports.body.reports).toEqual(reports.body.data);
      const foreign = await b.admin.get(`buckets/${source}/inventory/reports`);
      expect(foreign.status).toBe(403);
      expect(JSON.stringify(foreign.body)).not.toContain(run.body.data.key);
      expect((await a.admin.get(`buckets/${source}/inventory`)).body.data.last_run_at).toEqual(expect.any(String));
    });

    it('runs on schedule: a Daily report is due a day after the last one', async () => {
      const inventory = server.app.app.get(InventoryService);
      expect(await inventory.runDue()).toEqual([]);
      clock.advance(86_400_000 + 1000);
      const done = await inventory.runDue();
      expect(done.map((r) => r.bucket)).toEqual([source]);
      expect(await inventory.runDue()).toEqual([]);
      const reports = await a.admin.get(`buckets/${source}/inventory/reports`);
      expect(reports.body.data).toHaveLength(2);
      // Newest first.
      expect(reports.body.data[0].key > reports.body.data[1].key).toBe(true);
      expect((await a.admin.get(`buckets/${source}/inventory/reports?page_size=1&page=2`)).body.data).toHaveLength(1);
    });

    it('lists every version with included_versions All, and removes the configuration', async () => {
      await a.admin.put(`buckets/${source}/inventory`, {
        destination_bucket: dest,
        schedule: 'Weekly',
        included_versions: 'All',
        fields: ['Size', 'ContentType', 'IsMultipartUploaded'],
        enabled: false,
      });
      const run = await a.admin.post(`buckets/${source}/inventory/run`);
      const csv = (await download(a.admin, dest, run.body.data.key)).bytes.toString('utf8').trim().split('\n');
      expect(csv[0]).toBe('key,is_latest,is_delete_marker,size,content_type,is_multipart_uploaded');
      expect(csv[1]).toBe('a.txt,true,false,100,text/plain,false');
      clock.advance(8 * 86_400_000);
      expect(await server.app.app.get(InventoryService).runDue()).toEqual([]); // disabled: on demand only
      expect((await a.admin.delete(`buckets/${source}/inventory`)).status).toBe(204);
      expect((await a.admin.get(`buckets/${source}/inventory`)).status).toBe(404);
      expect((await a.admin.post(`buckets/${source}/inventory/run`)).status).toBe(400);
    });
  });

  describe('verify-integrity', () => {
    it('passes a healthy bucket (single-part, checksummed, multipart), rate-limited per bucket (429)', async () => {
      const bucket = uniqueBucket('ok');
      await a.admin.post('buckets', { name: bucket });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: randomBytes(1000) }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'summed', Body: randomBytes(1000), ChecksumAlgorithm: 'SHA256' }));
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'multi' }));
      const parts = [];
      for (const [n, size] of [
        [1, 5 * 1024 * 1024],
        [2, 1000],
      ]) {
        const { ETag } = await s3.send(
          new UploadPartCommand({ Bucket: bucket, Key: 'multi', UploadId, PartNumber: n, Body: randomBytes(size) }),
        );
        parts.push({ PartNumber: n, ETag });
      }
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'multi', UploadId, MultipartUpload: { Parts: parts } }));

      expect((await a.user.post(`buckets/${bucket}/verify-integrity`)).status).toBe(403);
      expect((await b.admin.post(`buckets/${bucket}/verify-integrity`)).status).toBe(403);
      expect((await root.post(`buckets/${uniqueBucket('none')}/verify-integrity`)).status).toBe(404);
      const res = await a.admin.post(`buckets/${bucket}/verify-integrity`);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ bucket, versions_checked: 3, blobs_checked: 4, passed: 3, failed: 0, ok: true, failures: [] });
      const again = await root.post(`buckets/${bucket}/verify-integrity`);
      expect(again.status).toBe(429);
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(again.body).toMatchObject({ success: false, code: 'TooManyRequests' });
    });

    it('detects a blob corrupted on disk and names the key', async () => {
      const bucket = uniqueBucket('bad');
      await a.admin.post('buckets', { name: bucket });
      await upload(a.admin, bucket, 'fine.txt', randomBytes(500));
      const before = blobFiles(server.dataDir);
      await upload(a.admin, bucket, 'dir/broken.txt', randomBytes(500));
      const added = [...blobFiles(server.dataDir)].filter((f) => !before.has(f));
      expect(added).toHaveLength(1);
      const original = readFileSync(added[0]);
      const flipped = Buffer.from(original);
      flipped[10] ^= 0xff;
      writeFileSync(added[0], flipped);
      const res = await a.admin.post(`buckets/${bucket}/verify-integrity`);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ versions_checked: 2, passed: 1, failed: 1, ok: false });
      expect(res.body.data.failures).toEqual([
        { key: 'dir/broken.txt', version_id: 'null', problem: 'etag_mismatch', detail: expect.stringMatching(/^MD5 /) },
      ]);

      // A truncated blob is a size mismatch; a missing one is reported as missing.
      const bucket2 = uniqueBucket('bad2');
      await a.admin.post('buckets', { name: bucket2 });
      const before2 = blobFiles(server.dataDir);
      await upload(a.admin, bucket2, 'short', randomBytes(500));
      const [short] = [...blobFiles(server.dataDir)].filter((f) => !before2.has(f));
      writeFileSync(short, readFileSync(short).subarray(0, 100));
      const res2 = await root.post(`buckets/${bucket2}/verify-integrity`);
      expect(res2.body.data.failures).toEqual([expect.objectContaining({ key: 'short', problem: 'size_mismatch' })]);

      const bucket3 = uniqueBucket('bad3');
      await a.admin.post('buckets', { name: bucket3 });
      const before3 = blobFiles(server.dataDir);
      await upload(a.admin, bucket3, 'lost', randomBytes(500));
      const [lost] = [...blobFiles(server.dataDir)].filter((f) => !before3.has(f));
      unlinkSync(lost);
      const res3 = await root.post(`buckets/${bucket3}/verify-integrity`);
      expect(res3.body.data.failures).toEqual([expect.objectContaining({ key: 'lost', problem: 'missing_blob' })]);
    });
  });
});
