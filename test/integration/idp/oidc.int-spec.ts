import { Browser, Page } from '../../support/browser';
import { ConsoleClient, Json } from '../../support/console-client';
import { OidcTestProvider, startOidcProvider } from '../../support/oidc-test-provider';
import { SettableClock } from '../../support/settable-clock';
import { ROOT_ACCESS_KEY, ROOT_SECRET_KEY, startServer, TestServer } from '../../support/start-server';

/**
 * OIDC single sign-on against a real OpenID provider (`oidc-provider` in a child process), driven
 * like a browser: the console starts the login, the provider's login and consent forms are posted,
 * the callback and `complete` hand out the console token. Refusals: bad state, replayed callback
 * and code, another browser, wrong audience, unknown signing key, expired ID token, unmapped groups.
 */
describe('OIDC single sign-on', () => {
  const clock = new SettableClock();
  let server: TestServer;
  let idp: OidcTestProvider;
  let root: ConsoleClient;
  let acmeId: string;
  let callbackPrefix: string;

  const accounts = {
    ada: { preferred_username: 'ada', email: 'ada@example.com', email_verified: true, groups: ['storage-admins'] },
    ben: { preferred_username: 'ben', email: 'ben@example.com', email_verified: true, groups: ['developers', 'newsletter'] },
    cyd: { preferred_username: 'cyd', email: 'cyd@example.com', email_verified: true, groups: ['marketing'] },
    eve: { preferred_username: 'eve', email: 'eve@elsewhere.test', email_verified: true, groups: ['developers'] },
    fay: { preferred_username: 'fay', email: 'fay@example.com', email_verified: true, groups: ['developers'] },
    gus: { preferred_username: 'gus', email: 'gus@example.com', email_verified: true, groups: ['developers'] },
  };

  const oidcConfig = (clientId = 'console', extra: Record<string, unknown> = {}) => ({
    issuer_url: idp.issuer,
    client_id: clientId,
    client_secret: `${clientId}-secret`,
    scopes: ['openid', 'profile', 'email', 'groups'],
    auto_create_users: true,
    ...extra,
  });

  const createProvider = async (name: string, config: Record<string, unknown>, mappings = true) => {
    const res = await root.post('identity-providers', { name, type: 'oidc', config });
    expect(res.status).toBe(201);
    if (mappings) {
      expect(
        (await root.post(`identity-providers/${name}/group-mappings`, { external_group: 'storage-admins', role: 'admin' })).status,
      ).toBe(201);
      expect(
        (await root.post(`identity-providers/${name}/group-mappings`, { external_group: 'developers', role: 'user', tenant_id: acmeId }))
          .status,
      ).toBe(201);
    }
    return res.body.data;
  };

  const json = (p: Page): Json => JSON.parse(p.text);

  /** POST /auth/oauth/login from the browser (JSON mode): the binding cookie lands in its jar. */
  const startLogin = async (b: Browser, provider: string, extra: Record<string, unknown> = {}) => {
    const res = await b.request(`${server.consoleUrl}/api/v1/auth/oauth/login`, {
      method: 'POST',
      body: JSON.stringify({ provider, ...extra }),
      contentType: 'application/json',
      accept: 'application/json',
    });
    expect(res.status).toBe(200);
    return json(res).data;
  };

  /** Runs the flow at the provider (login and consent forms) and stops before the browser reaches our callback. */
  const toCallback = async (b: Browser, provider: string, login: string, extra: Record<string, unknown> = {}) => {
    const started = await startLogin(b, provider, extra);
    const page = await b.browse(await b.request(started.authorization_url), { login, password: 'any-password' }, (u) =>
      u.startsWith(callbackPrefix),
    );
    if (page.status !== 0)
      throw new Error(`the provider did not redirect back: ${page.status} ${page.url}\n${page.text.slice(0, 500)}\n${idp.output()}`);
    return page.url;
  };

  /** The whole flow; returns the last page (complete's JSON on success, the callback's error otherwise). */
  const sso = async (provider: string, login: string) => {
    const b = new Browser();
    const callbackUrl = await toCallback(b, provider, login);
    const page = await b.browse(await b.request(callbackUrl), {});
    return { page, body: page.text ? json(page) : undefined, callbackUrl, browser: b };
  };

  beforeAll(async () => {
    server = await startServer({ clock, config: { loginRateLimit: 0, idpSyncIntervalMs: 0 } });
    callbackPrefix = `${server.consoleUrl}/api/v1/auth/oauth/callback`;
    idp = await startOidcProvider({
      clients: [
        { client_id: 'console', client_secret: 'console-secret', redirect_uris: [callbackPrefix] },
        { client_id: 'console-short', client_secret: 'console-short-secret', redirect_uris: [callbackPrefix], id_token_ttl: 30 },
      ],
      accounts,
    });
    root = await new ConsoleClient(server.consoleUrl).login(ROOT_ACCESS_KEY, ROOT_SECRET_KEY);
    acmeId = (await root.post('tenants', { name: 'acme' })).body.data.id;
  });
  afterAll(async () => {
    await server?.close();
    await idp?.stop();
  });

  it('lists active providers publicly, without settings or secrets; tests discovery and JWKS', async () => {
    const anon = new ConsoleClient(server.consoleUrl);
    expect((await anon.get('auth/oauth/providers')).body.data).toEqual([]);
    const p = await createProvider('corp-sso', oidcConfig('console', { display_name: 'Corp SSO' }));
    expect(p.config).toMatchObject({
      issuer_url: idp.issuer,
      client_id: 'console',
      has_client_secret: true,
      username_claim: 'preferred_username',
    });
    expect(JSON.stringify(p)).not.toContain('console-secret');
    const list = await anon.get('auth/oauth/providers');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      {
        id: p.id,
        name: 'corp-sso',
        display_name: 'Corp SSO',
        type: 'oidc',
        tenant_id: null,
        login_url: `/api/v1/auth/oauth/login?provider=${p.id}&redirect=1`,
      },
    ]);
    const test = await root.post(`identity-providers/${p.id}/test`);
    expect(test.body.data).toMatchObject({ success: true, details: { issuer: idp.issuer, keys: 1, jwks_uri: `${idp.issuer}/jwks` } });
  });

  it('starts the Authorization Code flow with PKCE, state and nonce (JSON, or 302 for browsers)', async () => {
    const b = new Browser();
    const started = await startLogin(b, 'corp-sso');
    const url = new URL(started.authorization_url);
    expect(url.origin).toBe(idp.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'console',
      response_type: 'code',
      redirect_uri: callbackPrefix,
      code_challenge_method: 'S256',
      state: started.state,
      scope: 'openid profile email groups',
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);

    const redirect = await b.request(`${server.consoleUrl}/api/v1/auth/oauth/login?provider=corp-sso&redirect=1`, { method: 'POST' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toMatch(new RegExp(`^${idp.issuer}/auth\\?`));
    const browserAccept = await b.request(`${server.consoleUrl}/api/v1/auth/oauth/login?provider=corp-sso`, { method: 'POST' });
    expect(browserAccept.status).toBe(302);

    const unknown = await new ConsoleClient(server.consoleUrl).post('auth/oauth/login', { provider: 'nope' });
    expect(unknown.status).toBe(404);
  });

  it('logs a user in: the JWT carries the role of their group mapping', async () => {
    const ada = await sso('corp-sso', 'ada');
    expect(ada.page.status).toBe(200);
    expect(ada.page.url).toMatch(/\/api\/v1\/auth\/oauth\/complete\?ticket=/);
    expect(ada.body.data).toMatchObject({
      token_type: 'Bearer',
      user: { username: 'ada', role: 'admin', tenant_id: null, email: 'ada@example.com' },
    });
    const client = new ConsoleClient(server.consoleUrl, ada.body.data.token);
    expect((await client.get('auth/me')).body.data).toMatchObject({ username: 'ada', role: 'admin' });
    expect((await client.get('identity-providers')).status).toBe(200);

    const ben = await sso('corp-sso', 'ben');
    expect(ben.body.data.user).toMatchObject({ username: 'ben', role: 'user', tenant_id: acmeId, tenant_name: 'acme' });
    const benClient = new ConsoleClient(server.consoleUrl, ben.body.data.token);
    expect((await benClient.get('identity-providers')).status).toBe(403);
    // SSO users have no password.
    expect((await new ConsoleClient(server.consoleUrl).post('auth/login', { username: 'ben', password: 'any-password' })).status).toBe(401);

    // Logging in again reuses the linked user and follows mapping changes.
    const mappings = (await root.get('identity-providers/corp-sso/group-mappings')).body.data;
    const devs = mappings.find((m: Json) => m.external_group === 'developers');
    expect((await root.put(`identity-providers/corp-sso/group-mappings/${devs.id}`, { role: 'tenant-admin' })).status).toBe(200);
    const again = await sso('corp-sso', 'ben');
    expect(again.body.data.user).toMatchObject({ id: ben.body.data.user.id, role: 'tenant-admin', tenant_id: acmeId });
    expect((await root.put(`identity-providers/corp-sso/group-mappings/${devs.id}`, { role: 'user' })).status).toBe(200);
  });

  it('refuses a user whose groups map to nothing, clearly, and creates nobody', async () => {
    const cyd = await sso('corp-sso', 'cyd');
    expect(cyd.page.status).toBe(403);
    expect(cyd.body).toMatchObject({ success: false, code: 'NoRoleMapping' });
    expect(cyd.body.message).toMatch(/cyd has no role here: none of their groups at corp-sso \(marketing\) is mapped/);
    expect((await root.get('users/cyd')).status).toBe(404);
  });

  it('hands the ticket to a console page (return_to), and a ticket works once', async () => {
    const b = new Browser();
    const cb = await toCallback(b, 'corp-sso', 'ada', { return_to: '/console/?tab=buckets' });
    const res = await b.request(cb);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!, server.consoleUrl);
    expect(location.pathname).toBe('/console/');
    expect(location.searchParams.get('tab')).toBe('buckets');
    const ticket = location.searchParams.get('sso_ticket')!;
    const anon = new ConsoleClient(server.consoleUrl);
    const done = await anon.get(`auth/oauth/complete?ticket=${encodeURIComponent(ticket)}`);
    expect(done.status).toBe(200);
    expect(done.body.data.user.username).toBe('ada');
    const twice = await anon.get(`auth/oauth/complete?ticket=${encodeURIComponent(ticket)}`);
    expect(twice.status).toBe(400);
    expect(twice.body.code).toBe('SsoStateInvalid');

    for (const bad of ['//evil.test/', 'https://evil.test/', '/\\evil.test']) {
      expect((await anon.post('auth/oauth/login', { provider: 'corp-sso', return_to: bad })).status).toBe(400);
    }
  });

  it('refuses an unknown state, a replayed callback, a replayed code, and a callback from another browser', async () => {
    const anon = new ConsoleClient(server.consoleUrl);
    const bogus = await anon.get('auth/oauth/callback?state=forged-state&code=whatever');
    expect(bogus.status).toBe(400);
    expect(bogus.body).toMatchObject({ code: 'SsoStateInvalid' });
    expect((await anon.get('auth/oauth/callback?code=whatever')).status).toBe(400);

    const first = await sso('corp-sso', 'ben');
    expect(first.page.status).toBe(200);
    const replay = await first.browser.request(first.callbackUrl);
    expect(replay.status).toBe(400);
    expect(JSON.parse(replay.text).message).toMatch(/already used/);

    // The same code with a new, valid state: the provider refuses a code used once.
    const b = new Browser();
    const started = await startLogin(b, 'corp-sso');
    const code = new URL(first.callbackUrl).searchParams.get('code')!;
    const replayedCode = await b.request(`${callbackPrefix}?code=${encodeURIComponent(code)}&state=${encodeURIComponent(started.state)}`);
    expect(replayedCode.status).toBe(401);
    expect(JSON.parse(replayedCode.text)).toMatchObject({ code: 'SsoLoginFailed' });
    expect(JSON.parse(replayedCode.text).message).toMatch(/invalid_grant/);

    // A callback URL carried to another browser (no binding cookie) is refused, and burns the state.
    const victim = new Browser();
    const cb = await toCallback(new Browser(), 'corp-sso', 'ben');
    const stolen = await victim.request(cb);
    expect(stolen.status).toBe(400);
    expect(JSON.parse(stolen.text).message).toMatch(/another browser/);
  });

  it('refuses an ID token for another audience', async () => {
    await idp.control({ tamper: { aud: 'someone-else' } });
    try {
      const res = await sso('corp-sso', 'ada');
      expect(res.page.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'SsoLoginFailed' });
      expect(res.body.message).toMatch(/audience/);
    } finally {
      await idp.control({ tamper: null });
    }
  });

  it('follows a key rotation (one JWKS refetch for an unknown kid) and refuses keys the provider does not publish', async () => {
    const before = await idp.control();
    await idp.control({ rotate: true, tamper: { key: 'rotated' } });
    try {
      const rotated = await sso('corp-sso', 'ada');
      expect(rotated.page.status).toBe(200);
      const afterRotation = await idp.control();
      expect(afterRotation.jwks_requests - before.jwks_requests).toBe(1);

      await idp.control({ tamper: { key: 'unknown' } });
      const unknown = await sso('corp-sso', 'ada');
      expect(unknown.page.status).toBe(401);
      expect(unknown.body.message).toMatch(/does not publish/);
      const afterUnknown = await idp.control();
      expect(afterUnknown.jwks_requests - afterRotation.jwks_requests).toBe(1);
      // The same unknown kid again: no new fetch (a flood of bad tokens cannot make us hammer the provider).
      expect((await sso('corp-sso', 'ada')).page.status).toBe(401);
      expect((await idp.control()).jwks_requests).toBe(afterUnknown.jwks_requests);
    } finally {
      await idp.control({ rotate: false, tamper: null });
    }
  });

  it('refuses an expired ID token', async () => {
    await createProvider('short-sso', oidcConfig('console-short'));
    const b = new Browser();
    const cb = await toCallback(b, 'short-sso', 'fay');
    // The provider issues 30-second ID tokens to this client; the server's clock is 5 minutes on.
    clock.advance(5 * 60_000);
    try {
      const res = await b.request(cb);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toMatchObject({ code: 'SsoLoginFailed' });
      expect(JSON.parse(res.text).message).toMatch(/expired/);
    } finally {
      clock.advance(-clock.offset);
    }
    expect((await root.get('users/fay')).status).toBe(404);
    expect((await sso('short-sso', 'fay')).page.status).toBe(200);
  });

  it('creates no user when auto-create is off, and keeps to the allowed email domains', async () => {
    await createProvider('closed-sso', oidcConfig('console', { auto_create_users: false }));
    const closed = await sso('closed-sso', 'gus');
    expect(closed.page.status).toBe(401);
    expect(closed.body.message).toMatch(/auto_create_users is off/);
    expect((await root.get('users/gus')).status).toBe(404);

    await createProvider('domain-sso', oidcConfig('console', { allowed_email_domains: ['example.com'] }));
    const eve = await sso('domain-sso', 'eve');
    expect(eve.page.status).toBe(401);
    expect(eve.body.message).toMatch(/example\.com/);
    expect((await sso('domain-sso', 'gus')).page.status).toBe(200);
  });

  it('re-applies mappings to SSO users on sync, and refuses deactivated users', async () => {
    const mappings = (await root.get('identity-providers/corp-sso/group-mappings')).body.data;
    const devs = mappings.find((m: Json) => m.external_group === 'developers');
    expect((await root.delete(`identity-providers/corp-sso/group-mappings/${devs.id}`)).status).toBe(204);
    const sync = await root.post('identity-providers/corp-sso/sync');
    expect(sync.status).toBe(200);
    expect(sync.body.data.deactivated).toBeGreaterThanOrEqual(1);
    expect((await root.get('users/ben')).body.data.status).toBe('inactive');
    const ben = await sso('corp-sso', 'ben');
    expect(ben.page.status).toBe(403);
    expect(ben.body.code).toBe('NoRoleMapping');
  });
});
