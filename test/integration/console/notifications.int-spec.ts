import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NotificationBus } from '../../../src/notifications/notification-bus';
import { ConsoleClient, createTenantFixture, TenantFixture } from '../../support/console-client';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer, uniqueBucket } from '../../support/start-server';

interface StreamEvent {
  id: number;
  type: string;
  time: string;
  tenant_id: string | null;
  data: Record<string, unknown>;
}

/** An SSE stream read with fetch and a reader, as a browser's EventSource would see it. */
class EventStream {
  readonly events: StreamEvent[] = [];
  readonly comments: string[] = [];
  readonly ids: string[] = [];
  private waiters: Array<() => void> = [];
  private readonly abort = new AbortController();
  status = 0;

  static async open(baseUrl: string, opts: { token?: string; queryToken?: string; lastEventId?: number }): Promise<EventStream> {
    const s = new EventStream();
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.lastEventId !== undefined) headers['last-event-id'] = String(opts.lastEventId);
    const query = opts.queryToken !== undefined ? `?token=${encodeURIComponent(opts.queryToken)}` : '';
    const res = await fetch(`${baseUrl}/api/v1/notifications/stream${query}`, { headers, signal: s.abort.signal });
    s.status = res.status;
    s.contentType = res.headers.get('content-type');
    if (res.status === 200) void s.read(res.body!.getReader());
    else await res.body?.cancel();
    return s;
  }

  contentType: string | null = null;

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of block.split('\n')) {
            if (line.startsWith('data: ')) this.events.push(JSON.parse(line.slice(6)));
            else if (line.startsWith('id: ')) this.ids.push(line.slice(4));
            else if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
          }
          for (const w of this.waiters.splice(0)) w();
        }
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
    for (const w of this.waiters.splice(0)) w();
  }

  ended = false;

  /** The first event (received so far or later) matching `match`. */
  async next(match: (e: StreamEvent) => boolean, timeoutMs = 5000): Promise<StreamEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(match);
      if (hit) return hit;
      if (this.ended) throw new Error(`stream ended; events: ${JSON.stringify(this.events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; events: ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.abort.abort();
  }
}

/** GET /api/v1/notifications/stream: Server-Sent Events, scoped per tenant and role. */
describe('console notification stream (SSE)', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let a: TenantFixture;
  let b: TenantFixture;
  let s3a: S3Client;
  let s3b: S3Client;
  const open: EventStream[] = [];
  const suffix = randomBytes(3).toString('hex');
  const stream = async (opts: Parameters<typeof EventStream.open>[1]) => {
    const s = await EventStream.open(server.consoleUrl, opts);
    open.push(s);
    return s;
  };
  const s3For = async (c: ConsoleClient) => {
    const key = await c.post('access-keys', {});
    return server.client({ credentials: { accessKeyId: key.body.data.access_key_id, secretAccessKey: key.body.data.secret_access_key } });
  };

  beforeAll(async () => {
    server = await startServer({ config: { loginRateLimit: 0, loginMaxFailures: 2 } });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    a = await createTenantFixture(root, `na-${suffix}`);
    b = await createTenantFixture(root, `nb-${suffix}`);
    s3a = await s3For(a.user);
    s3b = await s3For(b.admin);
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  afterAll(() => server.close());

  it('streams a bucket-created event to a global admin (Authorization header)', async () => {
    const s = await stream({ token: root.token });
    expect(s.status).toBe(200);
    expect(s.contentType).toMatch(/^text\/event-stream/);
    const bucket = uniqueBucket('sse');
    await s3a.send(new CreateBucketCommand({ Bucket: bucket }));
    const e = await s.next((x) => x.type === 'bucket.created' && x.data.bucket === bucket);
    expect(e).toMatchObject({
      id: expect.any(Number),
      time: expect.any(String),
      tenant_id: a.tenant.id,
      data: { bucket, tenant_id: a.tenant.id, by: a.userName },
    });
    expect(s.ids).toContain(String(e.id));
    expect(s.comments).toContain('connected');
    await s3a.send(new DeleteBucketCommand({ Bucket: bucket }));
    expect(await s.next((x) => x.type === 'bucket.deleted' && x.data.bucket === bucket)).toMatchObject({ tenant_id: a.tenant.id });
  });

  it("takes the token as ?token= (EventSource) and gives a tenant admin their tenant's events only", async () => {
    const s = await stream({ queryToken: a.admin.token });
    expect(s.status).toBe(200);
    const other = uniqueBucket('sse-b');
    const mine = uniqueBucket('sse-a');
    await s3b.send(new CreateBucketCommand({ Bucket: other }));
    await s3a.send(new CreateBucketCommand({ Bucket: mine }));
    await s.next((x) => x.type === 'bucket.created' && x.data.bucket === mine);
    expect(s.events.some((x) => x.data.bucket === other)).toBe(false);
  });

  it('tells the tenant admin (not the user) that an account was locked', async () => {
    const admin = await stream({ token: a.admin.token });
    const user = await stream({ token: a.user.token });
    const victim = `victim-${suffix}`;
    expect((await a.admin.post('users', { username: victim, password: 'correct horse battery staple' })).status).toBe(201);
    for (let i = 0; i < 2; i++) await root.anonymous().post('auth/login', { username: victim, password: 'not the password' });
    const e = await admin.next((x) => x.type === 'user.locked');
    expect(e).toMatchObject({ tenant_id: a.tenant.id, data: { username: victim, locked_until: expect.any(String) } });
    await a.admin.get('config'); // let anything in flight arrive
    expect(user.events.some((x) => x.type === 'user.locked')).toBe(false);
  });

  it('sends settings changes to global admins and maintenance mode to everyone', async () => {
    const admin = await stream({ token: root.token });
    const user = await stream({ token: b.user.token });
    expect((await root.put('settings/maintenance_mode', { value: true })).status).toBe(200);
    await root.put('settings/maintenance_mode', { value: false });
    const changed = await admin.next((x) => x.type === 'settings.changed');
    expect(changed.data).toMatchObject({ changes: [{ key: 'maintenance_mode', old: false, value: true }], by: 'root' });
    expect(await user.next((x) => x.type === 'maintenance.toggled')).toMatchObject({ tenant_id: null, data: { maintenance_mode: true } });
    expect(await user.next((x) => x.type === 'maintenance.toggled' && x.data.maintenance_mode === false)).toBeDefined();
    expect(user.events.some((x) => x.type === 'settings.changed')).toBe(false);
  });

  it("warns a tenant's admins when the tenant reaches 90 % of a quota (seen by the metrics sampler)", async () => {
    expect((await root.put(`tenants/${a.tenant.id}`, { max_storage_bytes: 1000 })).status).toBe(200);
    const admin = await stream({ token: a.admin.token });
    const other = await stream({ token: b.admin.token });
    const bucket = uniqueBucket('quota');
    await s3a.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3a.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: 'q'.repeat(950) }));
    expect((await root.post('metrics/history/sample')).status).toBe(201);
    const e = await admin.next((x) => x.type === 'quota.near_limit');
    expect(e).toMatchObject({
      tenant_id: a.tenant.id,
      data: { tenant_name: a.tenant.name, resource: 'bytes', used: 950, limit: 1000, percent: 95 },
    });
    // Reported once, not on every sample.
    await root.post('metrics/history/sample');
    await a.admin.get('config');
    expect(admin.events.filter((x) => x.type === 'quota.near_limit')).toHaveLength(1);
    expect(other.events.some((x) => x.type === 'quota.near_limit')).toBe(false);
  });

  it('replays what a reconnecting client missed (Last-Event-ID)', async () => {
    const first = await stream({ token: root.token });
    const b1 = uniqueBucket('replay');
    const b2 = uniqueBucket('replay');
    await s3a.send(new CreateBucketCommand({ Bucket: b1 }));
    const e1 = await first.next((x) => x.data.bucket === b1);
    first.close();
    await s3a.send(new CreateBucketCommand({ Bucket: b2 }));
    const again = await stream({ token: root.token, lastEventId: e1.id });
    const e2 = await again.next((x) => x.data.bucket === b2);
    expect(e2.id).toBeGreaterThan(e1.id);
    expect(again.events.some((x) => x.data.bucket === b1)).toBe(false);
  });

  it('refuses a missing or invalid token', async () => {
    expect((await stream({})).status).toBe(401);
    expect((await stream({ queryToken: 'not-a-token' })).status).toBe(401);
    expect((await stream({ token: 'not-a-token' })).status).toBe(401);
  });

  it('unsubscribes a stream when its client goes away', async () => {
    const bus = server.app.app.get(NotificationBus);
    const before = bus.subscriberCount;
    const s = await stream({ token: root.token });
    expect(bus.subscriberCount).toBe(before + 1);
    s.close();
    for (let i = 0; i < 50 && bus.subscriberCount > before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(bus.subscriberCount).toBe(before);
  });

  // Last: a second server in this process takes over the passport strategy (process-wide) from the first.
  it('does not hold up a graceful shutdown', async () => {
    const other = await startServer();
    const c = await new ConsoleClient(other.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    const s = await EventStream.open(other.consoleUrl, { token: c.token });
    expect(s.status).toBe(200);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(other.config.shutdownTimeoutMs);
    await s.next(() => false, 2000).catch(() => undefined);
    expect(s.ended).toBe(true);
  });
});
