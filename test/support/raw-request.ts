import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { formatAmzDate } from '../../src/s3/auth/sigv4/amz-date';
import { signV4Header } from '../../src/s3/auth/sigv4/sign';
import { uriEncode } from '../../src/s3/auth/sigv4/uri-encode';
import type { TestServer } from './start-server';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Informational (1xx) statuses received before the response, e.g. [100]. */
  informational: number[];
}

export interface RawRequestOptions {
  method: string;
  /** Decoded path, e.g. `/bucket/key with spaces`; encoded here with AWS's rules. */
  path: string;
  query?: Array<[string, string]>;
  headers?: Record<string, string>;
  body?: Buffer | string | Array<Buffer | string>;
  /** x-amz-content-sha256: the body's hash by default. */
  payloadHash?: string;
  /** Send no Authorization header at all. */
  unsigned?: boolean;
  /** Declared Content-Length (to send a truncated body). */
  contentLength?: number;
  date?: Date;
  /** Send `Expect: 100-continue` and hold the body back until the server answers 100 (or the final status). */
  expectContinue?: boolean;
  /** Send no Content-Length (the body goes with Transfer-Encoding: chunked). */
  noContentLength?: boolean;
}

/** A SigV4-signed request built by hand, for what SDKs refuse to send (bad dates, NUL keys, torn bodies). */
export function rawRequest(server: TestServer, o: RawRequestOptions): Promise<RawResponse> {
  const url = new URL(server.endpoint);
  const rawPath = o.path
    .split('/')
    .map((seg) => uriEncode(seg))
    .join('/');
  const chunks =
    o.body === undefined ? [] : (Array.isArray(o.body) ? o.body : [o.body]).map((b) => (typeof b === 'string' ? Buffer.from(b) : b));
  const body = Buffer.concat(chunks);
  const query = o.query ?? [];
  const qs = query.map(([k, v]) => (v === '' ? uriEncode(k) : `${uriEncode(k)}=${uriEncode(v)}`)).join('&');
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-date': formatAmzDate((o.date ?? new Date()).getTime()),
    'x-amz-content-sha256': o.payloadHash ?? createHash('sha256').update(body).digest('hex'),
    ...(o.expectContinue ? { expect: '100-continue' } : {}),
    ...(o.headers ?? {}),
  };
  if (!o.unsigned) {
    const signed = signV4Header({
      method: o.method,
      rawPath,
      query,
      headers,
      accessKeyId: server.accessKey,
      secretKey: server.secretKey,
      region: server.region,
      amzDate: headers['x-amz-date'],
      payloadHash: headers['x-amz-content-sha256'],
    });
    headers.authorization = signed.authorization;
  }
  if (!o.noContentLength) headers['content-length'] = String(o.contentLength ?? body.length);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: o.method, path: rawPath + (qs ? `?${qs}` : ''), headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8'), informational }),
      );
      res.on('error', reject);
    });
    const informational: number[] = [];
    req.on('information', (info) => informational.push(info.statusCode));
    req.on('error', reject);
    const send = async () => {
      for (const c of chunks) {
        req.write(c);
        await new Promise((r) => setTimeout(r, 5));
      }
      if (o.contentLength !== undefined && o.contentLength > body.length) {
        // A torn body: announce more than is sent, then cut the connection.
        setTimeout(() => req.destroy(), 50);
      } else {
        req.end();
      }
    };
    if (o.expectContinue) req.once('continue', () => void send());
    else void send();
  });
}

/** The text of an XML element of a response body. */
export function xmlField(body: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
}
