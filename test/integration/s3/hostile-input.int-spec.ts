import { createHash, createHmac, randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { eventually } from '../../support/eventually';
import { rawRequest, xmlField } from '../../support/raw-request';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

describe('hostile input', () => {
  let server: TestServer;
  let s3: S3Client;
  let bucket: string;
  beforeAll(async () => {
    server = await startServer();
    s3 = server.client();
    bucket = uniqueBucket();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  const keysInBucket = async () => ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((c) => c.Key);
  const blobFiles = async () => {
    const { readdirSync, existsSync } = await import('node:fs');
    const root = `${server.dataDir}/blobs`;
    if (!existsSync(root)) return 0;
    let n = 0;
    for (const a of readdirSync(root)) for (const b of readdirSync(`${root}/${a}`)) n += readdirSync(`${root}/${a}/${b}`).length;
    return n;
  };

  // Other control characters are stored, as S3 does (control-character-keys.int-spec.ts); PostgreSQL text cannot hold NUL.
  it.each(['bad\u0000key'])('refuses the key %j (NUL)', async (key) => {
    const res = await rawRequest(server, { method: 'PUT', path: `/${bucket}/${key}`, body: 'x' });
    expect(res.status).toBe(400);
    expect(xmlField(res.body, 'Code')).toBe('InvalidArgument');
    expect(await keysInBucket()).toEqual([]);
  });

  it('refuses a key of more than 1024 bytes', async () => {
    const res = await rawRequest(server, { method: 'PUT', path: `/${bucket}/${'k'.repeat(1025)}`, body: 'x' });
    expect(res.status).toBe(400);
    expect(xmlField(res.body, 'Code')).toBe('KeyTooLongError');
  });

  it('answers MalformedXML to a broken DeleteObjects body and deletes nothing', async () => {
    await rawRequest(server, { method: 'PUT', path: `/${bucket}/keep`, body: 'keep me' });
    const body = '<Delete><Object><Key>keep</Key></Object>';
    const md5 = createHash('md5').update(body).digest('base64');
    const res = await rawRequest(server, {
      method: 'POST',
      path: `/${bucket}`,
      query: [['delete', '']],
      body,
      headers: { 'content-md5': md5 },
    });
    expect(res.status).toBe(400);
    expect(xmlField(res.body, 'Code')).toBe('MalformedXML');
    expect(xmlField(res.body, 'RequestId')).toMatch(/^[0-9A-F]{16}$/);
    const wrongRoot = await rawRequest(server, { method: 'POST', path: `/${bucket}`, query: [['delete', '']], body: '<Nope/>' });
    expect(xmlField(wrongRoot.body, 'Code')).toBe('MalformedXML');
    expect(await keysInBucket()).toContain('keep');
  });

  it('refuses an XML body larger than the cap', async () => {
    const body = `<Delete>${'<Object><Key>k</Key></Object>'.repeat(120_000)}</Delete>`;
    const res = await rawRequest(server, { method: 'POST', path: `/${bucket}`, query: [['delete', '']], body });
    expect(res.status).toBe(400);
    expect(xmlField(res.body, 'Code')).toBe('MaxMessageLengthExceeded');
  });

  it('refuses a body whose SHA-256 differs from x-amz-content-sha256, storing nothing', async () => {
    const before = await blobFiles();
    const res = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}/sha-mismatch`,
      body: 'actual body',
      payloadHash: createHash('sha256').update('another body').digest('hex'),
    });
    expect(res.status).toBe(400);
    expect(xmlField(res.body, 'Code')).toBe('XAmzContentSHA256Mismatch');
    expect(await keysInBucket()).not.toContain('sha-mismatch');
    expect(await blobFiles()).toBe(before);
  });

  it('keeps nothing of a truncated upload', async () => {
    const before = await blobFiles();
    await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}/torn`,
      body: randomBytes(64 * 1024),
      contentLength: 1024 * 1024,
      payloadHash: 'UNSIGNED-PAYLOAD',
    }).catch(() => undefined);
    const { readdirSync } = await import('node:fs');
    const tmpFiles = () => readdirSync(`${server.dataDir}/tmp`).filter((f) => !f.startsWith('.'));
    // The server notices the torn connection on its own schedule; wait for its cleanup, not a fixed time.
    expect(await eventually(tmpFiles, (f) => f.length === 0)).toEqual([]);
    expect(await keysInBucket()).not.toContain('torn');
    await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'torn' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(await eventually(blobFiles, (n) => n === before)).toBe(before);
  });

  it('refuses an aws-chunked body with a forged chunk signature', async () => {
    const date = new Date();
    const amzDate = date
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const data = randomBytes(1000);
    // A body whose chunk signatures are not derived from the seed signature.
    const fake = 'f'.repeat(64);
    const body = Buffer.concat([
      Buffer.from(`${data.length.toString(16)};chunk-signature=${fake}\r\n`),
      data,
      Buffer.from(`\r\n0;chunk-signature=${fake}\r\n\r\n`),
    ]);
    const res = await rawRequest(server, {
      method: 'PUT',
      path: `/${bucket}/chunked-forged`,
      body,
      payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length) },
      date,
    });
    expect(amzDate).toHaveLength(16);
    expect(res.status).toBe(403);
    expect(xmlField(res.body, 'Code')).toBe('SignatureDoesNotMatch');
    expect(await keysInBucket()).not.toContain('chunked-forged');
  });

  it('refuses a request dated an hour ago with RequestTimeTooSkewed', async () => {
    const res = await rawRequest(server, { method: 'GET', path: `/${bucket}`, date: new Date(Date.now() - 3600_000) });
    expect(res.status).toBe(403);
    expect(xmlField(res.body, 'Code')).toBe('RequestTimeTooSkewed');
  });

  it('accepts Signature V2 in the header and refuses a forged one', async () => {
    const date = new Date().toUTCString();
    const path = `/${bucket}/v2-object`;
    const sts = `PUT\n\ntext/plain\n${date}\n${path}`;
    const sig = createHmac('sha1', server.secretKey).update(sts).digest('base64');
    const url = `${server.endpoint}${path}`;
    const ok = await fetch(url, {
      method: 'PUT',
      body: 'v2 body',
      headers: { date, 'content-type': 'text/plain', authorization: `AWS ${server.accessKey}:${sig}` },
    });
    expect(ok.status).toBe(200);
    const forged = await fetch(url, {
      method: 'PUT',
      body: 'v2 body',
      headers: { date, 'content-type': 'text/plain', authorization: `AWS ${server.accessKey}:${'A'.repeat(27)}=` },
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    const expires = Math.floor(Date.now() / 1000) + 300;
    const qsig = createHmac('sha1', server.secretKey).update(`GET\n\n\n${expires}\n${path}`).digest('base64');
    const q = await fetch(`${url}?AWSAccessKeyId=${server.accessKey}&Expires=${expires}&Signature=${encodeURIComponent(qsig)}`);
    expect(q.status).toBe(200);
    expect(await q.text()).toBe('v2 body');
  });

  it('answers MethodNotAllowed and NotImplemented as S3 does', async () => {
    const patch = await rawRequest(server, { method: 'PATCH', path: `/${bucket}/k` });
    expect(patch.status).toBe(405);
    const ni = await rawRequest(server, { method: 'PUT', path: `/${bucket}`, query: [['website', '']] });
    expect(ni.status).toBe(501);
    expect(xmlField(ni.body, 'Code')).toBe('NotImplemented');
  });
});
