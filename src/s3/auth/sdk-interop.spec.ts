import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AuthRequest, SecretLookup } from './auth.types';
import { authenticate } from './authenticate';
import { createAwsChunkedDecoder } from './aws-chunked-decoder';

/**
 * What the real AWS SDK v3 puts on the wire must authenticate. The request handler captures the
 * signed request instead of sending it (no network, no server).
 */
const credentials = { accessKeyId: 'AKIDINTEROP', secretAccessKey: 'interop/secret+key' };
const lookup: SecretLookup = async (id) =>
  id === credentials.accessKeyId ? { accessKeyId: id, secretKey: credentials.secretAccessKey, principalId: 'p-1' } : null;

interface Captured {
  req: AuthRequest;
  body: Buffer;
}

class Captured_ extends Error {
  constructor(readonly captured: Captured) {
    super('captured');
  }
}

async function readBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string' || body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<string | Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** An S3Client whose handler turns the signed HttpRequest into an AuthRequest and aborts. */
function client(): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: 'http://localhost:9000',
    forcePathStyle: true,
    credentials,
    maxAttempts: 1,
    // The capture is an error to the SDK; keep its "non-retryable streaming request" warning quiet.
    logger: { trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    requestHandler: {
      async handle(request: {
        method: string;
        path: string;
        query?: Record<string, string | Array<string> | null>;
        headers: Record<string, string>;
        body?: unknown;
      }): Promise<never> {
        const headers: IncomingHttpHeaders = {};
        for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
        const query: Array<[string, string]> = [];
        for (const [name, value] of Object.entries(request.query ?? {})) {
          for (const v of Array.isArray(value) ? value : [value]) query.push([name, v ?? '']);
        }
        const body = await readBody(request.body);
        throw new Captured_({ req: { method: request.method, rawPath: request.path, query, headers }, body });
      },
    },
  });
}

async function capture(send: (c: S3Client) => Promise<unknown>): Promise<Captured> {
  const c = client();
  try {
    await send(c);
  } catch (err) {
    if (err instanceof Captured_) return err.captured;
    throw err;
  } finally {
    c.destroy();
  }
  throw new Error('the request was not captured');
}

const KEYS = ['plain.txt', 'dir/sub dir/a b+c$!(é)~*.txt', "weird/'quotes'&amp;=?#%.bin", '日本語/キー'];

describe('interop with @aws-sdk/client-s3', () => {
  it.each(KEYS)('GetObject %j authenticates', async (key) => {
    const { req } = await capture((c) => c.send(new GetObjectCommand({ Bucket: 'bucket', Key: key, Range: 'bytes=0-9' })));
    const result = await authenticate(req, lookup, { region: 'us-east-1', now: new Date() });
    expect(result).toMatchObject({ method: 'v4-header', principalId: 'p-1', accessKeyId: 'AKIDINTEROP' });
  });

  it('ListObjectsV2 with an encoded prefix, delimiter and continuation token authenticates', async () => {
    const { req } = await capture((c) =>
      c.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: 'a b/c+d', Delimiter: '/', ContinuationToken: 'x/y=z' })),
    );
    await expect(authenticate(req, lookup, { region: 'us-east-1', now: new Date() })).resolves.toMatchObject({
      method: 'v4-header',
    });
  });

  it('PutObject with a buffered body asks for its sha256; a tampered header fails', async () => {
    const { req } = await capture((c) =>
      c.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: 'hello', ContentType: 'text/plain' })),
    );
    const result = await authenticate(req, lookup, { region: 'us-east-1', now: new Date() });
    expect(result.method).toBe('v4-header');
    expect(['sha256', 'none', 'chunked']).toContain(result.payload.kind);
    await expect(
      authenticate({ ...req, headers: { ...req.headers, 'content-type': 'text/html' } }, lookup, {
        region: 'us-east-1',
        now: new Date(),
      }),
    ).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('PutObject with a stream body: the aws-chunked body decodes with its checksum trailer', async () => {
    const data = Buffer.alloc(200 * 1024, 'q');
    const { req, body } = await capture((c) =>
      c.send(
        new PutObjectCommand({
          Bucket: 'bucket',
          Key: 'streamed',
          Body: Readable.from([data.subarray(0, 70000), data.subarray(70000)]),
          ContentLength: data.length,
          ChecksumAlgorithm: 'CRC32',
        }),
      ),
    );
    const result = await authenticate(req, lookup, { region: 'us-east-1', now: new Date() });
    expect(result.payload).toMatchObject({ kind: 'chunked', trailer: true, decodedLength: data.length });
    if (result.payload.kind !== 'chunked') throw new Error('expected chunked');
    const decoder = createAwsChunkedDecoder(result.payload);
    const out: Buffer[] = [];
    decoder.on('data', (chunk: Buffer) => out.push(chunk));
    const ended = new Promise((resolve, reject) => decoder.on('end', resolve).on('error', reject));
    decoder.end(body);
    await ended;
    expect(Buffer.concat(out).equals(data)).toBe(true);
    expect(Object.keys(decoder.trailers)).toEqual(['x-amz-checksum-crc32']);
  });

  it.each(KEYS)('a presigned GetObject URL for %j authenticates', async (key) => {
    const c = client();
    const url = new URL(await getSignedUrl(c, new GetObjectCommand({ Bucket: 'bucket', Key: key }), { expiresIn: 3600 }));
    c.destroy();
    const query: Array<[string, string]> = [...url.searchParams.entries()];
    const req: AuthRequest = { method: 'GET', rawPath: url.pathname, query, headers: { host: url.host } };
    await expect(authenticate(req, lookup, { region: 'us-east-1', now: new Date() })).resolves.toMatchObject({
      method: 'v4-query',
      principalId: 'p-1',
    });
    const later = new Date(Date.now() + 3601 * 1000);
    await expect(authenticate(req, lookup, { region: 'us-east-1', now: later })).rejects.toMatchObject({
      code: 'AccessDenied',
      message: 'Request has expired',
    });
  });

  it('a presigned PutObject URL authenticates with the body headers a browser would send', async () => {
    const c = client();
    const url = new URL(await getSignedUrl(c, new PutObjectCommand({ Bucket: 'bucket', Key: 'up load.txt' }), { expiresIn: 600 }));
    c.destroy();
    const req: AuthRequest = {
      method: 'PUT',
      rawPath: url.pathname,
      query: [...url.searchParams.entries()],
      headers: { host: url.host, 'content-length': '5', 'content-type': 'text/plain' },
    };
    await expect(authenticate(req, lookup, { region: 'us-east-1', now: new Date() })).resolves.toMatchObject({
      method: 'v4-query',
    });
  });
});
