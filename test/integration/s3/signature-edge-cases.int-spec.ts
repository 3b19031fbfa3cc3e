import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { formatAmzDate } from '../../../src/s3/auth/sigv4/amz-date';
import { signV4Header } from '../../../src/s3/auth/sigv4/sign';
import { signV2, stringToSignV2 } from '../../../src/s3/auth/sigv2/string-to-sign';
import { xmlField } from '../../support/raw-request';
import { s3Fixture } from '../../support/s3-fixture';

interface Sent {
  status: number;
  body: string;
}

/**
 * Sends a request over a plain socket, header values as their UTF-8 bytes (what real clients put
 * on the wire for non-ASCII metadata; Node's http client refuses such values).
 */
function send(endpoint: string, method: string, path: string, headers: Record<string, string>, body = ''): Promise<Sent> {
  const url = new URL(endpoint);
  const lines = [`${method} ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  lines.push(`content-length: ${Buffer.byteLength(body)}`, 'connection: close', '', '');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () =>
      socket.write(Buffer.concat([Buffer.from(lines.join('\r\n'), 'utf8'), Buffer.from(body)])),
    );
    const parts: Buffer[] = [];
    socket.on('data', (c: Buffer) => parts.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(parts).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

describe('signatures: SigV2 bucket resources and non-ASCII metadata', () => {
  const f = s3Fixture('sig', { config: { domains: ['s3.test'] } });
  const meta = 'naïve – 日本語 ✓';

  /** SigV2 signs `resource` (bucket included); the request goes to `path` with Host `host`. */
  const v2 = (method: string, path: string, extra: Record<string, string> = {}, body = '', resource = path, host?: string) => {
    const date = new Date().toUTCString();
    const headers: Record<string, string> = { host: host ?? new URL(f.server.endpoint).host, date, ...extra };
    const q = resource.indexOf('?');
    const query: Array<[string, string]> =
      q < 0
        ? []
        : resource
            .slice(q + 1)
            .split('&')
            .map((p) => [p.split('=')[0], p.split('=')[1] ?? '']);
    const sts = stringToSignV2({
      method,
      rawPath: q < 0 ? resource : resource.slice(0, q),
      query,
      headers,
      date,
      contentMd5: '',
      contentType: extra['content-type'] ?? '',
    });
    headers.authorization = `AWS ${f.server.accessKey}:${signV2(f.server.secretKey, sts)}`;
    return send(f.server.endpoint, method, path, headers, body);
  };

  it('verifies SigV2 on a bucket-level request whose resource is /bucket/', async () => {
    await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: 'listed', Body: 'x' }));
    const res = await v2('GET', `/${f.bucket}/`);
    expect(res.status).toBe(200);
    expect(xmlField(res.body, 'Key')).toBe('listed');
    const bare = await v2('GET', `/${f.bucket}`);
    expect(bare.status).toBe(200);
    const acl = await v2('GET', `/${f.bucket}/?acl`);
    expect(acl.status).toBe(200);
    const port = new URL(f.server.endpoint).port;
    const virtual = await v2('GET', '/', {}, '', `/${f.bucket}/`, `${f.bucket}.s3.test:${port}`);
    expect(virtual.status).toBe(200);
    const virtualAcl = await v2('GET', '/?acl', {}, '', `/${f.bucket}/?acl`, `${f.bucket}.s3.test:${port}`);
    expect(virtualAcl.status).toBe(200);
    const location = await v2('GET', `/${f.bucket}?location`, {}, '', `/${f.bucket}/?location`);
    expect(location.status).toBe(200);
  });

  it('verifies SigV2 with non-ASCII user metadata and keeps its bytes', async () => {
    const res = await v2('PUT', `/${f.bucket}/v2-meta`, { 'x-amz-meta-label': meta }, 'body');
    expect(res).toMatchObject({ status: 200, body: '' });
    const head = await f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key: 'v2-meta' }));
    expect(Buffer.from(head.Metadata?.label ?? '', 'latin1').toString('utf8')).toBe(meta);
  });

  it('verifies SigV4 with non-ASCII user metadata and keeps its bytes', async () => {
    const host = new URL(f.server.endpoint).host;
    const amzDate = formatAmzDate(Date.now());
    const payloadHash = createHash('sha256').update('body').digest('hex');
    const headers: Record<string, string> = { host, 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash, 'x-amz-meta-label': meta };
    const rawPath = `/${f.bucket}/v4-meta`;
    headers.authorization = signV4Header({
      method: 'PUT',
      rawPath,
      query: [],
      headers,
      accessKeyId: f.server.accessKey,
      secretKey: f.server.secretKey,
      region: f.server.region,
      amzDate,
      payloadHash,
    }).authorization;
    const res = await send(f.server.endpoint, 'PUT', rawPath, headers, 'body');
    expect(res).toMatchObject({ status: 200, body: '' });
    const head = await f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key: 'v4-meta' }));
    expect(Buffer.from(head.Metadata?.label ?? '', 'latin1').toString('utf8')).toBe(meta);
  });
});
