import { readdirSync } from 'node:fs';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { eventually } from '../../support/eventually';
import { openSocket, RawSocket, signedHead } from '../../support/raw-socket';
import { rawRequest, xmlField } from '../../support/raw-request';
import { s3Fixture } from '../../support/s3-fixture';

/** Slow and greedy clients on the S3 port: every limit here is a setting (S3_* in .env.example). */
describe('slow clients', () => {
  const f = s3Fixture('slow', { config: { s3HeadersTimeoutMs: 1000, s3IdleBodyTimeoutMs: 1000, s3MaxUploadsPerClient: 2 } });
  const sockets: RawSocket[] = [];
  const open = async () => {
    const s = await openSocket(f.server);
    sockets.push(s);
    return s;
  };
  afterAll(() => sockets.forEach((s) => s.socket.destroy()));
  const tmpFiles = () => readdirSync(`${f.server.dataDir}/tmp`).filter((n) => !n.startsWith('.'));

  it('closes a connection whose headers trickle in too slowly', async () => {
    const s = await open();
    s.socket.write(`GET /${f.bucket} HTTP/1.1\r\nhost: x\r\n`);
    // ...and never the end of the headers.
    const answer = await s.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 20_000);

  it('answers RequestTimeout to a body that stops arriving, and keeps nothing of it', async () => {
    const s = await open();
    s.socket.write(signedHead(f.server, 'PUT', `/${f.bucket}/stalled`, 100_000));
    s.socket.write(Buffer.alloc(1000, 1));
    const answer = await s.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(xmlField(answer, 'Code')).toBe('RequestTimeout');
    await expect(f.s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key: 'stalled' }))).rejects.toMatchObject({ name: 'NotFound' });
    expect(await eventually(tmpFiles, (t) => t.length === 0)).toEqual([]);
  }, 20_000);

  it('refuses an upload beyond the per-client cap with 503 SlowDown, and takes uploads again once they finish', async () => {
    const held = [await open(), await open()];
    for (const [i, s] of held.entries()) {
      s.socket.write(signedHead(f.server, 'PUT', `/${f.bucket}/held-${i}`, 10));
      s.socket.write('12345');
    }
    // Both uploads are in flight once the server has read their first bytes: wait for that, then a third is refused.
    const third = await eventually(
      () => rawRequest(f.server, { method: 'PUT', path: `/${f.bucket}/third`, body: 'x' }),
      (r) => r.status === 503,
    );
    expect(third.status).toBe(503);
    expect(xmlField(third.body, 'Code')).toBe('SlowDown');
    expect(third.headers['retry-after']).toBe('1');
    // Reads are not uploads.
    expect((await rawRequest(f.server, { method: 'GET', path: `/${f.bucket}`, query: [['list-type', '2']] })).status).toBe(200);
    for (const s of held) s.socket.write('67890');
    for (const s of held) expect(await eventually(s.status, (status) => status !== 0)).toBe(200);
    const later = await eventually(
      () => rawRequest(f.server, { method: 'PUT', path: `/${f.bucket}/third`, body: 'x' }),
      (r) => r.status === 200,
    );
    expect(later.status).toBe(200);
  }, 20_000);
});
