import { DomainError } from '../common/domain-error';
import type { UserRole } from '../iam/entities/user.entity';

export type IdpType = 'oidc' | 'ldap';
export const IDP_TYPES: readonly IdpType[] = ['oidc', 'ldap'];
/** Roles a provider may give to users whose groups map to nothing: never `admin`. */
export type DefaultRole = Exclude<UserRole, 'admin'>;
export const DEFAULT_ROLES: readonly DefaultRole[] = ['user', 'tenant-admin'];

/** OpenID Connect settings (stored as JSON; the client secret is sealed apart). */
export interface OidcSettings {
  issuer_url: string;
  client_id: string;
  scopes: string[];
  /** Claim that becomes the local username. */
  username_claim: string;
  email_claim: string;
  /** Claim holding the user's groups (an array of strings, or one string). */
  groups_claim: string;
  /** When not empty, the email claim must be verified and in one of these domains. */
  allowed_email_domains: string[];
  /** Create a local user on first login (else only users linked beforehand may log in). */
  auto_create_users: boolean;
  /** Role of users whose groups map to nothing; applies only with auto_create_users, never admin. */
  default_role: DefaultRole | null;
  /** Callback URL registered at the provider; null = CONSOLE_PUBLIC_URL or the request's host + /api/v1/auth/oauth/callback. */
  redirect_uri: string | null;
  /** Shown on the login page's button. */
  display_name: string | null;
}

/** LDAP / Active Directory settings (the bind password is sealed apart). */
export interface LdapSettings {
  /** ldap://host:389 or ldaps://host:636 */
  url: string;
  /** Upgrade an ldap:// connection with StartTLS. */
  start_tls: boolean;
  /** PEM CA certificate(s) that sign the server's certificate (ldaps:// or StartTLS). */
  ca_cert: string | null;
  /** Accept any server certificate (testing only). */
  tls_skip_verify: boolean;
  /** Service account that searches the directory; null = anonymous searches. */
  bind_dn: string | null;
  user_search_base: string;
  /** Filter of user entries, e.g. (objectClass=inetOrgPerson); may contain {username}. */
  user_filter: string;
  /** Where groups live; null = group lookups use attr_member_of only. */
  group_search_base: string | null;
  group_filter: string;
  attr_username: string;
  attr_email: string;
  attr_display_name: string;
  /** User attribute listing the user's group DNs (Active Directory: memberOf); null = search the groups. */
  attr_member_of: string | null;
  /** Group attribute listing its members: member / uniqueMember (DNs) or memberUid (usernames). */
  attr_group_member: string;
  attr_group_name: string;
  auto_create_users: boolean;
  default_role: DefaultRole | null;
  /** Connect and operation timeout. */
  timeout_seconds: number;
}

export type IdpSettings = OidcSettings | LdapSettings;

const bad = (field: string, what: string) => new DomainError('InvalidInput', `config.${field} ${what}`);

type Raw = Record<string, unknown>;

function str(raw: Raw, field: string, opts: { required?: boolean; max?: number; dflt?: string | null } = {}): string | null {
  const v = raw[field];
  if (v === undefined || v === null || v === '') {
    if (opts.required && opts.dflt === undefined) throw bad(field, 'is required');
    return opts.dflt ?? null;
  }
  if (typeof v !== 'string') throw bad(field, 'must be a string');
  if (v.length > (opts.max ?? 1024)) throw bad(field, `must be at most ${opts.max ?? 1024} characters`);
  return v.trim();
}

function bool(raw: Raw, field: string, dflt: boolean): boolean {
  const v = raw[field];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw bad(field, 'must be true or false');
  return v;
}

function strList(raw: Raw, field: string, dflt: string[]): string[] {
  let v = raw[field];
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'string') v = v.split(/[\s,]+/).filter(Boolean);
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length === 0 || x.length > 256) || v.length > 100) {
    throw bad(field, 'must be a list of strings');
  }
  return [...new Set((v as string[]).map((x) => x.trim()))];
}

function defaultRole(raw: Raw): DefaultRole | null {
  const v = raw.default_role;
  if (v === undefined || v === null || v === '') return null;
  if (v === 'admin') throw bad('default_role', 'cannot be admin: global admins come from an explicit group mapping only');
  if (!DEFAULT_ROLES.includes(v as DefaultRole)) throw bad('default_role', `must be one of ${DEFAULT_ROLES.join(', ')} (or null)`);
  return v as DefaultRole;
}

const ATTR = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;
function attr(raw: Raw, field: string, dflt: string | null): string | null {
  const v = str(raw, field, { dflt, max: 64 });
  if (v !== null && !ATTR.test(v)) throw bad(field, 'must be an LDAP attribute name');
  return v;
}

function httpUrl(raw: Raw, field: string, required: boolean): string | null {
  const v = str(raw, field, { required });
  if (v === null) return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw bad(field, 'must be an http(s) URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw bad(field, 'must be an http(s) URL');
  return v.replace(/\/+$/, '');
}

function filter(raw: Raw, field: string, dflt: string): string {
  const v = str(raw, field, { dflt, max: 1024 })!;
  if (!v.startsWith('(') || !v.endsWith(')')) throw bad(field, 'must be an LDAP filter in parentheses, e.g. (objectClass=person)');
  return v;
}

/** MaxIOFS nests the settings under their kind ({ oauth2: {...} } / { ldap: {...} }); both shapes are accepted. */
export function unwrapConfig(type: IdpType, config: unknown): Raw {
  if (config === undefined || config === null) return {};
  if (typeof config !== 'object' || Array.isArray(config)) throw new DomainError('InvalidInput', 'config must be an object');
  const c = config as Raw;
  const nested = type === 'oidc' ? (c.oidc ?? c.oauth2) : c.ldap;
  if (nested !== undefined) {
    if (typeof nested !== 'object' || nested === null || Array.isArray(nested))
      throw new DomainError('InvalidInput', `config.${type} must be an object`);
    return nested as Raw;
  }
  return c;
}

/** The secret of a config input: client_secret (OIDC) or bind_password (LDAP); undefined = unchanged. */
export function secretOf(type: IdpType, raw: Raw): string | null | undefined {
  const field = type === 'oidc' ? 'client_secret' : 'bind_password';
  const v = raw[field];
  if (v === undefined) return undefined;
  if (v === null || v === '') return null;
  if (typeof v !== 'string' || v.length > 1024) throw bad(field, 'must be a string of at most 1024 characters');
  return v;
}

const SECRET_FIELDS = ['client_secret', 'bind_password'];

/** Validates OIDC settings, filling defaults; `base` holds the current settings on update (fields absent from raw are kept). */
export function parseOidcSettings(input: Raw, base?: OidcSettings): OidcSettings {
  rejectUnknown(input, OIDC_FIELDS);
  const raw: Raw = { ...(base ?? {}), ...withoutSecrets(input) };
  const scopes = strList(raw, 'scopes', ['openid', 'profile', 'email']);
  if (!scopes.includes('openid')) scopes.unshift('openid');
  const s: OidcSettings = {
    issuer_url: httpUrl(raw, 'issuer_url', true)!,
    client_id: str(raw, 'client_id', { required: true, max: 256 })!,
    scopes,
    username_claim: str(raw, 'username_claim', { dflt: 'preferred_username', max: 128 })!,
    email_claim: str(raw, 'email_claim', { dflt: 'email', max: 128 })!,
    groups_claim: str(raw, 'groups_claim', { dflt: 'groups', max: 128 })!,
    allowed_email_domains: strList(raw, 'allowed_email_domains', []).map((d) => d.toLowerCase().replace(/^@/, '')),
    auto_create_users: bool(raw, 'auto_create_users', false),
    default_role: defaultRole(raw),
    redirect_uri: httpUrl(raw, 'redirect_uri', false),
    display_name: str(raw, 'display_name', { max: 128 }),
  };
  return s;
}

/** Validates LDAP settings, filling defaults (OpenLDAP's inetOrgPerson / groupOfNames). */
export function parseLdapSettings(input: Raw, base?: LdapSettings): LdapSettings {
  rejectUnknown(input, LDAP_FIELDS);
  const raw: Raw = { ...(base ?? {}), ...withoutSecrets(input) };
  const url = str(raw, 'url', { required: true })!;
  if (!/^ldaps?:\/\/[^/\s]+\/?$/i.test(url)) throw bad('url', 'must be ldap://host[:port] or ldaps://host[:port]');
  const ca = str(raw, 'ca_cert', { max: 65536 });
  if (ca !== null && !ca.includes('-----BEGIN CERTIFICATE-----')) throw bad('ca_cert', 'must be PEM certificate(s)');
  const timeout = raw.timeout_seconds ?? 10;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > 120)
    throw bad('timeout_seconds', 'must be 1-120');
  const s: LdapSettings = {
    url: url.replace(/\/+$/, ''),
    start_tls: bool(raw, 'start_tls', false),
    ca_cert: ca,
    tls_skip_verify: bool(raw, 'tls_skip_verify', false),
    bind_dn: str(raw, 'bind_dn'),
    user_search_base: str(raw, 'user_search_base', { required: true })!,
    user_filter: filter(raw, 'user_filter', '(objectClass=inetOrgPerson)'),
    group_search_base: str(raw, 'group_search_base'),
    group_filter: filter(raw, 'group_filter', '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))'),
    attr_username: attr(raw, 'attr_username', 'uid')!,
    attr_email: attr(raw, 'attr_email', 'mail')!,
    attr_display_name: attr(raw, 'attr_display_name', 'cn')!,
    attr_member_of: attr(raw, 'attr_member_of', null),
    attr_group_member: attr(raw, 'attr_group_member', 'member')!,
    attr_group_name: attr(raw, 'attr_group_name', 'cn')!,
    auto_create_users: bool(raw, 'auto_create_users', false),
    default_role: defaultRole(raw),
    timeout_seconds: timeout,
  };
  if (s.start_tls && s.url.toLowerCase().startsWith('ldaps:')) throw bad('start_tls', 'is for ldap:// URLs (ldaps:// is TLS already)');
  return s;
}

const OIDC_FIELDS = [
  'issuer_url',
  'client_id',
  'client_secret',
  'scopes',
  'username_claim',
  'email_claim',
  'groups_claim',
  'allowed_email_domains',
  'auto_create_users',
  'default_role',
  'redirect_uri',
  'display_name',
];
const LDAP_FIELDS = [
  'url',
  'start_tls',
  'ca_cert',
  'tls_skip_verify',
  'bind_dn',
  'bind_password',
  'user_search_base',
  'user_filter',
  'group_search_base',
  'group_filter',
  'attr_username',
  'attr_email',
  'attr_display_name',
  'attr_member_of',
  'attr_group_member',
  'attr_group_name',
  'auto_create_users',
  'default_role',
  'timeout_seconds',
];

function rejectUnknown(raw: Raw, known: string[]): void {
  const unknown = Object.keys(raw).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw bad(unknown[0], `is not a setting of this provider type (known: ${known.join(', ')})`);
}

function withoutSecrets(raw: Raw): Raw {
  const out: Raw = {};
  for (const [k, v] of Object.entries(raw)) if (!SECRET_FIELDS.includes(k)) out[k] = v;
  return out;
}

export const isOidc = (type: IdpType, _s: IdpSettings): _s is OidcSettings => type === 'oidc';
export const isLdap = (type: IdpType, _s: IdpSettings): _s is LdapSettings => type === 'ldap';
