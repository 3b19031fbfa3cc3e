import type { Principal } from '../iam/principal';
import type { UserView } from '../iam/users.service';

/** The caller of a console request, resolved from a valid, unrevoked token of an active user. */
export interface ConsolePrincipal extends Principal {
  /** The tenant's name; null for global users. */
  tenantName: string | null;
  isRoot: boolean;
  /** The token's id (JWT `jti`), what logout revokes. */
  tokenId: string;
  /** Epoch ms at which the token expires. */
  tokenExpiresAt: number;
}

/** The claims of a console token. */
export interface ConsoleTokenClaims {
  sub: string;
  jti: string;
  typ: 'console';
  iat: number;
  exp: number;
}

export interface LoginInput {
  username: string;
  password: string;
  /** A TOTP code or a backup code, for accounts with 2FA. */
  totpCode?: string;
  /** An identity provider (id or name) to check the password with (LDAP), instead of the local password. */
  provider?: string;
}

/** What an external directory said about a login (see ExternalAuthenticator). */
export type ExternalLoginOutcome =
  /** Not a user of an external directory: the local password applies. */
  | { kind: 'not-handled' }
  /** The directory accepted the password; the local user (created or refreshed) is `userId`. */
  | { kind: 'ok'; userId: string }
  /** The directory refused the password (counted as a failed login of the local user, if there is one). */
  | { kind: 'rejected' };

/**
 * A directory that checks console passwords of the users it owns (LDAP, in src/idp), registered
 * with AuthService.registerExternalAuthenticator(). It may provision a user on a first login.
 * Other refusals (no mapped group, directory unreachable) are thrown as errors.
 */
export interface ExternalAuthenticator {
  authenticate(input: LoginInput, localUser: { id: string; username: string } | null): Promise<ExternalLoginOutcome>;
}

/** A new console session: the token and who it is for. */
export interface Session {
  token: string;
  /** Seconds. */
  expiresIn: number;
  expiresAt: Date;
  user: UserView;
}
