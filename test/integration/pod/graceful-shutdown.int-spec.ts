import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { ClientRequest, IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { formatAmzDate } from '../../../src/s3/auth/sigv4/amz-date';
import { signV4Header } from '../../../src/s3/auth/sigv4/sign';
import { ChildServer, startChildServer } from '../../support/child-server';
import { eventually } from '../../support/eventually';
import { createTestDatabase } from '../../support/start-server';

/**
 * SIGTERM in a pod: /ready answers 503 at once (while SHUTDOWN_DELAY_SECONDS lets Kubernetes stop
 * routing), then the ports refuse new connections, an upload already in flight still completes and
 * is stored, the audit queue is flushed, and the process exits 0.
 */

const SHUTDOWN_DELAY_SECONDS = 3;

/** A signed PutObject whose body the test writes piece by piece; resolves `accepted` once the server took the headers (100-continue). */
function slowPut(server: ChildServer, bucket: string, key: string, size: number) {
  const url = new URL(server.endpoint);
  const path = `/${bucket}/${key}`;
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-date': formatAmzDate(Date.now()),
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    'content-length': String(size),
  };
  headers.authorization = signV4Header({
    method: 'PUT',
    rawPath: path,
    query: [],
    headers,
    accessKeyId: server.accessKey,
    secretKey: server.secretKey,
    region: server.region,
    amzDate: headers['x-amz-date'],
    payloadHash: headers['x-amz-content-sha256'],
  }).authorization;
  let req!: ClientRequest;
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req = request(
      { host: url.hostname, port: url.port, method: 'PUT', path, headers: { ...headers, expect: '100-continue' } },
      (res: IncomingMessage) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
  });
  const accepted = new Promise<void>((resolve) => req.once('continue', resolve));
  return { req, response, accepted };
}

async function probeReady(url: string): Promise<number | string> {
  try {
    const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    return String((err as { cause?: { code?: string } }).cause?.code ?? err);
  }
}

describe('graceful shutdown on SIGTERM', () => {
  let dataDir: string;
  let db: { url: string; drop: () => Promise<void> } | undefined;
  let server: ChildServer | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'shutdown-'));
    if (process.env.TEST_DATABASE_URL) db = await createTestDatabase(process.env.TEST_DATABASE_URL);
  });
  afterEach(async () => {
    await server?.kill('SIGKILL');
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 on /ready, refuses new connections, finishes the in-flight upload, and exits 0', async () => {
    server = await startChildServer({
      dataDir,
      databaseUrl: db?.url,
      logLevel: 'log',
      env: { SHUTDOWN_DELAY_SECONDS: String(SHUTDOWN_DELAY_SECONDS), SHUTDOWN_TIMEOUT_SECONDS: '60' },
    });
    const bucket = `drain-${Date.now()}`;
    await server.client().send(new CreateBucketCommand({ Bucket: bucket }));

    const body = randomBytes(256 * 1024);
    const put = slowPut(server, bucket, 'in-flight.bin', body.length);
    await put.accepted;
    put.req.write(body.subarray(0, 1024));

    process.kill(server.pid, 'SIGTERM');

    // While the delay runs, the server still answers: /ready says 503 on both ports.
    expect(
      await eventually(
        () => probeReady(server!.endpoint),
        (s) => s === 503,
      ),
    ).toBe(503);
    expect(await probeReady(server.consoleUrl)).toBe(503);
    // Then it stops accepting connections, while the upload is still open.
    expect(
      await eventually(
        () => probeReady(server!.endpoint),
        (s) => s === 'ECONNREFUSED',
        { timeoutMs: 20_000 },
      ),
    ).toBe('ECONNREFUSED');
    expect(await probeReady(server.consoleUrl)).toBe('ECONNREFUSED');

    put.req.end(body.subarray(1024));
    const answer = await put.response;
    expect(answer.status).toBe(200);

    const exit = await server.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.output()).toMatch(/SIGTERM: draining/);

    // The upload was committed: a new process on the same data reads it back, and the audit trail has it.
    server = await startChildServer({ dataDir, databaseUrl: db?.url });
    const got = await server.client().send(new GetObjectCommand({ Bucket: bucket, Key: 'in-flight.bin' }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
    const login = await fetch(`${server.consoleUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: server.accessKey, password: server.secretKey }),
    });
    const token = (await login.json()) as { data?: { token?: string }; token?: string };
    const jwt = token.data?.token ?? token.token;
    const audit = await fetch(`${server.consoleUrl}/api/v1/audit-logs?event_type=s3.PutObject`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
    expect(await audit.text()).toContain(`${bucket}/in-flight.bin`);
    await server.stop();
  });

  it('cuts an upload that stalls past SHUTDOWN_TIMEOUT_SECONDS, stores nothing of it, and still exits 0', async () => {
    server = await startChildServer({ dataDir, databaseUrl: db?.url, env: { SHUTDOWN_TIMEOUT_SECONDS: '1' } });
    const bucket = `stall-${Date.now()}`;
    await server.client().send(new CreateBucketCommand({ Bucket: bucket }));
    const put = slowPut(server, bucket, 'stalled.bin', 64 * 1024);
    await put.accepted;
    put.req.write(Buffer.alloc(1024));
    const outcome = put.response.then(
      (r) => `status ${r.status}`,
      (err: NodeJS.ErrnoException) => err.code ?? String(err),
    );
    process.kill(server.pid, 'SIGTERM');
    // The body never completes: the bound cuts the connection, and the process still stops cleanly.
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(await outcome).toMatch(/ECONNRESET|socket hang up|status 5\d\d/);

    server = await startChildServer({ dataDir, databaseUrl: db?.url });
    await expect(server.client().send(new GetObjectCommand({ Bucket: bucket, Key: 'stalled.bin' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    await server.stop();
  });
});
