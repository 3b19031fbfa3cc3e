import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { rawRequest, xmlField } from '../../support/raw-request';
import { s3Fixture } from '../../support/s3-fixture';

/** Keys with control characters are ordinary S3 keys: stored, listed, and every error about them answered. */
describe('keys with control characters', () => {
  const f = s3Fixture('ctl');
  const key = 'esc\u001b[31m red \u0001\u0007 tab\t';

  it('stores such a key and reads it back', async () => {
    const put = await rawRequest(f.server, { method: 'PUT', path: `/${f.bucket}/${key}`, body: 'coloured' });
    expect(put.status).toBe(200);
    const got = await f.s3.send(new GetObjectCommand({ Bucket: f.bucket, Key: key }));
    expect(await got.Body?.transformToString()).toBe('coloured');
  });

  it('answers NoSuchKey (never a dropped connection) for a missing key with ESC in it', async () => {
    const res = await rawRequest(f.server, { method: 'GET', path: `/${f.bucket}/esc\u001b[32m` });
    expect(res.status).toBe(404);
    expect(xmlField(res.body, 'Code')).toBe('NoSuchKey');
    expect(res.body).toContain('<Key>esc&#x1B;[32m</Key>');
    const head = await rawRequest(f.server, { method: 'HEAD', path: `/${f.bucket}/esc\u001b[32m` });
    expect(head.status).toBe(404);
  });

  it('lists the key URL-encoded with encoding-type=url', async () => {
    const res = await rawRequest(f.server, {
      method: 'GET',
      path: `/${f.bucket}`,
      query: [
        ['list-type', '2'],
        ['encoding-type', 'url'],
      ],
    });
    expect(res.status).toBe(200);
    expect(xmlField(res.body, 'Key')).toBe('esc%1B%5B31m%20red%20%01%07%20tab%09');
    // The SDK asks for encoding-type=url and decodes it.
    const listed = await f.s3.send(new ListObjectsV2Command({ Bucket: f.bucket, EncodingType: 'url' }));
    expect(listed.Contents?.map((c) => decodeURIComponent(c.Key ?? ''))).toEqual([key]);
  });

  it('lists the key with numeric character references without encoding-type, as S3 does', async () => {
    const res = await rawRequest(f.server, { method: 'GET', path: `/${f.bucket}`, query: [['list-type', '2']] });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<Key>esc&#x1B;[31m red &#x1;&#x7; tab\t</Key>');
  });

  it('deletes the key', async () => {
    await f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: key }));
    const listed = await f.s3.send(new ListObjectsV2Command({ Bucket: f.bucket }));
    expect(listed.Contents ?? []).toEqual([]);
  });
});
