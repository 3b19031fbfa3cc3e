import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, ListBucketsCommand, paginateListBuckets } from '@aws-sdk/client-s3';
import { rawRequest, xmlField } from '../../support/raw-request';
import { s3Fixture } from '../../support/s3-fixture';

/** ListBuckets pagination and filters (max-buckets, continuation-token, prefix, bucket-region). */
describe('ListBuckets pages', () => {
  const f = s3Fixture('lb-other');
  const prefix = `lb-${randomBytes(3).toString('hex')}-`;
  const names = ['a', 'b', 'c', 'd', 'e'].map((s) => `${prefix}${s}`);
  beforeAll(async () => {
    for (const Bucket of names.slice().reverse()) await f.s3.send(new CreateBucketCommand({ Bucket }));
  });

  it('pages in name order with a continuation token, filtered by prefix', async () => {
    const first = await f.s3.send(new ListBucketsCommand({ MaxBuckets: 2, Prefix: prefix }));
    expect(first.Buckets?.map((b) => b.Name)).toEqual(names.slice(0, 2));
    expect(first.Prefix).toBe(prefix);
    expect(first.ContinuationToken).toBeTruthy();
    const second = await f.s3.send(new ListBucketsCommand({ MaxBuckets: 2, Prefix: prefix, ContinuationToken: first.ContinuationToken }));
    expect(second.Buckets?.map((b) => b.Name)).toEqual(names.slice(2, 4));
    const last = await f.s3.send(new ListBucketsCommand({ MaxBuckets: 2, Prefix: prefix, ContinuationToken: second.ContinuationToken }));
    expect(last.Buckets?.map((b) => b.Name)).toEqual(names.slice(4));
    expect(last.ContinuationToken).toBeUndefined();
  });

  it("walks every page with the SDK's paginator, and lists everything without parameters", async () => {
    const seen: string[] = [];
    for await (const page of paginateListBuckets({ client: f.s3, pageSize: 2 }, { Prefix: prefix })) {
      seen.push(...(page.Buckets ?? []).map((b) => b.Name!));
    }
    expect(seen).toEqual(names);
    const all = (await f.s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
    expect(all).toEqual(expect.arrayContaining([...names, f.bucket]));
    expect((await f.s3.send(new ListBucketsCommand({ Prefix: 'no-such-prefix-' }))).Buckets ?? []).toEqual([]);
    expect((await f.s3.send(new ListBucketsCommand({ Prefix: prefix, BucketRegion: 'eu-west-3' }))).Buckets ?? []).toEqual([]);
  });

  it('refuses a bad max-buckets or continuation token', async () => {
    for (const query of [
      [['max-buckets', '0']],
      [['max-buckets', '10001']],
      [['max-buckets', 'x']],
      [['continuation-token', 'not a token!']],
    ] as Array<Array<[string, string]>>) {
      const res = await rawRequest(f.server, { method: 'GET', path: '/', query });
      expect(res.status).toBe(400);
      expect(xmlField(res.body, 'Code')).toBe('InvalidArgument');
    }
  });
});
