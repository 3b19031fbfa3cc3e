import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { generators } from 'openid-client';
import { LessThan } from 'typeorm';
import { AuthError } from '../auth/auth.errors';
import { AuthService } from '../auth/auth.service';
import type { Session } from '../auth/auth.types';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { SecretBox } from '../iam/secret-box';
import { IdentityProviderEntity } from './entities/identity-provider.entity';
import { OAuthRecordKind, OAuthStateEntity } from './entities/oauth-state.entity';
import { ExternalAccount, IdpAccountsService } from './idp-accounts.service';
import type { OidcSettings } from './idp-config';
import { IdentityProvidersService } from './identity-providers.service';

/** How long a started login may take at the provider. */
export const STATE_TTL_MS = 10 * 60_000;
/** How long the console has to exchange the ticket of a finished login. */
export const TICKET_TTL_MS = 60_000;
/** Path of the callback, under the console's public URL. */
export const CALLBACK_PATH = '/api/v1/auth/oauth/callback';
export const COMPLETE_PATH = '/api/v1/auth/oauth/complete';
/** Prefix of the cookie that binds a login to the browser that started it (one cookie per login). */
export const BINDING_COOKIE_PREFIX = 'os_sso_';

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');
const random = () => randomBytes(32).toString('base64url');

export interface StartedLogin {
  authorizationUrl: string;
  state: string;
  expiresAt: Date;
  provider: { id: string; name: string };
  redirectUri: string;
  /** Set this cookie on the response (HttpOnly, SameSite=Lax, path = the oauth routes). */
  cookie: { name: string; value: string; maxAgeSeconds: number };
}

export interface FinishedCallback {
  ticket: string;
  /** Where the browser goes next: the console page that started the login (with ?sso_ticket=), or `complete`. */
  location: string;
  clearCookie: string;
  userId: string;
  username: string;
}

/** Claims read with a dotted path (`realm_access.roles` for Keycloak). */
function claim(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let v: unknown = claims;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/**
 * OpenID Connect login of the console: the Authorization Code flow with PKCE (S256), state and
 * nonce. The state is a short-lived, single-use server-side record bound to the browser by a
 * cookie; the callback checks everything (state, binding, issuer, code exchange, ID-token
 * signature/audience/expiry/nonce) and hands out a one-time ticket, which `complete` exchanges
 * once for a console token.
 */
@Injectable()
export class OidcLoginService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly providers: IdentityProvidersService,
    private readonly accounts: IdpAccountsService,
    private readonly auth: AuthService,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async start(input: { provider: string; returnTo?: string; requestOrigin: string }): Promise<StartedLogin> {
    const p = await this.activeOidc(input.provider);
    const settings = p.config as OidcSettings;
    const returnTo = checkReturnTo(input.returnTo);
    const redirectUri = settings.redirect_uri ?? `${this.config.consolePublicUrl ?? input.requestOrigin}${CALLBACK_PATH}`;
    const state = random();
    const nonce = random();
    const codeVerifier = generators.codeVerifier();
    const binding = random();
    const authorizationUrl = await this.providers.relyingParty(p).authorizationUrl({
      redirectUri,
      state,
      nonce,
      codeChallenge: generators.codeChallenge(codeVerifier),
    });
    const now = this.clock.now().getTime();
    const id = sha256(state);
    await this.db.tx(async (m) => {
      // Expired records go first: the table holds only logins in progress.
      await m.delete(OAuthStateEntity, { expiresAt: LessThan(now) });
      await m.insert(OAuthStateEntity, {
        id,
        kind: 'state',
        providerId: p.id,
        userId: null,
        nonce,
        codeVerifierEnc: this.box.seal(codeVerifier),
        browserBinding: sha256(binding),
        redirectUri,
        returnTo,
        createdAt: now,
        expiresAt: now + STATE_TTL_MS,
      });
    });
    return {
      authorizationUrl,
      state,
      expiresAt: new Date(now + STATE_TTL_MS),
      provider: { id: p.id, name: p.name },
      redirectUri,
      cookie: { name: bindingCookieName(state), value: binding, maxAgeSeconds: STATE_TTL_MS / 1000 },
    };
  }

  /**
   * The provider's redirect back. The state is used up by this call whatever happens next, so a
   * replayed callback (same state and code) is refused even before the provider would refuse
   * the code.
   */
  async callback(query: Record<string, unknown>, cookies: Record<string, string>): Promise<FinishedCallback> {
    const state = typeof query.state === 'string' ? query.state : '';
    if (!state) throw new AuthError('SsoStateInvalid', 'The login state is missing: start the login again from the console');
    const record = await this.consume('state', state);
    if (!record)
      throw new AuthError('SsoStateInvalid', 'Unknown, expired or already used login state: start the login again from the console');
    const cookieName = bindingCookieName(state);
    const binding = cookies[cookieName];
    if (!binding || sha256(binding) !== record.browserBinding) {
      throw new AuthError('SsoStateInvalid', 'This login was started in another browser (its cookie is missing): start the login again');
    }
    if (typeof query.error === 'string') {
      const desc = typeof query.error_description === 'string' ? `: ${query.error_description}` : '';
      throw new AuthError('SsoLoginFailed', `The identity provider refused the login (${query.error}${desc})`);
    }
    const code = typeof query.code === 'string' ? query.code : '';
    if (!code) throw new AuthError('SsoLoginFailed', 'The identity provider sent no authorization code');
    const p = await this.providers.find(record.providerId);
    if (!p || p.status !== 'active' || p.type !== 'oidc')
      throw new AuthError('SsoLoginFailed', 'The identity provider of this login is no longer active');
    const rp = this.providers.relyingParty(p);
    const issuer = (await rp.discover()).metadata.issuer;
    // RFC 9207: a provider that names itself in the response must be the one the login went to (mix-up defence).
    if (typeof query.iss === 'string' && query.iss.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')) {
      throw new AuthError('SsoLoginFailed', `The response comes from issuer ${query.iss}, not ${issuer}`);
    }
    const tokens = await rp.exchange({ code, redirectUri: record.redirectUri!, codeVerifier: this.box.open(record.codeVerifierEnc!) });
    if (!tokens.id_token)
      throw new AuthError('SsoLoginFailed', 'The identity provider returned no ID token (is the openid scope allowed?)');
    const idClaims = await rp.verifyIdToken(tokens.id_token, { nonce: record.nonce!, now: this.clock.now() });
    let claims: Record<string, unknown> = { ...idClaims };
    if (tokens.access_token) {
      const info = await rp.userinfo(tokens.access_token, record.redirectUri!);
      if (Object.keys(info).length > 0) {
        if (info.sub !== idClaims.sub) throw new AuthError('SsoLoginFailed', 'The userinfo subject differs from the ID token subject');
        claims = { ...info, ...idClaims };
      }
    }
    const account = this.account(p, claims);
    const userId = await this.accounts.login(p, account);
    const ticket = random();
    const now = this.clock.now().getTime();
    await this.db.tx((m) =>
      m.insert(OAuthStateEntity, {
        id: sha256(ticket),
        kind: 'ticket',
        providerId: p.id,
        userId,
        nonce: null,
        codeVerifierEnc: null,
        browserBinding: null,
        redirectUri: null,
        returnTo: record.returnTo,
        createdAt: now,
        expiresAt: now + TICKET_TTL_MS,
      }),
    );
    const location = record.returnTo
      ? `${record.returnTo}${record.returnTo.includes('?') ? '&' : '?'}sso_ticket=${encodeURIComponent(ticket)}`
      : `${COMPLETE_PATH}?ticket=${encodeURIComponent(ticket)}`;
    return { ticket, location, clearCookie: cookieName, userId, username: account.username };
  }

  /** Exchanges a ticket (once, within a minute) for a console session. */
  async complete(ticket: string): Promise<Session> {
    const record = ticket ? await this.consume('ticket', ticket) : null;
    if (!record || !record.userId) throw new AuthError('SsoStateInvalid', 'Unknown, expired or already used login ticket: log in again');
    return this.auth.ssoSession(record.userId);
  }

  private account(p: IdentityProviderEntity, claims: Record<string, unknown>): ExternalAccount {
    const s = p.config as OidcSettings;
    const username = claim(claims, s.username_claim);
    if (typeof username !== 'string' || username === '') {
      throw new AuthError(
        'SsoLoginFailed',
        `The identity provider sent no ${s.username_claim} claim to use as the username (config.username_claim)`,
      );
    }
    const emailClaim = claim(claims, s.email_claim);
    const email = typeof emailClaim === 'string' && emailClaim !== '' ? emailClaim : null;
    if (s.allowed_email_domains.length > 0) {
      const domain = email?.split('@').pop()?.toLowerCase();
      if (!email || !domain || !s.allowed_email_domains.includes(domain)) {
        throw new AuthError('SsoLoginFailed', `Only accounts with an email address in ${s.allowed_email_domains.join(', ')} may log in`);
      }
      if (claims.email_verified === false) throw new AuthError('SsoLoginFailed', 'The email address of this account is not verified');
    }
    const raw = claim(claims, s.groups_claim);
    const groups = Array.isArray(raw)
      ? raw.filter((g): g is string => typeof g === 'string')
      : typeof raw === 'string' && raw !== ''
        ? raw.split(/[\s,]+/).filter(Boolean)
        : [];
    return { subject: String(claims.sub), username, email, groups: [...new Set(groups)].sort() };
  }

  private async activeOidc(idOrName: string): Promise<IdentityProviderEntity> {
    const p = idOrName ? await this.providers.find(idOrName) : null;
    if (!p || p.type !== 'oidc' || p.status !== 'active') {
      throw new DomainError(
        'IdentityProviderNotFound',
        `no active OIDC provider ${JSON.stringify(idOrName)} (GET /api/v1/auth/oauth/providers lists them)`,
      );
    }
    return p;
  }

  /** Takes a record out (single use: of two concurrent takers, one wins); null when unknown or expired. */
  private async consume(kind: OAuthRecordKind, value: string): Promise<OAuthStateEntity | null> {
    const id = sha256(value);
    const now = this.clock.now().getTime();
    return this.db.tx(async (m) => {
      const row = await m.findOneBy(OAuthStateEntity, { id, kind });
      if (!row) return null;
      const res = await m.delete(OAuthStateEntity, { id, kind });
      if ((res.affected ?? 0) !== 1) return null;
      return row.expiresAt >= now ? row : null;
    });
  }
}

export function bindingCookieName(state: string): string {
  return `${BINDING_COOKIE_PREFIX}${sha256(state).slice(0, 16)}`;
}

/** Only a path of this console: no scheme, no host, no `//` (an open redirect otherwise). */
function checkReturnTo(v: string | undefined): string | null {
  if (v === undefined || v === '') return null;
  if (v.length > 1024 || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\') || /[\s\\]/.test(v)) {
    throw new DomainError('InvalidInput', 'return_to must be a path on this console, such as /console/');
  }
  return v;
}
