import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

/**
 * ListObjectsV2 with a delimiter (one recursive statement, a seek per entry) against a model:
 * every page size, prefixes and delimiters of one and several characters, multi-byte keys, keys
 * hidden behind delete markers. The pages joined must equal the model's listing in byte order.
 */
describe('listing with a delimiter, page by page', () => {
  let server: TestServer;
  let s3: S3Client;
  let bucket: string;
  const live = [
    'a',
    'a/1',
    'a/2/x',
    'a/2/y',
    'a/3',
    'ab',
    'b--c--d',
    'b--c',
    'b--e',
    'dir/é/1',
    'dir/é/2',
    'dir/ü',
    'dir/z/1',
    'dir/😀/x',
    'dir/😀',
    'q/only-one/1',
    'z',
  ];
  const deleted = ['gone/1', 'gone/2', 'a/0'];
  const byteOrder = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));

  /** What S3 lists: objects and common prefixes in byte order. */
  function model(prefix: string, delimiter: string): string[] {
    const out: string[] = [];
    for (const key of [...live].sort(byteOrder)) {
      if (!key.startsWith(prefix)) continue;
      const i = key.indexOf(delimiter, prefix.length);
      const entry = i < 0 ? key : key.slice(0, i + delimiter.length);
      if (out[out.length - 1] !== entry) out.push(entry);
    }
    return out;
  }

  async function walk(prefix: string, delimiter: string, maxKeys: number): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const res = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix || undefined,
          Delimiter: delimiter,
          MaxKeys: maxKeys,
          ContinuationToken: token,
        }),
      );
      const entries = [...(res.Contents ?? []).map((c) => c.Key!), ...(res.CommonPrefixes ?? []).map((p) => p.Prefix!)].sort(byteOrder);
      expect(entries.length).toBeLessThanOrEqual(maxKeys);
      expect(res.KeyCount).toBe(entries.length);
      // Each object's row is read apart from its key (a range scan or a lookup per key): its
      // fields must be its own (the body is the key).
      for (const c of res.Contents ?? []) expect([c.Key, c.Size]).toEqual([c.Key, Buffer.byteLength(c.Key!)]);
      out.push(...entries);
      if (!res.IsTruncated) return out;
      token = res.NextContinuationToken;
    }
    throw new Error('too many pages');
  }

  beforeAll(async () => {
    server = await startServer();
    s3 = server.client();
    bucket = uniqueBucket();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    for (const key of [...live, ...deleted]) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    for (const key of deleted) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  it.each([
    ['', '/'],
    ['a', '/'],
    ['a/', '/'],
    ['dir/', '/'],
    ['b', '--'],
    ['', '--'],
    ['', 'é'],
    ['dir/', '😀'],
    ['gone/', '/'],
    ['nothing', '/'],
  ])('prefix %j, delimiter %j: every page size gives the model listing', async (prefix, delimiter) => {
    const expected = model(prefix, delimiter);
    for (const maxKeys of [1, 2, 3, 1000]) {
      expect(await walk(prefix, delimiter, maxKeys)).toEqual(expected);
    }
  });

  it('start-after: keys after the marker, grouped', async () => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', StartAfter: 'a/2/x' }));
    // 'a/2/y' and 'a/3' come after the marker and roll up into 'a/'.
    expect(res.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/', 'dir/', 'q/']);
    expect(res.Contents?.map((c) => c.Key)).toEqual(['ab', 'b--c', 'b--c--d', 'b--e', 'z']);
  });
});
