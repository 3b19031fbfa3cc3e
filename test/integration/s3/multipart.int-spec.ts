import { createHash, Hash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Crc32 } from '@aws-crypto/crc32';
import { Crc32c } from '@aws-crypto/crc32c';
import {
  AbortMultipartUploadCommand,
  CompletedPart,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  MultipartUpload,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MIN_PART_SIZE } from '../../../src/multipart/multipart.service';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

const KiB = 1024;
const MiB = 1024 * KiB;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
/** The S3 multipart ETag: md5 of the binary part md5s, then "-N". */
const multipartEtag = (parts: Buffer[]) =>
  `"${createHash('md5')
    .update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest())))
    .digest('hex')}-${parts.length}"`;
const crc = (impl: { update(d: Uint8Array): unknown; digest(): number }, data: Buffer): Buffer => {
  impl.update(data);
  const out = Buffer.alloc(4);
  out.writeUInt32BE(impl.digest() >>> 0);
  return out;
};

async function bodyBytes(body: unknown): Promise<Buffer> {
  return Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

/** Every blob file on disk (the byte store's own view). */
function countBlobs(dataDir: string): number {
  let n = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else n++;
    }
  };
  walk(join(dataDir, 'blobs'));
  return n;
}

/** `size` random bytes made as they are read, hashed on the way out: never all in memory. */
function generatedStream(size: number, hash: Hash): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const chunk = randomBytes(Math.min(MiB, size - sent));
      hash.update(chunk);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

describe('multipart uploads', () => {
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

  async function newBucket(): Promise<string> {
    const bucket = uniqueBucket('mp');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
  }

  async function create(Bucket: string, Key: string): Promise<string> {
    const res = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    expect(res.$metadata.httpStatusCode).toBe(200);
    expect(res.Bucket).toBe(Bucket);
    expect(res.Key).toBe(Key);
    return res.UploadId!;
  }

  async function uploadParts(Bucket: string, Key: string, UploadId: string, parts: Buffer[]): Promise<CompletedPart[]> {
    const done: CompletedPart[] = [];
    for (const [i, Body] of parts.entries()) {
      const res = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body }));
      expect(res.ETag).toBe(`"${md5(Body)}"`);
      done.push({ PartNumber: i + 1, ETag: res.ETag });
    }
    return done;
  }

  it('assembles three parts into one object, served whole, by part number and by range', async () => {
    const Bucket = await newBucket();
    const Key = 'dir/three parts.bin';
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(KiB)];
    const whole = Buffer.concat(parts);
    const created = await s3.send(
      new CreateMultipartUploadCommand({ Bucket, Key, ContentType: 'application/x-test', Metadata: { color: 'blue' } }),
    );
    const UploadId = created.UploadId!;
    expect(created.ChecksumAlgorithm).toBeUndefined();
    const completed = await uploadParts(Bucket, Key, UploadId, parts);
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: completed } }));
    expect(done.$metadata.httpStatusCode).toBe(200);
    expect(done.ETag).toBe(multipartEtag(parts));
    expect(done.ETag).toMatch(/-3"$/);
    expect(done.Bucket).toBe(Bucket);
    expect(done.Key).toBe(Key);
    expect(done.Location).toBe(`${server.endpoint}/${Bucket}/dir/three%20parts.bin`);

    const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(got.ContentLength).toBe(whole.length);
    expect(got.ETag).toBe(done.ETag);
    expect(got.ContentType).toBe('application/x-test');
    expect(got.Metadata).toEqual({ color: 'blue' });
    expect(sha256(await bodyBytes(got.Body))).toBe(sha256(whole));

    const part2 = await s3.send(new GetObjectCommand({ Bucket, Key, PartNumber: 2 }));
    expect(part2.$metadata.httpStatusCode).toBe(206);
    expect(part2.PartsCount).toBe(3);
    expect(part2.ContentLength).toBe(5 * MiB);
    expect(part2.ContentRange).toBe(`bytes ${5 * MiB}-${10 * MiB - 1}/${whole.length}`);
    expect(sha256(await bodyBytes(part2.Body))).toBe(sha256(parts[1]));

    const head3 = await s3.send(new HeadObjectCommand({ Bucket, Key, PartNumber: 3 }));
    expect(head3.PartsCount).toBe(3);
    expect(head3.ContentLength).toBe(KiB);

    const start = 5 * MiB - 10;
    const ranged = await s3.send(new GetObjectCommand({ Bucket, Key, Range: `bytes=${start}-${start + 19}` }));
    expect(ranged.$metadata.httpStatusCode).toBe(206);
    expect(await bodyBytes(ranged.Body)).toEqual(whole.subarray(start, start + 20));

    await expect(s3.send(new GetObjectCommand({ Bucket, Key, PartNumber: 4 }))).rejects.toMatchObject({
      name: 'InvalidPartNumber',
      $metadata: { httpStatusCode: 416 },
    });
    await expect(s3.send(new ListPartsCommand({ Bucket, Key, UploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });

  it('streams a >100 MiB upload through lib-storage Upload and reads it back intact', async () => {
    const Bucket = await newBucket();
    const Key = 'big/stream.bin';
    const size = 100 * MiB + 12_345;
    const sent = createHash('sha256');
    const upload = new Upload({
      client: s3,
      params: { Bucket, Key, Body: generatedStream(size, sent) },
      partSize: 8 * MiB,
      queueSize: 4,
    });
    const done = await upload.done();
    expect(done.$metadata.httpStatusCode).toBe(200);
    expect(done.ETag).toMatch(/-13"$/);

    const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(got.ContentLength).toBe(size);
    const received = createHash('sha256');
    let bytes = 0;
    for await (const chunk of got.Body as Readable) {
      received.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    expect(bytes).toBe(size);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
  });

  it('pages through ListParts with MaxParts and part-number markers', async () => {
    const Bucket = await newBucket();
    const Key = 'listed';
    const UploadId = await create(Bucket, Key);
    const parts = [1, 2, 3, 4, 5].map((n) => randomBytes(100 * n));
    await uploadParts(Bucket, Key, UploadId, parts);

    const seen: number[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 3; page++) {
      const res = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId, MaxParts: 2, PartNumberMarker: marker }));
      expect(res.MaxParts).toBe(2);
      expect(res.UploadId).toBe(UploadId);
      expect(res.StorageClass).toBe('STANDARD');
      expect(res.Initiator?.DisplayName).toBe('root');
      expect(res.Owner?.DisplayName).toBe('root');
      for (const p of res.Parts ?? []) {
        expect(p.ETag).toBe(`"${md5(parts[p.PartNumber! - 1])}"`);
        expect(p.Size).toBe(parts[p.PartNumber! - 1].length);
        expect(p.LastModified).toBeInstanceOf(Date);
        seen.push(p.PartNumber!);
      }
      expect(res.IsTruncated).toBe(page < 2);
      marker = res.NextPartNumberMarker;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('lists uploads with prefix and delimiter, and pages with key and upload-id markers', async () => {
    const Bucket = await newBucket();
    const keys = ['a/1', 'a/2', 'a/2', 'a/b/3', 'a/b/4', 'c'];
    const ids: string[] = [];
    for (const key of keys) ids.push(await create(Bucket, key));

    const grouped = await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'a/', Delimiter: '/' }));
    expect(grouped.Uploads?.map((u) => u.Key)).toEqual(['a/1', 'a/2', 'a/2']);
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/b/']);
    expect(grouped.Prefix).toBe('a/');
    expect(grouped.Delimiter).toBe('/');
    expect(grouped.IsTruncated).toBe(false);
    expect(new Set(grouped.Uploads?.map((u) => u.UploadId))).toEqual(new Set(ids.slice(0, 3)));
    expect(grouped.Uploads?.[0].Initiated).toBeInstanceOf(Date);
    expect(grouped.Uploads?.[0].Initiator?.DisplayName).toBe('root');

    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
    expect(all.Uploads?.map((u) => u.Key)).toEqual(keys);

    const paged: MultipartUpload[] = [];
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await s3.send(new ListMultipartUploadsCommand({ Bucket, MaxUploads: 2, KeyMarker, UploadIdMarker }));
      paged.push(...(res.Uploads ?? []));
      if (!res.IsTruncated) break;
      expect(res.NextKeyMarker).toBe(res.Uploads?.[1].Key);
      expect(res.NextUploadIdMarker).toBe(res.Uploads?.[1].UploadId);
      KeyMarker = res.NextKeyMarker;
      UploadIdMarker = res.NextUploadIdMarker;
    }
    expect(paged.map((u) => u.UploadId)).toEqual(all.Uploads?.map((u) => u.UploadId));

    // Pages of common prefixes resume after the prefix.
    const first = await s3.send(new ListMultipartUploadsCommand({ Bucket, Delimiter: '/', MaxUploads: 1 }));
    expect(first.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/']);
    expect(first.IsTruncated).toBe(true);
    const second = await s3.send(new ListMultipartUploadsCommand({ Bucket, Delimiter: '/', KeyMarker: first.NextKeyMarker }));
    expect(second.Uploads?.map((u) => u.Key)).toEqual(['c']);
    expect(second.CommonPrefixes ?? []).toEqual([]);
  });

  it('refuses a part smaller than 5 MiB before the last one with EntityTooSmall', async () => {
    expect(MIN_PART_SIZE).toBe(5 * MiB);
    const Bucket = await newBucket();
    const UploadId = await create(Bucket, 'small');
    const parts = await uploadParts(Bucket, 'small', UploadId, [randomBytes(KiB), randomBytes(KiB)]);
    await expect(
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'small', UploadId, MultipartUpload: { Parts: parts } })),
    ).rejects.toMatchObject({ name: 'EntityTooSmall', $metadata: { httpStatusCode: 400 } });
    // A single small part is fine: it is the last one.
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key: 'small', UploadId, MultipartUpload: { Parts: [parts[0]] } }),
    );
    expect(done.ETag).toMatch(/-1"$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'small' }));
    expect(head.ContentLength).toBe(KiB);
  });

  it('answers InvalidPartOrder, InvalidPart, MalformedXML and InvalidArgument for bad requests', async () => {
    const Bucket = await newBucket();
    const Key = 'bad';
    const UploadId = await create(Bucket, Key);
    const parts = await uploadParts(Bucket, Key, UploadId, [randomBytes(5 * MiB), randomBytes(KiB)]);
    const complete = (Parts: CompletedPart[]) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));

    await expect(complete([parts[1], parts[0]])).rejects.toMatchObject({ name: 'InvalidPartOrder', $metadata: { httpStatusCode: 400 } });
    await expect(complete([parts[0], { PartNumber: 2, ETag: `"${'0'.repeat(32)}"` }])).rejects.toMatchObject({
      name: 'InvalidPart',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(complete([parts[0], { PartNumber: 7, ETag: parts[1].ETag }])).rejects.toMatchObject({ name: 'InvalidPart' });
    await expect(complete([])).rejects.toMatchObject({ name: 'MalformedXML', $metadata: { httpStatusCode: 400 } });
    await expect(
      s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 10_001, Body: Buffer.from('x') })),
    ).rejects.toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
    await expect(
      s3.send(new UploadPartCommand({ Bucket, Key, UploadId: 'no-such-upload', PartNumber: 1, Body: Buffer.from('x') })),
    ).rejects.toMatchObject({ name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } });
    await expect(
      s3.send(new UploadPartCommand({ Bucket, Key: 'other-key', UploadId, PartNumber: 1, Body: Buffer.from('x') })),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(
      s3.send(
        new UploadPartCommand({
          Bucket,
          Key,
          UploadId,
          PartNumber: 3,
          Body: Buffer.from('abc'),
          ContentMD5: createHash('md5').update('abd').digest('base64'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });

    // Quotes around ETags are optional.
    const done = await complete(parts.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag!.replace(/"/g, '') })));
    expect(done.$metadata.httpStatusCode).toBe(200);
  });

  it('aborts an upload: NoSuchUpload afterwards, and its part blobs leave the disk', async () => {
    const Bucket = await newBucket();
    const Key = 'aborted';
    const before = countBlobs(server.dataDir);
    const UploadId = await create(Bucket, Key);
    const parts = await uploadParts(Bucket, Key, UploadId, [randomBytes(KiB), randomBytes(2 * KiB), randomBytes(3 * KiB)]);
    expect(countBlobs(server.dataDir)).toBe(before + 3);

    const aborted = await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    expect(aborted.$metadata.httpStatusCode).toBe(204);
    expect(countBlobs(server.dataDir)).toBe(before);

    const gone = { name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } };
    await expect(s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: Buffer.from('x') }))).rejects.toMatchObject(
      gone,
    );
    await expect(
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } })),
    ).rejects.toMatchObject(gone);
    await expect(s3.send(new ListPartsCommand({ Bucket, Key, UploadId }))).rejects.toMatchObject(gone);
    await expect(s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }))).rejects.toMatchObject(gone);
    const list = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
    expect(list.Uploads ?? []).toEqual([]);
    expect(countBlobs(server.dataDir)).toBe(before);
  });

  it('discards a part that finishes streaming after its upload was aborted', async () => {
    const Bucket = await newBucket();
    const Key = 'raced';
    const UploadId = await create(Bucket, Key);
    const before = countBlobs(server.dataDir);
    const body = new PassThrough();
    const size = 64 * KiB;
    const sending = s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: body, ContentLength: size }));
    body.write(randomBytes(KiB));
    // Let the server accept the request and start writing the blob before the abort.
    await new Promise((r) => setTimeout(r, 300));
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    body.end(randomBytes(size - KiB));
    await expect(sending).rejects.toMatchObject({ name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } });
    expect(countBlobs(server.dataDir)).toBe(before);
  });

  it('copies ranges of an existing object into parts with UploadPartCopy', async () => {
    const Bucket = await newBucket();
    const source = randomBytes(6 * MiB + 100);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'source', Body: source }));
    const Key = 'copied';
    const UploadId = await create(Bucket, Key);
    const CopySource = `${Bucket}/source`;

    const c1 = await s3.send(
      new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 1, CopySource, CopySourceRange: `bytes=${MiB}-${6 * MiB - 1}` }),
    );
    expect(c1.$metadata.httpStatusCode).toBe(200);
    expect(c1.CopyPartResult?.ETag).toBe(`"${md5(source.subarray(MiB, 6 * MiB))}"`);
    expect(c1.CopyPartResult?.LastModified).toBeInstanceOf(Date);
    const c2 = await s3.send(new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 2, CopySource }));
    expect(c2.CopyPartResult?.ETag).toBe(`"${md5(source)}"`);
    const c3 = await s3.send(
      new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 3, CopySource, CopySourceRange: 'bytes=0-99' }),
    );

    await expect(
      s3.send(new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 4, CopySource, CopySourceRange: `bytes=0-${source.length}` })),
    ).rejects.toMatchObject({ name: 'InvalidRange', $metadata: { httpStatusCode: 416 } }); // past the end; a malformed range is InvalidArgument
    await expect(
      s3.send(new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 4, CopySource, CopySourceRange: '0-99' })),
    ).rejects.toMatchObject({ name: 'InvalidArgument' });
    await expect(
      s3.send(new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 4, CopySource, CopySourceIfMatch: '"0000"' })),
    ).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    await expect(
      s3.send(new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 4, CopySource: `${Bucket}/missing` })),
    ).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });

    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: c1.CopyPartResult!.ETag },
            { PartNumber: 2, ETag: c2.CopyPartResult!.ETag },
            { PartNumber: 3, ETag: c3.CopyPartResult!.ETag },
          ],
        },
      }),
    );
    const expected = Buffer.concat([source.subarray(MiB, 6 * MiB), source, source.subarray(0, 100)]);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(sha256(await bodyBytes(got.Body))).toBe(sha256(expected));
  });

  it('replaces a re-uploaded part number, freeing the old part', async () => {
    const Bucket = await newBucket();
    const Key = 'replaced';
    const UploadId = await create(Bucket, Key);
    const [first, last] = await uploadParts(Bucket, Key, UploadId, [randomBytes(5 * MiB), randomBytes(KiB)]);
    const blobs = countBlobs(server.dataDir);
    const again = randomBytes(5 * MiB);
    const replaced = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: again }));
    expect(replaced.ETag).toBe(`"${md5(again)}"`);
    expect(countBlobs(server.dataDir)).toBe(blobs);

    const listed = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.ETag])).toEqual([
      [1, replaced.ETag],
      [2, last.ETag],
    ]);
    await expect(
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [first, last] } })),
    ).rejects.toMatchObject({ name: 'InvalidPart' });
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: replaced.ETag }, last] },
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
    const bytes = await bodyBytes(got.Body);
    expect(bytes.length).toBe(5 * MiB + KiB);
    expect(sha256(bytes.subarray(0, 5 * MiB))).toBe(sha256(again));
  });

  it('completes a CRC32 upload with a COMPOSITE checksum returned by GetObject', async () => {
    const Bucket = await newBucket();
    const Key = 'crc32';
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: 'CRC32' }));
    expect(created.ChecksumAlgorithm).toBe('CRC32');
    expect(created.ChecksumType).toBe('COMPOSITE');
    const UploadId = created.UploadId!;
    const parts = [randomBytes(5 * MiB), randomBytes(3 * KiB)];
    const completed: CompletedPart[] = [];
    for (const [i, Body] of parts.entries()) {
      const res = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: 'CRC32' }));
      expect(res.ChecksumCRC32).toBe(crc(new Crc32(), Body).toString('base64'));
      completed.push({ PartNumber: i + 1, ETag: res.ETag, ChecksumCRC32: res.ChecksumCRC32 });
    }
    const listed = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(listed.Parts?.map((p) => p.ChecksumCRC32)).toEqual(completed.map((p) => p.ChecksumCRC32));
    expect(listed.ChecksumAlgorithm).toBe('CRC32');

    const composite = `${crc(new Crc32(), Buffer.concat(parts.map((p) => crc(new Crc32(), p)))).toString('base64')}-2`;
    await expect(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId,
          MultipartUpload: { Parts: [{ ...completed[0], ChecksumCRC32: 'AAAAAA==' }, completed[1]] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidPart' });
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: completed } }));
    expect(done.ChecksumCRC32).toBe(composite);
    expect(done.ChecksumType).toBe('COMPOSITE');

    const got = await s3.send(new GetObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
    expect(got.ChecksumCRC32).toBe(composite);
    expect(got.ChecksumCRC32).toMatch(/-2$/);
    expect(got.ChecksumType).toBe('COMPOSITE');
    expect(sha256(await bodyBytes(got.Body))).toBe(sha256(Buffer.concat(parts)));
  });

  it('completes a FULL_OBJECT CRC32C upload with the CRC of the whole object', async () => {
    const Bucket = await newBucket();
    const Key = 'crc32c-full';
    const created = await s3.send(
      new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: 'CRC32C', ChecksumType: 'FULL_OBJECT' }),
    );
    expect(created.ChecksumType).toBe('FULL_OBJECT');
    const UploadId = created.UploadId!;
    const parts = [randomBytes(5 * MiB), randomBytes(777)];
    const completed: CompletedPart[] = [];
    for (const [i, Body] of parts.entries()) {
      const res = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: 'CRC32C' }));
      completed.push({ PartNumber: i + 1, ETag: res.ETag, ChecksumCRC32C: res.ChecksumCRC32C });
    }
    const whole = crc(new Crc32c(), Buffer.concat(parts)).toString('base64');
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: completed },
        ChecksumCRC32C: whole,
        ChecksumType: 'FULL_OBJECT',
      }),
    );
    expect(done.ChecksumCRC32C).toBe(whole);
    expect(done.ChecksumType).toBe('FULL_OBJECT');
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumCRC32C).toBe(whole);
    expect(head.ChecksumType).toBe('FULL_OBJECT');
  });

  it('honours If-None-Match: * on CompleteMultipartUpload', async () => {
    const Bucket = await newBucket();
    const Key = 'exists';
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'old' }));
    const UploadId = await create(Bucket, Key);
    const parts = await uploadParts(Bucket, Key, UploadId, [randomBytes(KiB)]);
    await expect(
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, IfNoneMatch: '*', MultipartUpload: { Parts: parts } })),
    ).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    // The upload survives a failed condition.
    const listed = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(listed.Parts).toHaveLength(1);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect((await bodyBytes(got.Body)).toString()).toBe('old');
  });
});
