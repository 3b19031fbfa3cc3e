import { decodeProtectedHeader, errors as joseErrors, jwtVerify, JWTPayload } from 'jose';
import { Client, errors as oidcErrors, Issuer, TokenSet } from 'openid-client';
import { AuthError } from '../../auth/auth.errors';
import { DomainError } from '../../common/domain-error';
import type { OidcSettings } from '../idp-config';
import { JwksCache } from './jwks-cache';

/** ID-token signature algorithms accepted (asymmetric only: `none` and HMAC never). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Allowed clock difference with the provider when checking exp/nbf/iat. */
export const CLOCK_TOLERANCE_SECONDS = 60;
/** A discovery document is re-read after this long. */
const DISCOVERY_MAX_AGE_MS = 3_600_000;

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

export interface DiscoveryInfo {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string | null;
  jwks_uri: string;
  keys: number;
}

/**
 * The relying-party side of one OpenID Connect provider.
 *
 * Library choice: `openid-client` v5 (CommonJS, so it loads in the jest integration tests; v6 is
 * ESM-only) does discovery, the authorization URL and the code-for-tokens exchange (client
 * authentication, error bodies). The ID token is verified here with `jose` v4 (CommonJS) and our
 * own JWKS cache, because openid-client's own check reads the wall clock (the server's clock is
 * injectable: `Clock`) and re-reads the JWKS for an unknown `kid` at most once a minute, which
 * would refuse logins right after a key rotation. passport-openidconnect falls short further: it
 * keeps state in an express session, has no PKCE, and does not verify ID-token signatures
 * against the JWKS (it relies on TLS to the token endpoint).
 */
export class OidcRelyingParty {
  private issuer?: Issuer<Client>;
  private discoveredAt = 0;
  private jwks?: JwksCache;

  constructor(
    readonly settings: OidcSettings,
    private readonly clientSecret: string | null,
  ) {}

  /** Reads /.well-known/openid-configuration (cached for an hour) and checks that it names the configured issuer. */
  async discover(force = false): Promise<Issuer<Client>> {
    if (this.issuer && !force && Date.now() - this.discoveredAt < DISCOVERY_MAX_AGE_MS) return this.issuer;
    const url = `${this.settings.issuer_url}/.well-known/openid-configuration`;
    let issuer: Issuer<Client>;
    try {
      issuer = await Issuer.discover(url);
    } catch (err) {
      throw new DomainError('IdentityProviderError', `OIDC discovery at ${url} failed: ${(err as Error).message}`);
    }
    const m = issuer.metadata;
    if (!sameUrl(m.issuer, this.settings.issuer_url)) {
      throw new DomainError('IdentityProviderError', `the discovery document names issuer ${m.issuer}, not ${this.settings.issuer_url}`);
    }
    if (!m.authorization_endpoint || !m.token_endpoint || !m.jwks_uri) {
      throw new DomainError('IdentityProviderError', 'the discovery document lacks authorization_endpoint, token_endpoint or jwks_uri');
    }
    if (!this.jwks || this.issuer?.metadata.jwks_uri !== m.jwks_uri) this.jwks = new JwksCache(m.jwks_uri);
    this.issuer = issuer;
    this.discoveredAt = Date.now();
    return issuer;
  }

  /** Discovery plus a JWKS fetch: what POST /identity-providers/{id}/test reports. */
  async test(): Promise<DiscoveryInfo> {
    const issuer = await this.discover(true);
    const m = issuer.metadata;
    const res = await fetch(m.jwks_uri!, { signal: AbortSignal.timeout(10_000) }).catch((err: Error) => {
      throw new DomainError('IdentityProviderError', `JWKS fetch from ${m.jwks_uri} failed: ${err.message}`);
    });
    const body = (await res.json().catch(() => null)) as { keys?: unknown[] } | null;
    if (!res.ok || !Array.isArray(body?.keys))
      throw new DomainError('IdentityProviderError', `${m.jwks_uri} answered ${res.status} without a JWK set`);
    return {
      issuer: m.issuer,
      authorization_endpoint: m.authorization_endpoint!,
      token_endpoint: m.token_endpoint!,
      userinfo_endpoint: m.userinfo_endpoint ?? null,
      jwks_uri: m.jwks_uri!,
      keys: body.keys.length,
    };
  }

  /** The provider's authorization URL for an Authorization Code flow with PKCE (S256), state and nonce. */
  async authorizationUrl(p: { redirectUri: string; state: string; nonce: string; codeChallenge: string }): Promise<string> {
    const client = await this.client(p.redirectUri);
    return client.authorizationUrl({
      scope: this.settings.scopes.join(' '),
      redirect_uri: p.redirectUri,
      response_type: 'code',
      state: p.state,
      nonce: p.nonce,
      code_challenge: p.codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  /** Exchanges the code (once: the provider refuses a replayed one) with the PKCE verifier. */
  async exchange(p: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenSet> {
    const client = await this.client(p.redirectUri);
    try {
      return await client.grant({
        grant_type: 'authorization_code',
        code: p.code,
        redirect_uri: p.redirectUri,
        code_verifier: p.codeVerifier,
      });
    } catch (err) {
      if (err instanceof oidcErrors.OPError) {
        throw new AuthError(
          'SsoLoginFailed',
          `the identity provider refused the code: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}`,
        );
      }
      throw new DomainError('IdentityProviderError', `token request to the identity provider failed: ${(err as Error).message}`);
    }
  }

  /**
   * Verifies an ID token: signature with the provider's published keys (JWKS, refetched once for
   * an unknown kid), `iss`, `aud` (and `azp` when there are several audiences), `exp`/`nbf`/`iat`
   * against `now` (the server's Clock), `sub`, and the nonce of this login.
   */
  async verifyIdToken(idToken: string, p: { nonce: string; now: Date }): Promise<JWTPayload & { sub: string }> {
    const issuer = await this.discover();
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(idToken).alg;
    } catch {
      throw new AuthError('SsoLoginFailed', 'the ID token is not a JWS');
    }
    if (!alg || !ALGORITHMS.includes(alg)) throw new AuthError('SsoLoginFailed', `ID token algorithm ${alg ?? 'none'} is not accepted`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, (header) => this.jwks!.key(header), {
        issuer: issuer.metadata.issuer,
        audience: this.settings.client_id,
        algorithms: ALGORITHMS,
        currentDate: p.now,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      }));
    } catch (err) {
      if (err instanceof DomainError) throw new AuthError('SsoLoginFailed', err.message);
      if (err instanceof joseErrors.JWTExpired) throw new AuthError('SsoLoginFailed', 'the ID token has expired');
      if (err instanceof joseErrors.JWTClaimValidationFailed) {
        const what =
          err.claim === 'aud'
            ? 'audience (aud) is not this client'
            : err.claim === 'iss'
              ? 'issuer (iss) is not the provider'
              : `${err.claim}: ${err.reason}`;
        throw new AuthError('SsoLoginFailed', `ID token rejected: ${what}`);
      }
      if (err instanceof joseErrors.JWSSignatureVerificationFailed)
        throw new AuthError('SsoLoginFailed', 'ID token rejected: bad signature');
      throw new AuthError('SsoLoginFailed', `ID token rejected: ${(err as Error).message}`);
    }
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== this.settings.client_id) {
      throw new AuthError('SsoLoginFailed', 'ID token rejected: several audiences and azp is not this client');
    }
    if (typeof payload.iat === 'number' && payload.iat > p.now.getTime() / 1000 + CLOCK_TOLERANCE_SECONDS) {
      throw new AuthError('SsoLoginFailed', 'ID token rejected: issued in the future (iat)');
    }
    if (payload.nonce !== p.nonce) throw new AuthError('SsoLoginFailed', 'ID token rejected: nonce does not match this login');
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new AuthError('SsoLoginFailed', 'ID token rejected: no subject');
    return payload as JWTPayload & { sub: string };
  }

  /** The userinfo endpoint's claims (where providers put scope claims such as groups); {} without an endpoint. */
  async userinfo(accessToken: string, redirectUri: string): Promise<Record<string, unknown>> {
    const issuer = await this.discover();
    if (!issuer.metadata.userinfo_endpoint) return {};
    const client = await this.client(redirectUri);
    try {
      return (await client.userinfo(accessToken)) as Record<string, unknown>;
    } catch (err) {
      throw new DomainError('IdentityProviderError', `userinfo request failed: ${(err as Error).message}`);
    }
  }

  /** JWKS fetches so far (tests). */
  get jwksFetches(): number {
    return this.jwks?.fetches ?? 0;
  }

  private async client(redirectUri: string): Promise<Client> {
    const issuer = await this.discover();
    return new issuer.Client({
      client_id: this.settings.client_id,
      ...(this.clientSecret ? { client_secret: this.clientSecret } : {}),
      redirect_uris: [redirectUri],
      response_types: ['code'],
      token_endpoint_auth_method: this.clientSecret ? 'client_secret_basic' : 'none',
    });
  }
}
