// A real OpenID provider for the SSO tests: `oidc-provider` (ESM-only, hence a child process; the
// server under test runs inside jest's CommonJS registry). Its development interactions render
// plain HTML login and consent forms, which the tests fill in like a browser.
//
//   node test/support/oidc-provider.mjs '<json>'
//   json: { clients: [{ client_id, client_secret, redirect_uris, id_token_ttl? }],
//           accounts: { <login>: { preferred_username, email, email_verified, groups } } }
//
// Listens on a random loopback port and prints `OIDC_PROVIDER_PORT=<port>` once ready.
// Test controls (never part of a real provider):
//   POST /__control { "tamper": { "aud"?: string, "key"?: "rotated" | "unknown" } | null, "rotate"?: bool }
//     tamper: the next ID tokens from /token are re-signed with those changes (a provider key,
//     so only the changed claim is wrong); rotate: /jwks also publishes the "rotated" key.
//   GET /__control → { jwks_requests, token_requests }
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const input = JSON.parse(process.argv[2] ?? '{}');

function rsaKey(kid) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid,
    privateKey,
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
  };
}
const keys = { provider: rsaKey('provider-key-1'), rotated: rsaKey('provider-key-2'), unknown: rsaKey('never-published') };

const state = { tamper: null, rotate: false, jwksRequests: 0, tokenRequests: 0 };
const ttlByClient = new Map((input.clients ?? []).map((c) => [c.client_id, c.id_token_ttl ?? 3600]));

const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
function resign(idToken, tamper) {
  const [h, p] = idToken.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  if (tamper.aud !== undefined) payload.aud = tamper.aud;
  const key = keys[tamper.key ?? 'provider'];
  const newHeader = { ...header, kid: key.kid, alg: 'RS256' };
  const data = `${b64(newHeader)}.${b64(payload)}`;
  return `${data}.${sign('sha256', Buffer.from(data), key.privateKey).toString('base64url')}`;
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: (input.clients ?? []).map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      redirect_uris: c.redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [keys.provider.privateJwk] },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['preferred_username', 'name'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    ttl: {
      IdToken: (_ctx, _token, client) => ttlByClient.get(client.clientId) ?? 3600,
      AccessToken: 3600,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    async findAccount(_ctx, id) {
      const a = input.accounts?.[id];
      if (!a) return undefined;
      return { accountId: id, claims: async () => ({ sub: a.sub ?? id, ...a }) };
    },
  });
  // Quiet: errors are answered to the client, which is what the tests look at.
  provider.on('server_error', (_ctx, err) => process.stderr.write(`oidc-provider server_error: ${err?.stack ?? err}\n`));
  const handle = provider.callback();

  server.on('request', (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/__control') return control(req, res);
    if (path === '/jwks') {
      state.jwksRequests++;
      if (state.rotate) {
        res.setHeader('content-type', 'application/jwk-set+json; charset=utf-8');
        res.end(JSON.stringify({ keys: [keys.provider.publicJwk, keys.rotated.publicJwk] }));
        return;
      }
    }
    if (path === '/token' && req.method === 'POST') {
      state.tokenRequests++;
      if (state.tamper) tamperResponse(res, state.tamper);
    }
    handle(req, res);
  });
  process.stdout.write(`OIDC_PROVIDER_PORT=${port}\n`);
});

function tamperResponse(res, tamper) {
  const end = res.end.bind(res);
  const chunks = [];
  res.write = (chunk) => {
    chunks.push(Buffer.from(chunk));
    return true;
  };
  res.end = (chunk, ...rest) => {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
    let body = Buffer.concat(chunks).toString('utf8');
    try {
      const json = JSON.parse(body);
      if (json.id_token) json.id_token = resign(json.id_token, tamper);
      body = JSON.stringify(json);
    } catch {
      // not JSON (an error page): unchanged
    }
    if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(body));
    return end(body, ...rest.filter((r) => typeof r === 'function'));
  };
}

function control(req, res) {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    if (req.method === 'POST') {
      const body = JSON.parse(raw || '{}');
      if ('tamper' in body) state.tamper = body.tamper;
      if ('rotate' in body) state.rotate = Boolean(body.rotate);
    }
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        jwks_requests: state.jwksRequests,
        token_requests: state.tokenRequests,
        tamper: state.tamper,
        rotate: state.rotate,
      }),
    );
  });
}

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
