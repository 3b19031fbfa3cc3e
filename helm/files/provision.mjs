// The chart's provisioning Job (post-install, post-upgrade): creates the tenants, buckets, users and inline
// policies listed under `provisioning` in the values, through the console API, as the root user.
// Idempotent: what exists already is kept (a policy is replaced by the values' document).
// Env: CONSOLE_URL, ROOT_ACCESS_KEY_FILE, ROOT_SECRET_KEY_FILE, PROVISION_FILE (the JSON spec),
// PASSWORDS_DIR (a file per user with a passwordSecret, named after the user). Node 20, no dependencies.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const env = process.env;
const base = `${env.CONSOLE_URL.replace(/\/+$/, '')}/api/v1`;
const read = (file) => readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
const spec = JSON.parse(readFileSync(env.PROVISION_FILE, 'utf8'));
const log = (msg) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'log', context: 'Provision', msg })}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(method, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

async function main() {
  // The server may still be starting (post-install runs as soon as the objects exist).
  const deadline = Date.now() + Number(env.PROVISION_WAIT_SECONDS ?? 300) * 1000;
  for (;;) {
    const ok = await fetch(`${env.CONSOLE_URL}/ready`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${env.CONSOLE_URL}/ready did not answer 200 in time`);
    await sleep(2000);
  }
  const login = await call('POST', '/auth/login', { username: read(env.ROOT_ACCESS_KEY_FILE), password: read(env.ROOT_SECRET_KEY_FILE) });
  const token = login.json?.data?.token ?? login.json?.token ?? login.json?.data?.access_token;
  if (login.status !== 200 || !token) throw new Error(`login as root failed (${login.status}): ${login.text}`);

  for (const t of spec.tenants ?? []) {
    const r = await call('POST', '/tenants', { name: t.name }, token);
    if (r.status === 409) log(`tenant ${t.name} exists`);
    else if (r.status >= 300) throw new Error(`tenant ${t.name}: ${r.status} ${r.text}`);
    else log(`tenant ${t.name} created`);
  }
  for (const b of spec.buckets ?? []) {
    const r = await call('POST', '/buckets', { name: b.name, ...(b.versioning ? { versioning: b.versioning } : {}) }, token);
    if (r.status === 409) log(`bucket ${b.name} exists`);
    else if (r.status >= 300) throw new Error(`bucket ${b.name}: ${r.status} ${r.text}`);
    else log(`bucket ${b.name} created`);
  }
  for (const u of spec.users ?? []) {
    const pwFile = join(env.PASSWORDS_DIR ?? '/nonexistent', u.username);
    const body = {
      username: u.username,
      role: u.role ?? 'user',
      ...(u.tenant ? { tenant_id: u.tenant } : {}),
      ...(existsSync(pwFile) ? { password: read(pwFile) } : {}),
    };
    const r = await call('POST', '/users', body, token);
    if (r.status === 409) log(`user ${u.username} exists`);
    else if (r.status >= 300) throw new Error(`user ${u.username}: ${r.status} ${r.text}`);
    else log(`user ${u.username} created${body.password ? '' : ' (no password: create its access keys in the console)'}`);
    for (const p of u.policies ?? []) {
      const pr = await call('PUT', `/users/${encodeURIComponent(u.username)}/policies/${encodeURIComponent(p.name)}`, p.document, token);
      if (pr.status >= 300) throw new Error(`policy ${p.name} of ${u.username}: ${pr.status} ${pr.text}`);
      log(`policy ${p.name} attached to ${u.username}`);
    }
  }
  log('provisioning done');
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', context: 'Provision', msg: String(err?.message ?? err) })}\n`);
  process.exit(1);
});
