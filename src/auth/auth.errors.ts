/**
 * Errors of console authentication. Only the console transport translates them (S3 requests never
 * log in with passwords or tokens), so they are kept apart from the shared DomainErrorCode union,
 * whose every code must also have an S3 mapping.
 */
export type AuthErrorCode =
  /** No token, a malformed one, or one signed with another key. */
  | 'Unauthenticated'
  | 'TokenExpired'
  | 'TokenRevoked'
  | 'InvalidCredentials'
  /** The password was right; the account has 2FA enabled and no code was given. */
  | 'TwoFactorRequired'
  /** A wrong TOTP or backup code at login. */
  | 'InvalidTwoFactorCode'
  /** A wrong code given to an authenticated 2FA operation (verify, validate, disable). */
  | 'InvalidVerificationCode'
  | 'TwoFactorAlreadyEnabled'
  | 'TwoFactorNotEnabled'
  | 'TwoFactorSetupRequired'
  | 'AccountLocked'
  | 'AccountDisabled'
  | 'TooManyRequests'
  /** SSO: an unknown, expired, used or foreign login state or ticket. */
  | 'SsoStateInvalid'
  /** SSO: the provider refused, or its answer failed validation (issuer, audience, signature, nonce, expiry). */
  | 'SsoLoginFailed'
  /** SSO / LDAP: the user's groups map to no role on this server. */
  | 'NoRoleMapping';

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message?: string,
    /** Facts a client may act on (e.g. `requires_2fa`, `locked_until`); part of the response body. */
    readonly data?: Record<string, unknown>,
    /** Seconds after which trying again may succeed (Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message ?? code);
    this.name = 'AuthError';
  }
}
