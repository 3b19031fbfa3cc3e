import { CreateBucketCommand, PutBucketAclCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { rawRequest, xmlField } from '../../support/raw-request';
import { s3Fixture } from '../../support/s3-fixture';
import { uniqueBucket } from '../../support/start-server';

/** Anonymous requests get S3's 404s where S3 gives them (AWS GetObject: 404 when the caller may list the bucket). */
describe('anonymous requests to what does not exist', () => {
  const f = s3Fixture('anon');
  const open = uniqueBucket('anon-public');
  beforeAll(async () => {
    await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'private', Body: 'p' }));
    await f.s3.send(new CreateBucketCommand({ Bucket: open }));
    await f.s3.send(new PutBucketAclCommand({ Bucket: open, ACL: 'public-read' }));
    await f.s3.send(new PutObjectCommand({ Bucket: open, Key: 'there', Body: 'public', ACL: 'public-read' }));
  });
  const anonymous = (method: string, path: string, query?: Array<[string, string]>) =>
    rawRequest(f.server, { method, path, query, unsigned: true });

  it('answers NoSuchBucket for a bucket that does not exist', async () => {
    const missing = uniqueBucket('nope');
    for (const [method, path, query] of [
      ['GET', `/${missing}/key`],
      ['GET', `/${missing}`, [['list-type', '2']]],
      ['PUT', `/${missing}/key`],
      ['DELETE', `/${missing}/key`],
    ] as Array<[string, string, Array<[string, string]>?]>) {
      const res = await anonymous(method, path, query);
      expect({ method, path, status: res.status, code: xmlField(res.body, 'Code') }).toEqual({
        method,
        path,
        status: 404,
        code: 'NoSuchBucket',
      });
    }
    expect((await anonymous('HEAD', `/${missing}/key`)).status).toBe(404);
  });

  it('answers NoSuchKey for a missing key of a public-read bucket', async () => {
    const res = await anonymous('GET', `/${open}/not-there`);
    expect(res.status).toBe(404);
    expect(xmlField(res.body, 'Code')).toBe('NoSuchKey');
    expect((await anonymous('HEAD', `/${open}/not-there`)).status).toBe(404);
    const present = await anonymous('GET', `/${open}/there`);
    expect(present.status).toBe(200);
    expect(present.body).toBe('public');
  });

  it('still answers AccessDenied where the caller may not list the bucket', async () => {
    for (const key of ['private', 'not-there']) {
      const res = await anonymous('GET', `/${f.bucket}/${key}`);
      expect(res.status).toBe(403);
      expect(xmlField(res.body, 'Code')).toBe('AccessDenied');
    }
    const write = await anonymous('PUT', `/${open}/not-there`);
    expect(write.status).toBe(403);
  });
});
