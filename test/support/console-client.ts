import { authenticator } from 'otplib';
import { TENANT_FULL_ACCESS_JSON, TENANT_FULL_ACCESS_POLICY_NAME } from '../../src/iam/policy/builtin-policies';

/** A parsed response body: tests read it freely and assert its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** What a console call answered: status, parsed JSON body (or text), headers. */
export interface ConsoleResponse<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A small fetch wrapper for the console API (/api/v1) with a bearer token. Tests assert status
 * codes and JSON shapes on it; it never throws on an HTTP error.
 */
export class ConsoleClient {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  async request<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    opts: { headers?: Record<string, string>; raw?: string } = {},
  ): Promise<ConsoleResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | undefined = opts.raw;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    } else if (opts.raw !== undefined && !headers['content-type']) {
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path.startsWith('/') ? path : `/api/v1/${path}`}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = Json>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = Json>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T = Json>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body ?? {});
  }
  patch<T = Json>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body ?? {});
  }
  delete<T = Json>(path: string) {
    return this.request<T>('DELETE', path);
  }

  /** A client without a token. */
  anonymous(): ConsoleClient {
    return new ConsoleClient(this.baseUrl);
  }

  /** Logs in and returns a client holding the token; throws unless the login answered 200. */
  async login(username: string, password: string, totpCode?: string): Promise<ConsoleClient> {
    const res = await this.anonymous().post('auth/login', { username, password, ...(totpCode ? { totp_code: totpCode } : {}) });
    if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return new ConsoleClient(this.baseUrl, res.body.data.token);
  }
}

/** The current TOTP code of a base32 secret. */
export const totpNow = (secret: string): string => authenticator.generate(secret);

export const TEST_PASSWORD = 'correct horse battery staple';

/** A tenant created through the API, with a tenant admin and a user (both logged in). */
export interface TenantFixture {
  tenant: { id: string; name: string };
  adminName: string;
  userName: string;
  adminId: string;
  userId: string;
  admin: ConsoleClient;
  user: ConsoleClient;
}

/**
 * Root creates the tenant and its admin; the admin creates the user; both log in. Tenant users
 * start with no access at all (least privilege), so by default the admin attaches the built-in
 * `tenant-full-access` policy to the user, as the migration did for users older than that rule;
 * `{ userPolicy: false }` leaves the user with nothing.
 */
export async function createTenantFixture(root: ConsoleClient, name: string, opts: { userPolicy?: boolean } = {}): Promise<TenantFixture> {
  const t = await root.post('tenants', { name });
  if (t.status !== 201) throw new Error(`tenant ${name}: ${t.status} ${JSON.stringify(t.body)}`);
  const adminName = `${name}-admin`;
  const userName = `${name}-user`;
  const a = await root.post('users', { username: adminName, password: TEST_PASSWORD, tenant_id: t.body.data.id, role: 'tenant-admin' });
  if (a.status !== 201) throw new Error(`admin ${adminName}: ${a.status} ${JSON.stringify(a.body)}`);
  const admin = await root.login(adminName, TEST_PASSWORD);
  const u = await admin.post('users', { username: userName, password: TEST_PASSWORD });
  if (u.status !== 201) throw new Error(`user ${userName}: ${u.status} ${JSON.stringify(u.body)}`);
  if (opts.userPolicy !== false) {
    const p = await admin.put(`users/${userName}/policies/${TENANT_FULL_ACCESS_POLICY_NAME}`, JSON.parse(TENANT_FULL_ACCESS_JSON));
    if (p.status !== 200) throw new Error(`policy of ${userName}: ${p.status} ${JSON.stringify(p.body)}`);
  }
  const user = await root.login(userName, TEST_PASSWORD);
  return { tenant: t.body.data, adminName, userName, adminId: a.body.data.id, userId: u.body.data.id, admin, user };
}
