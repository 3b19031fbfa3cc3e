import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { eventually } from '../../support/eventually';
import { blobBytes, startTestCluster, TestCluster, TestNode } from '../../support/cluster';
import { uniqueBucket } from '../../support/start-server';

/**
 * Data across nodes (two server processes on one PostgreSQL): CopyObject and UploadPartCopy
 * between buckets held by different nodes, and console object operations on a node that does not
 * hold the bucket. PostgreSQL only (cluster mode refuses SQLite): skipped without TEST_DATABASE_URL.
 */
const BASE_URL = process.env.TEST_DATABASE_URL;
if (!BASE_URL) process.stderr.write('cluster-data.int-spec: SKIPPED — cluster tests need PostgreSQL; set TEST_DATABASE_URL to run them\n');

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bodyBytes = async (body: unknown) =>
  Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
const statusOf = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode,
  );

(BASE_URL ? describe : describe.skip)('data across cluster nodes (skipped without TEST_DATABASE_URL)', () => {
  let cluster: TestCluster;
  let a: TestNode;
  let b: TestNode;
  let onA: string;
  let onB: string;

  beforeAll(async () => {
    cluster = await startTestCluster(BASE_URL!, ['node-a', 'node-b']);
    [a, b] = cluster.nodes;
    onA = uniqueBucket('held-by-a');
    onB = uniqueBucket('held-by-b');
    // A bucket belongs to the node that creates it.
    await a.server.client().send(new CreateBucketCommand({ Bucket: onA }));
    await b.server.client().send(new CreateBucketCommand({ Bucket: onB }));
  }, 120_000);
  afterAll(async () => cluster?.close());

  it('copies an object version between buckets on different nodes, keeping S3 semantics', async () => {
    const s3 = a.server.client();
    await s3.send(new PutBucketVersioningCommand({ Bucket: onA, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = randomBytes(3 * 1024 * 1024 + 5);
    const put1 = await s3.send(
      new PutObjectCommand({
        Bucket: onA,
        Key: 'src.bin',
        Body: v1,
        ContentType: 'application/x-first',
        Metadata: { colour: 'blue' },
        Tagging: 'stage=one',
        ChecksumAlgorithm: 'SHA256',
        ServerSideEncryption: 'AES256',
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: onA, Key: 'src.bin', Body: 'second version' }));
    const bBefore = blobBytes(b.server.dataDir);

    // Through node A (which holds the source) into the bucket node B holds: the older version, by id.
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket: onB,
        Key: 'copy.bin',
        CopySource: `${onA}/src.bin?versionId=${put1.VersionId}`,
        CopySourceIfMatch: put1.ETag,
        // An encrypted source to an encrypted copy: the data keys are re-wrapped, the stored bytes streamed as they are.
        ServerSideEncryption: 'AES256',
      }),
    );
    expect(copy.CopySourceVersionId).toBe(put1.VersionId);
    expect(copy.CopyObjectResult?.ETag).toBe(put1.ETag);
    const got = await b.server.client().send(new GetObjectCommand({ Bucket: onB, Key: 'copy.bin', ChecksumMode: 'ENABLED' }));
    expect(sha256(await bodyBytes(got.Body))).toBe(sha256(v1));
    expect(got.ContentType).toBe('application/x-first');
    expect(got.Metadata).toEqual({ colour: 'blue' });
    expect(got.ServerSideEncryption).toBe('AES256');
    expect(got.ChecksumSHA256).toBe(put1.ChecksumSHA256);
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: onB, Key: 'copy.bin' }));
    expect(tags.TagSet).toEqual([{ Key: 'stage', Value: 'one' }]);
    // The copy's bytes are on B's volume.
    expect(blobBytes(b.server.dataDir) - bBefore).toBeGreaterThanOrEqual(v1.length);

    // REPLACE directives, through node B (which holds the destination only).
    await b.server.client().send(
      new CopyObjectCommand({
        Bucket: onB,
        Key: 'replaced.txt',
        // The encrypted version, copied unencrypted: decrypted as it streams from A, written plain on B.
        CopySource: `${onA}/src.bin?versionId=${put1.VersionId}`,
        MetadataDirective: 'REPLACE',
        ContentType: 'text/plain',
        Metadata: { colour: 'red' },
        TaggingDirective: 'REPLACE',
        Tagging: 'stage=two',
      }),
    );
    const head = await a.server.client().send(new HeadObjectCommand({ Bucket: onB, Key: 'replaced.txt' }));
    expect(head.ContentType).toBe('text/plain');
    expect(head.Metadata).toEqual({ colour: 'red' });
    expect(head.ServerSideEncryption).toBeUndefined();
    const replacedTags = await a.server.client().send(new GetObjectTaggingCommand({ Bucket: onB, Key: 'replaced.txt' }));
    expect(replacedTags.TagSet).toEqual([{ Key: 'stage', Value: 'two' }]);
    const plain = await b.server.client().send(new GetObjectCommand({ Bucket: onB, Key: 'replaced.txt' }));
    expect(sha256(await bodyBytes(plain.Body))).toBe(sha256(v1));
    // Without a version id, the latest version is the source.
    await a.server.client().send(new CopyObjectCommand({ Bucket: onB, Key: 'latest.txt', CopySource: `${onA}/src.bin` }));
    const latest = await b.server.client().send(new GetObjectCommand({ Bucket: onB, Key: 'latest.txt' }));
    expect((await bodyBytes(latest.Body)).toString()).toBe('second version');

    // Conditional copy headers are evaluated on the source.
    const client = a.server.client({ maxAttempts: 1 });
    expect(
      await statusOf(
        client.send(new CopyObjectCommand({ Bucket: onB, Key: 'no.bin', CopySource: `${onA}/src.bin`, CopySourceIfMatch: '"0"' })),
      ),
    ).toBe(412);
    expect(
      await statusOf(
        client.send(new CopyObjectCommand({ Bucket: onB, Key: 'no.bin', CopySource: `${onA}/missing`, CopySourceIfMatch: '"0"' })),
      ),
    ).toBe(404);
  });

  it('copies byte ranges of an object on another node into multipart upload parts', async () => {
    const data = randomBytes(6 * 1024 * 1024);
    await b.server.client().send(new PutObjectCommand({ Bucket: onA, Key: 'parts-source.bin', Body: data }));
    const s3 = a.server.client();
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: onB, Key: 'assembled.bin' }));
    const split = 5 * 1024 * 1024;
    const parts = [];
    for (const [n, range] of [
      [1, `bytes=0-${split - 1}`],
      [2, `bytes=${split}-${data.length - 1}`],
    ] as const) {
      const part = await s3.send(
        new UploadPartCopyCommand({
          Bucket: onB,
          Key: 'assembled.bin',
          UploadId: upload.UploadId,
          PartNumber: n,
          CopySource: `${onA}/parts-source.bin`,
          CopySourceRange: range,
        }),
      );
      parts.push({ PartNumber: n, ETag: part.CopyPartResult?.ETag });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: onB,
        Key: 'assembled.bin',
        UploadId: upload.UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: onB, Key: 'assembled.bin' }));
    expect(sha256(await bodyBytes(got.Body))).toBe(sha256(data));
  });

  it("serves console object operations on a node that does not hold the bucket (the bytes stay on the owner's volume)", async () => {
    const aBefore = blobBytes(a.server.dataDir);
    const bBefore = blobBytes(b.server.dataDir);
    const data = randomBytes(2 * 1024 * 1024 + 3);
    const token = a.console.token!;
    const upload = await fetch(`${a.server.consoleUrl}/api/v1/buckets/${onB}/objects/console/upload.bin`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-test', 'x-amz-meta-origin': 'console' },
      body: data,
    });
    expect(upload.status).toBe(200);
    expect(blobBytes(a.server.dataDir)).toBe(aBefore);
    expect(blobBytes(b.server.dataDir) - bBefore).toBeGreaterThanOrEqual(data.length);

    const download = await fetch(`${a.server.consoleUrl}/api/v1/buckets/${onB}/objects/console/upload.bin`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/x-test');
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(data));
    const ranged = await fetch(`${a.server.consoleUrl}/api/v1/buckets/${onB}/objects/console/upload.bin`, {
      headers: { authorization: `Bearer ${token}`, range: 'bytes=10-19' },
    });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(data.subarray(10, 20));
    // The S3 API (through B, the owner) reads what the console of A wrote.
    const s3 = await b.server.client().send(new GetObjectCommand({ Bucket: onB, Key: 'console/upload.bin' }));
    expect(s3.Metadata).toEqual({ origin: 'console' });

    const listing = await a.console.get(`buckets/${onB}/objects?prefix=console/`);
    expect(listing.status).toBe(200);
    expect(JSON.stringify(listing.body)).toContain('console/upload.bin');
    expect((await a.console.put(`buckets/${onB}/objects/console/upload.bin/tagging`, { tags: { kind: 'test' } })).status).toBe(200);
    const tags = await a.console.get(`buckets/${onB}/objects/console/upload.bin/tagging`);
    expect(JSON.stringify(tags.body)).toContain('kind');
    const versions = await a.console.get(`buckets/${onB}/objects/console/upload.bin/versions`);
    expect(versions.status).toBe(200);

    const removed = await a.console.delete(`buckets/${onB}/objects/console/upload.bin`);
    expect(removed.status).toBe(204);
    const gone = await fetch(`${a.server.consoleUrl}/api/v1/buckets/${onB}/objects/console/upload.bin`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(gone.status).toBe(404);
    // The owner's blob went with it (deleted on B through the internal API).
    expect(blobBytes(b.server.dataDir)).toBe(bBefore);
  });

  it('moves a bucket to another node under concurrent PUT/GET load without losing an acknowledged write', async () => {
    const bucket = uniqueBucket('moving');
    const seed = a.server.client();
    await seed.send(new CreateBucketCommand({ Bucket: bucket }));
    await seed.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const acked = new Map<string, string>();
    const first = await seed.send(new PutObjectCommand({ Bucket: bucket, Key: 'versioned', Body: 'version one' }));
    await seed.send(new PutObjectCommand({ Bucket: bucket, Key: 'versioned', Body: 'version two' }));
    for (let i = 0; i < 24; i++) {
      const body = randomBytes(i % 6 === 0 ? 1024 * 1024 : 8 * 1024 + i);
      await seed.send(
        new PutObjectCommand({ Bucket: bucket, Key: `seed/${i}`, Body: body, ServerSideEncryption: i % 4 === 0 ? 'AES256' : undefined }),
      );
      acked.set(`seed/${i}`, sha256(body));
    }
    // A multipart upload in progress: its parts move too, and it completes on the new owner.
    const partBytes = randomBytes(5 * 1024 * 1024);
    const mpu = await seed.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'in-progress.bin' }));
    const part1 = await seed.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'in-progress.bin', UploadId: mpu.UploadId, PartNumber: 1, Body: partBytes }),
    );

    // Load through both nodes: writers PUT new keys (recorded once acknowledged), a reader GETs acknowledged ones.
    let loading = true;
    let n = 0;
    const refused: number[] = [];
    const readErrors: string[] = [];
    const writer = async (node: TestNode) => {
      const s3 = node.server.client();
      while (loading) {
        const key = `load/${node.name}/${n++}`;
        const body = randomBytes(4 * 1024 + (n % 50) * 1024);
        try {
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
          acked.set(key, sha256(body));
        } catch (err) {
          refused.push((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0);
        }
        // Paced (at most ~20 PUTs/s a writer): what is checked is that no acknowledged write is
        // lost across the move, not a write rate above what the copy passes (one blob at a
        // time) can catch up with before the fence.
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const reader = async () => {
      const clients = [a.server.client(), b.server.client()];
      let i = 0;
      while (loading) {
        const keys = [...acked.keys()];
        const key = keys[Math.floor(Math.random() * keys.length)];
        try {
          const got = await clients[i++ % 2].send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          if (sha256(await bodyBytes(got.Body)) !== acked.get(key)) readErrors.push(`${key}: different bytes`);
        } catch (err) {
          readErrors.push(`${key}: ${(err as Error).name}`);
        }
      }
    };
    const load = Promise.all([writer(a), writer(b), reader()]);
    await new Promise((r) => setTimeout(r, 300));
    const aBytesBefore = blobBytes(a.server.dataDir);

    const started = await b.console.post(`cluster/buckets/${bucket}/migrate`, { target_node_id: 'node-b', cleanup_delay_seconds: 1 });
    expect(started.status).toBe(202);
    const id = started.body.data.id as string;
    expect(started.body.data).toMatchObject({ bucket, source_node_id: 'node-a', target_node_id: 'node-b' });
    const again = await a.console.post(`cluster/buckets/${bucket}/migrate`, { target_node_id: 'node-b' });
    expect(again.status).toBe(409);
    expect((await a.console.post(`cluster/buckets/${bucket}/migrate`, { target_node_id: 'node-x' })).status).toBe(404);

    const done = await eventually(
      async () => (await a.console.get(`cluster/migrations/${id}`)).body.data,
      (m) => m.status === 'completed' || m.status === 'failed',
      { timeoutMs: 60_000, everyMs: 250 },
    );
    loading = false;
    await load;
    expect(done).toMatchObject({ status: 'completed', progress_percent: 100, error: null });
    expect(done.passes).toBeGreaterThanOrEqual(2);
    expect(done.blobs_copied).toBeGreaterThan(24);
    expect(done.writes_fenced_ms).toBeGreaterThanOrEqual(0);
    const listed = await b.console.get(`cluster/migrations?bucket=${bucket}`);
    expect(listed.body.data.map((m: { id: string }) => m.id)).toEqual([id]);
    expect(readErrors).toEqual([]);
    // The source's copy is gone from its volume.
    expect(blobBytes(a.server.dataDir)).toBeLessThan(aBytesBefore);

    // Node A (the old owner) gone for good: every acknowledged PUT reads back byte-identical from B.
    await a.server.kill('SIGKILL');
    const s3 = b.server.client();
    for (const [key, digest] of acked) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect([key, sha256(await bodyBytes(got.Body))]).toEqual([key, digest]);
    }
    const old = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'versioned', VersionId: first.VersionId }));
    expect((await bodyBytes(old.Body)).toString()).toBe('version one');
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'in-progress.bin',
        UploadId: mpu.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part1.ETag }] },
      }),
    );
    const completed = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'in-progress.bin' }));
    expect(sha256(await bodyBytes(completed.Body))).toBe(sha256(partBytes));
    process.stderr.write(
      `migration under load: ${acked.size} acknowledged PUTs, ${refused.length} refused (${[...new Set(refused)].join(',')}), ` +
        `${done.passes} passes, ${done.blobs_copied} blobs, writes fenced ${done.writes_fenced_ms} ms\n`,
    );
  }, 120_000);
});
