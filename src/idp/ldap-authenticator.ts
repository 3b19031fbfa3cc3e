import { Injectable, OnModuleInit } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import type { ExternalAuthenticator, ExternalLoginOutcome, LoginInput } from '../auth/auth.types';
import { IdentityProviderEntity } from './entities/identity-provider.entity';
import { IdpAccountsService } from './idp-accounts.service';
import type { LdapSettings } from './idp-config';
import { IdentityProvidersService } from './identity-providers.service';
import type { LdapAccount } from './ldap/ldap-directory';

const REJECTED: ExternalLoginOutcome = { kind: 'rejected' };
const NOT_HANDLED: ExternalLoginOutcome = { kind: 'not-handled' };

export const toExternalAccount = (a: LdapAccount) => ({ subject: a.dn, username: a.username, email: a.email, groups: a.groups });

/**
 * POST /api/v1/auth/login for LDAP users: the password is checked by binding to the directory as
 * the user (never stored). Who is an LDAP user: a local user linked to an LDAP provider; a login
 * naming a `provider`; or, for a username unknown here, the active LDAP providers that create
 * users (auto_create_users), tried in name order. Local users keep their local password.
 */
@Injectable()
export class LdapAuthenticator implements ExternalAuthenticator, OnModuleInit {
  constructor(
    private readonly auth: AuthService,
    private readonly providers: IdentityProvidersService,
    private readonly accounts: IdpAccountsService,
  ) {}

  onModuleInit(): void {
    this.auth.registerExternalAuthenticator(this);
  }

  async authenticate(input: LoginInput, localUser: { id: string; username: string } | null): Promise<ExternalLoginOutcome> {
    const named = input.provider !== undefined ? await this.providers.find(input.provider) : undefined;
    if (named !== undefined && (!named || named.type !== 'ldap' || named.status !== 'active')) return REJECTED;
    const link = localUser ? await this.accounts.linkOf(localUser.id) : null;

    if (localUser && link) {
      if (named && named.id !== link.providerId) return REJECTED;
      const p = named ?? (await this.providers.find(link.providerId));
      // Users of an OIDC provider, or of an inactive one, have no password to check.
      if (!p || p.type !== 'ldap' || p.status !== 'active') return REJECTED;
      const account = await this.providers.directory(p).authenticate(link.externalUsername, input.password);
      if (!account) return REJECTED;
      return { kind: 'ok', userId: await this.accounts.login(p, toExternalAccount(account)) };
    }
    if (localUser) return named ? REJECTED : NOT_HANDLED;

    const candidates = named ? [named] : (await this.providers.activeLdap()).filter((p) => (p.config as LdapSettings).auto_create_users);
    if (candidates.length === 0) return NOT_HANDLED;
    for (const p of candidates) {
      const userId = await this.tryProvider(p, input);
      if (userId) return { kind: 'ok', userId };
    }
    return REJECTED;
  }

  private async tryProvider(p: IdentityProviderEntity, input: LoginInput): Promise<string | null> {
    const account = await this.providers.directory(p).authenticate(input.username, input.password);
    if (!account) return null;
    return this.accounts.login(p, toExternalAccount(account));
  }
}
