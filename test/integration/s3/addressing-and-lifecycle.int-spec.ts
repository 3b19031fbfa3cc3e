import { createHmac } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { eventually } from '../../support/eventually';
import { startServer, TestServer, uniqueBucket } from '../../support/start-server';

describe('virtual-hosted-style addressing', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ config: { domains: ['s3.test.local'] } });
  });
  afterAll(async () => server?.close());

  it('serves bucket.domain requests signed by the SDK', async () => {
    const port = new URL(server.endpoint).port;
    // The SDK puts the bucket in the Host header; the connection goes to 127.0.0.1.
    const s3 = new S3Client({
      endpoint: `http://s3.test.local:${port}`,
      region: server.region,
      forcePathStyle: false,
      credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey },
      requestHandler: { requestTimeout: 10_000, httpAgent: { lookup: loopback } } as never,
    });
    const bucket = uniqueBucket('vhost');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/v.txt', Body: 'virtual host' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/v.txt' }));
    expect(await got.Body!.transformToString()).toBe('virtual host');
    // The same object is there path-style.
    const path = server.client();
    const again = await path.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/v.txt' }));
    expect(await again.Body!.transformToString()).toBe('virtual host');
    s3.destroy();
    path.destroy();
  });
});

describe('virtual-hosted-style addressing with Signature V2', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ config: { domains: ['s3.test.local'] } });
  });
  afterAll(async () => server?.close());

  /** One SigV2-signed request to 127.0.0.1 with `Host: <bucket>.s3.test.local`, as s3cmd sends with a host_bucket template. */
  function v2(method: string, bucket: string, path: string, body?: string): Promise<{ status: number; body: string }> {
    const date = new Date().toUTCString();
    const contentType = body === undefined ? '' : 'text/plain';
    const stringToSign = `${method}\n\n${contentType}\n${date}\n/${bucket}${path}`;
    const signature = createHmac('sha1', server.secretKey).update(stringToSign).digest('base64');
    const headers: Record<string, string> = {
      host: `${bucket}.s3.test.local:${new URL(server.endpoint).port}`,
      date,
      authorization: `AWS ${server.accessKey}:${signature}`,
    };
    if (body !== undefined) Object.assign(headers, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) });
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: new URL(server.endpoint).port, method, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('accepts what s3cmd signs for bucket.domain requests, and refuses a signature over the bare path', async () => {
    const bucket = uniqueBucket('v2host');
    const s3 = server.client();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    expect((await v2('PUT', bucket, '/dir/v2.txt', 'signed v2')).status).toBe(200);
    const got = await v2('GET', bucket, '/dir/v2.txt');
    expect(got).toEqual({ status: 200, body: 'signed v2' });
    const listed = await v2('GET', bucket, '/');
    expect(listed.status).toBe(200);
    expect(listed.body).toContain('<Key>dir/v2.txt</Key>');
    // Signing the path without the bucket (what path-style would sign) does not verify.
    const date = new Date().toUTCString();
    const wrong = createHmac('sha1', server.secretKey).update(`GET\n\n\n${date}\n/dir/v2.txt`).digest('base64');
    const refused = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: new URL(server.endpoint).port,
          path: '/dir/v2.txt',
          headers: { host: `${bucket}.s3.test.local`, date, authorization: `AWS ${server.accessKey}:${wrong}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(refused).toBe(403);
    s3.destroy();
  });
});

function loopback(
  _host: string,
  options: unknown,
  cb: (err: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void,
) {
  if ((options as { all?: boolean })?.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
}

describe('graceful shutdown', () => {
  it('finishes an upload in flight, then refuses new connections', async () => {
    const server = await startServer();
    const s3 = server.client();
    const bucket = uniqueBucket();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { rawRequestStream } = await slowUpload(server, bucket, 'slow.bin', 20, 64 * 1024);
    // Close once the server is writing the upload (its temp file exists), not after a fixed time.
    const writing = await eventually(
      () => readdirSync(join(server.dataDir, 'tmp')).filter((f) => !f.startsWith('.')).length,
      (n) => n > 0,
    );
    expect(writing).toBeGreaterThan(0);
    const closing = server.app.close();
    const res = await rawRequestStream;
    expect(res.status).toBe(200);
    await closing;
    await expect(fetch(`${server.endpoint}/health`)).rejects.toThrow();
    s3.destroy();
    // Data written before the shutdown is there after a restart on the same directory.
    const again = await startServer({ dataDir: server.dataDir, databaseUrl: server.databaseUrl });
    const c = again.client();
    const obj = await c.send(new GetObjectCommand({ Bucket: bucket, Key: 'slow.bin' }));
    expect((await obj.Body!.transformToByteArray()).length).toBe(20 * 64 * 1024);
    c.destroy();
    await again.close();
    await server.close().catch(() => undefined);
  });
});

/** A presigned PUT whose body trickles in over a few hundred milliseconds. */
async function slowUpload(server: TestServer, bucket: string, key: string, chunks: number, size: number) {
  const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
  const s3 = server.client();
  const url = new URL(await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 60 }));
  s3.destroy();
  const rawRequestStream = new Promise<{ status: number }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'PUT',
        path: url.pathname + url.search,
        headers: { 'content-length': String(chunks * size) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    let sent = 0;
    const tick = () => {
      if (sent === chunks) return req.end();
      req.write(Buffer.alloc(size, sent));
      sent++;
      setTimeout(tick, 20);
    };
    tick();
  });
  return { rawRequestStream };
}
