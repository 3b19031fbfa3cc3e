import { Client, Entry, InvalidCredentialsError, NoSuchObjectError } from 'ldapts';
import { DomainError } from '../../common/domain-error';
import type { LdapSettings } from '../idp-config';
import { firstRdnValue } from '../role-mapping';
import { anyUserFilter, memberFilter, substringFilter, userLookupFilter } from './ldap-filter';

/** A user entry of the directory, as the server uses it. */
export interface LdapAccount {
  dn: string;
  username: string;
  email: string | null;
  displayName: string | null;
  /** DNs of the user's groups. */
  groups: string[];
}

export interface LdapGroup {
  dn: string;
  name: string;
  memberCount: number;
}

const SEARCH_CAP = 1000;

function first(entry: Entry, attr: string): string | null {
  const v = entry[attr] ?? entry[Object.keys(entry).find((k) => k.toLowerCase() === attr.toLowerCase()) ?? ''];
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined || one === null) return null;
  return Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
}

function all(entry: Entry, attr: string): string[] {
  const v = entry[attr] ?? entry[Object.keys(entry).find((k) => k.toLowerCase() === attr.toLowerCase()) ?? ''];
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

/**
 * One LDAP / Active Directory server, through `ldapts` (CommonJS build: it loads under jest and in
 * the server alike). Every operation opens its own connection, binds (the service account, or the
 * user to check a password), works and unbinds: nothing is shared between requests. Values from
 * outside only ever reach a filter through ldap-filter.ts (RFC 4515 escaping).
 */
export class LdapDirectory {
  constructor(
    private readonly s: LdapSettings,
    private readonly bindPassword: string | null,
  ) {}

  /** Connects and binds with the service account (or anonymously); counts the users the user filter finds (up to 1000). */
  async test(): Promise<{ connected: true; bound_as: string; users_found: number }> {
    return this.withServiceBind(async (c) => {
      const users = await this.search(c, this.s.user_search_base, anyUserFilter(this.s.user_filter), ['dn']);
      return { connected: true as const, bound_as: this.s.bind_dn ?? '(anonymous)', users_found: users.length };
    });
  }

  /** The user's entry, or null when the filter finds no user or more than one. */
  async findUser(username: string): Promise<LdapAccount | null> {
    return this.withServiceBind((c) => this.lookup(c, username));
  }

  /** The entry of `dn` when it still matches the user filter; null when it is gone. */
  async readUser(dn: string): Promise<LdapAccount | null> {
    return this.withServiceBind(async (c) => {
      let entries: Entry[];
      try {
        entries = await this.search(c, dn, anyUserFilter(this.s.user_filter), this.userAttributes(), 'base');
      } catch (err) {
        if (err instanceof NoSuchObjectError) return null;
        throw err;
      }
      return entries.length === 1 ? this.account(c, entries[0]) : null;
    });
  }

  /**
   * Checks a password by binding as the user (the password is never stored or compared here).
   * Null for an unknown user or a wrong password. An empty password is refused before any bind:
   * LDAP treats a simple bind with an empty password as an anonymous bind, which "succeeds".
   */
  async authenticate(username: string, password: string): Promise<LdapAccount | null> {
    if (password === '' || username === '') return null;
    const account = await this.findUser(username);
    if (!account) return null;
    const c = this.client();
    try {
      await this.connect(c);
      await c.bind(account.dn, password);
      return account;
    } catch (err) {
      if (err instanceof InvalidCredentialsError) return null;
      throw this.unavailable(err);
    } finally {
      await c.unbind().catch(() => undefined);
    }
  }

  async searchUsers(term: string, limit: number): Promise<LdapAccount[]> {
    return this.withServiceBind(async (c) => {
      const attrs = [this.s.attr_username, this.s.attr_email, this.s.attr_display_name];
      const entries = await this.search(
        c,
        this.s.user_search_base,
        substringFilter(this.s.user_filter, attrs, term),
        this.userAttributes(),
      );
      const out: LdapAccount[] = [];
      for (const e of entries.slice(0, limit)) {
        const a = await this.account(c, e);
        if (a) out.push(a);
      }
      return out;
    });
  }

  async searchGroups(term: string, limit: number): Promise<LdapGroup[]> {
    if (!this.s.group_search_base)
      throw new DomainError('InvalidInput', 'config.group_search_base is not set: this provider has no group search');
    return this.withServiceBind(async (c) => {
      const entries = await this.search(
        c,
        this.s.group_search_base!,
        substringFilter(this.s.group_filter, [this.s.attr_group_name], term),
        [this.s.attr_group_name, this.s.attr_group_member],
      );
      return entries.slice(0, limit).map((e) => ({
        dn: e.dn,
        name: first(e, this.s.attr_group_name) ?? firstRdnValue(e.dn) ?? e.dn,
        memberCount: all(e, this.s.attr_group_member).length,
      }));
    });
  }

  /**
   * The members of a group (its DN, or its name under group_search_base) as accounts; those that
   * are not users of the user filter are left out. Null when there is no such group.
   */
  async groupMembers(group: string): Promise<LdapAccount[] | null> {
    return this.withServiceBind(async (c) => {
      const entry = await this.findGroup(c, group);
      if (!entry) return null;
      const memberAttr = this.s.attr_group_member;
      const byUid = memberAttr.toLowerCase() === 'memberuid';
      const out: LdapAccount[] = [];
      for (const m of all(entry, memberAttr)) {
        const a = byUid ? await this.lookup(c, m) : await this.readUserWith(c, m);
        if (a) out.push(a);
      }
      return out;
    });
  }

  // ---- internals ----

  private async findGroup(c: Client, group: string): Promise<Entry | null> {
    const attrs = [this.s.attr_group_name, this.s.attr_group_member];
    if (/^[A-Za-z][\w-]*=/.test(group)) {
      try {
        const e = await this.search(c, group, this.s.group_filter, attrs, 'base');
        return e[0] ?? null;
      } catch (err) {
        if (err instanceof NoSuchObjectError) return null;
        throw err;
      }
    }
    if (!this.s.group_search_base) return null;
    const e = await this.search(c, this.s.group_search_base, memberFilter(this.s.group_filter, this.s.attr_group_name, group), attrs);
    return e.length === 1 ? e[0] : null;
  }

  private async readUserWith(c: Client, dn: string): Promise<LdapAccount | null> {
    try {
      const e = await this.search(c, dn, anyUserFilter(this.s.user_filter), this.userAttributes(), 'base');
      return e.length === 1 ? this.account(c, e[0]) : null;
    } catch (err) {
      if (err instanceof NoSuchObjectError) return null;
      throw err;
    }
  }

  private async lookup(c: Client, username: string): Promise<LdapAccount | null> {
    const filter = userLookupFilter(this.s.user_filter, this.s.attr_username, username);
    const entries = await this.search(c, this.s.user_search_base, filter, this.userAttributes());
    // Exactly one: an ambiguous name logs nobody in.
    if (entries.length !== 1) return null;
    return this.account(c, entries[0]);
  }

  private userAttributes(): string[] {
    const a = [this.s.attr_username, this.s.attr_email, this.s.attr_display_name];
    if (this.s.attr_member_of) a.push(this.s.attr_member_of);
    return a;
  }

  private async account(c: Client, e: Entry): Promise<LdapAccount | null> {
    const username = first(e, this.s.attr_username);
    if (!username) return null;
    return {
      dn: e.dn,
      username,
      email: first(e, this.s.attr_email),
      displayName: first(e, this.s.attr_display_name),
      groups: await this.groupsOf(c, e.dn, username, e),
    };
  }

  private async groupsOf(c: Client, dn: string, username: string, e: Entry): Promise<string[]> {
    const groups = new Set<string>();
    if (this.s.attr_member_of) for (const g of all(e, this.s.attr_member_of)) groups.add(g);
    if (this.s.group_search_base) {
      const value = this.s.attr_group_member.toLowerCase() === 'memberuid' ? username : dn;
      const found = await this.search(c, this.s.group_search_base, memberFilter(this.s.group_filter, this.s.attr_group_member, value), [
        'dn',
      ]);
      for (const g of found) groups.add(g.dn);
    }
    return [...groups].sort();
  }

  private async search(c: Client, base: string, filter: string, attributes: string[], scope: 'base' | 'sub' = 'sub'): Promise<Entry[]> {
    const { searchEntries } = await c.search(base, { scope, filter, attributes, timeLimit: this.s.timeout_seconds });
    return searchEntries.slice(0, SEARCH_CAP);
  }

  private client(): Client {
    // ldapts speaks TLS from the first byte whenever tlsOptions are given: only for ldaps://.
    const secure = this.s.url.toLowerCase().startsWith('ldaps:');
    return new Client({
      url: this.s.url,
      timeout: this.s.timeout_seconds * 1000,
      connectTimeout: this.s.timeout_seconds * 1000,
      ...(secure ? { tlsOptions: this.tlsOptions() } : {}),
      strictDN: false,
    });
  }

  private tlsOptions() {
    return { ...(this.s.ca_cert ? { ca: [this.s.ca_cert] } : {}), rejectUnauthorized: !this.s.tls_skip_verify };
  }

  private async connect(c: Client): Promise<void> {
    if (this.s.start_tls) {
      await c.startTLS(this.tlsOptions());
    }
  }

  private async withServiceBind<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const c = this.client();
    try {
      await this.connect(c);
      if (this.s.bind_dn) {
        // An empty password would make the bind anonymous, silently.
        if (!this.bindPassword) throw new DomainError('InvalidInput', 'config.bind_password is required with config.bind_dn');
        await c.bind(this.s.bind_dn, this.bindPassword);
      }
      return await fn(c);
    } catch (err) {
      if (err instanceof DomainError) throw err;
      if (err instanceof InvalidCredentialsError) {
        throw new DomainError('IdentityProviderError', `LDAP: the service account ${this.s.bind_dn} could not bind (invalid credentials)`);
      }
      throw this.unavailable(err);
    } finally {
      await c.unbind().catch(() => undefined);
    }
  }

  private unavailable(err: unknown): DomainError {
    const msg = err instanceof Error ? err.message || err.name : String(err);
    return new DomainError('IdentityProviderError', `LDAP server ${this.s.url}: ${msg}`);
  }
}
