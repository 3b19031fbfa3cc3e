import { randomBytes } from 'node:crypto';
import { createSocket, Socket } from 'node:dgram';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer as createHttpServer, IncomingMessage, Server as HttpServer } from 'node:http';
import { AddressInfo, createServer as createTcpServer, Server as TcpServer } from 'node:net';
import { join } from 'node:path';
import { ConsoleClient, createTenantFixture, TenantFixture } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer } from '../../support/start-server';

/** `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG` with facility local0, severity informational (PRI 134). */
const RFC5424 =
  /^<134>1 \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \S+ object-store \d+ TEST \[origin software="object-store"\] Test message from the object-store console, sent by root$/;

async function waitFor<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`nothing received within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** POST /api/v1/logging/test-{syslog,http,file}: each really sends a line, received here by real listeners. */
describe('console logging targets', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let t: TenantFixture;
  const suffix = randomBytes(3).toString('hex');

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    t = await createTenantFixture(root, `lg-${suffix}`);
  });
  afterAll(() => server.close());

  describe('test-syslog', () => {
    let udp: Socket;
    let tcp: TcpServer;
    afterEach(async () => {
      if (udp) await new Promise<void>((r) => udp.close(() => r()));
      if (tcp) await new Promise<void>((r) => tcp.close(() => r()));
      udp = undefined as unknown as Socket;
      tcp = undefined as unknown as TcpServer;
    });

    it('sends one RFC 5424 datagram over UDP', async () => {
      udp = createSocket('udp4');
      await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
      const received = new Promise<string>((resolve) => udp.once('message', (msg) => resolve(msg.toString('utf8'))));
      const res = await root.post('logging/test-syslog', { host: '127.0.0.1', port: udp.address().port, protocol: 'udp' });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ sent: true, protocol: 'udp', host: '127.0.0.1', port: udp.address().port });
      const line = await waitFor(received);
      expect(line).toMatch(RFC5424);
      expect(res.body.data.message).toBe(line);
    });

    it('sends one RFC 5424 line over TCP, framed by octet counting', async () => {
      const chunks: Buffer[] = [];
      const received = new Promise<string>((resolve) => {
        tcp = createTcpServer((socket) => {
          socket.on('data', (c) => chunks.push(c));
          socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
      });
      await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
      const port = (tcp.address() as AddressInfo).port;
      const res = await root.post('logging/test-syslog', { host: '127.0.0.1', port, protocol: 'tcp' });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ sent: true, protocol: 'tcp' });
      const framed = await waitFor(received);
      const [, length, line] = /^(\d+) ([\s\S]*)$/.exec(framed) ?? [];
      expect(Number(length)).toBe(Buffer.byteLength(line));
      expect(line).toMatch(RFC5424);
    });

    it('uses the syslog settings for what the request leaves out', async () => {
      udp = createSocket('udp4');
      await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
      const received = new Promise<string>((resolve) => udp.once('message', (msg) => resolve(msg.toString('utf8'))));
      expect((await root.put('settings/syslog_host', { value: '127.0.0.1' })).status).toBe(200);
      expect((await root.put('settings/syslog_port', { value: udp.address().port })).status).toBe(200);
      try {
        const res = await root.post('logging/test-syslog', {});
        expect(res.body.data).toMatchObject({ sent: true, protocol: 'udp', port: udp.address().port });
        expect(await waitFor(received)).toMatch(RFC5424);
      } finally {
        await root.post('settings/reset', { category: 'logging' });
      }
    });

    it('reports a refused TCP connection as not sent', async () => {
      tcp = createTcpServer();
      await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
      const port = (tcp.address() as AddressInfo).port;
      await new Promise<void>((r) => tcp.close(() => r()));
      tcp = undefined as unknown as TcpServer;
      const res = await root.post('logging/test-syslog', { host: '127.0.0.1', port, protocol: 'tcp' });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ sent: false, error: expect.stringMatching(/ECONNREFUSED/) });
    });

    it('refuses bad input and other roles', async () => {
      expect((await root.post('logging/test-syslog', { host: '127.0.0.1', port: 70000 })).status).toBe(400);
      expect((await root.post('logging/test-syslog', { host: '127.0.0.1', port: 514, protocol: 'sctp' })).status).toBe(400);
      expect((await root.post('logging/test-syslog', { host: 'bad host!', port: 514 })).status).toBe(400);
      const noHost = await root.post('logging/test-syslog', { port: 514 });
      expect(noHost.status).toBe(400);
      expect(noHost.body.message).toMatch(/host is required/);
      expect((await t.admin.post('logging/test-syslog', { host: '127.0.0.1', port: 514 })).status).toBe(403);
      expect((await t.user.post('logging/test-http', { url: 'http://127.0.0.1:1/' })).status).toBe(403);
      expect((await t.admin.post('logging/test-file', {})).status).toBe(403);
    });
  });

  describe('test-http', () => {
    let http: HttpServer;
    let status = 204;
    const requests: Array<{ method: string; headers: IncomingMessage['headers']; body: string }> = [];
    beforeAll(async () => {
      http = createHttpServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          requests.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.statusCode = status;
          res.end();
        });
      });
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    });
    afterAll(() => new Promise<void>((r) => http.close(() => r())));
    const url = () => `http://127.0.0.1:${(http.address() as AddressInfo).port}/ingest`;

    it('POSTs one JSON log line and reports the status it got', async () => {
      const res = await root.post('logging/test-http', { url: url() });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ sent: true, ok: true, status: 204, url: url() });
      const got = requests.at(-1)!;
      expect(got.method).toBe('POST');
      expect(got.headers['content-type']).toBe('application/json');
      expect(JSON.parse(got.body)).toMatchObject({
        level: 'log',
        app: 'object-store',
        test: true,
        msg: expect.stringContaining('sent by root'),
      });
    });

    it('reports an error status of the endpoint as not ok', async () => {
      status = 503;
      const res = await root.post('logging/test-http', { url: url() });
      status = 204;
      expect(res.body.data).toMatchObject({ sent: true, ok: false, status: 503 });
    });

    it('refuses a URL that is not http(s)', async () => {
      const res = await root.post('logging/test-http', { url: 'file:///etc/passwd' });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/http\(s\) URL/);
      expect((await root.post('logging/test-http', { url: 'not a url' })).status).toBe(400);
      expect((await root.post('logging/test-http', { url: 5 })).status).toBe(400);
    });
  });

  describe('test-file', () => {
    const logs = () => join(server.dataDir, 'logs');

    it('appends one JSON line to a file under DATA_DIR/logs', async () => {
      const first = await root.post('logging/test-file', { path: 'console-test.log' });
      expect(first.status).toBe(200);
      expect(first.body.data).toMatchObject({ written: true, path: 'console-test.log', bytes: expect.any(Number) });
      await root.post('logging/test-file', { path: 'console-test.log' });
      const lines = readFileSync(join(logs(), 'console-test.log'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(JSON.parse(lines[0])).toMatchObject({ test: true, app: 'object-store' });
      const nested = await root.post('logging/test-file', { path: 'sub/dir/x.log' });
      expect(nested.body.data.path).toBe('sub/dir/x.log');
      expect(existsSync(join(logs(), 'sub/dir/x.log'))).toBe(true);
      const byDefault = await root.post('logging/test-file', {});
      expect(byDefault.body.data.path).toBe('server.log');
      const absoluteInside = await root.post('logging/test-file', { path: join(logs(), 'abs.log') });
      expect(absoluteInside.body.data.path).toBe('abs.log');
    });

    it('refuses paths that leave DATA_DIR/logs, and symlinks', async () => {
      for (const path of ['../escape.log', 'a/../../escape.log', '/etc/passwd', join(server.dataDir, 'metadata.sqlite'), '..', '.']) {
        const res = await root.post('logging/test-file', { path });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('InvalidInput');
      }
      expect(existsSync(join(server.dataDir, 'escape.log'))).toBe(false);
      mkdirSync(logs(), { recursive: true });
      symlinkSync(server.dataDir, join(logs(), 'link-dir'));
      symlinkSync(join(server.dataDir, 'outside.log'), join(logs(), 'link.log'));
      expect((await root.post('logging/test-file', { path: 'link-dir/x.log' })).status).toBe(400);
      expect((await root.post('logging/test-file', { path: 'link.log' })).status).toBe(400);
      expect(existsSync(join(server.dataDir, 'x.log'))).toBe(false);
      expect(existsSync(join(server.dataDir, 'outside.log'))).toBe(false);
      expect((await root.post('logging/test-file', { path: '' })).status).toBe(400);
    });
  });
});
