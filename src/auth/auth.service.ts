import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { SettingsService } from '../settings/settings.service';
import { JwtService } from '@nestjs/jwt';
import * as bcrypt from 'bcryptjs';
import { LessThan } from 'typeorm';
import { Clock } from '../common/clock';
import { IdGenerator } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { UserEntity } from '../iam/entities/user.entity';
import { IamService, ROOT_USERNAME } from '../iam/iam.service';
import { UsersService } from '../iam/users.service';
import { NotificationBus } from '../notifications/notification-bus';
import { NOTIFICATION } from '../notifications/notification.types';
import { TenantEntity } from '../tenants/entities/tenant.entity';
import { AuthError } from './auth.errors';
import { AuthKeys } from './auth-keys';
import type { ConsolePrincipal, ConsoleTokenClaims, ExternalAuthenticator, ExternalLoginOutcome, LoginInput, Session } from './auth.types';
import { RevokedTokenEntity } from './entities/revoked-token.entity';
import { TwoFactorService } from './two-factor.service';

/** `iss` of console tokens; a token of another issuer is refused. */
export const TOKEN_ISSUER = 'object-store-console';
export const TOKEN_ALGORITHM = 'HS256';
/** How often expired revocations are purged. */
const PURGE_INTERVAL_MS = 3_600_000;
/** Compared against when there is no hash to check, so that every refusal takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;
const spendBcryptTime = async (password: string): Promise<void> => {
  dummyHash ??= bcrypt.hash('not-a-password', 10);
  await bcrypt.compare(password, await dummyHash);
};

/**
 * Console authentication: password (or, for root, access-key secret) login with lockout after
 * repeated failures and an optional second factor; short-lived HS256 tokens, renewed by refresh and
 * revoked by logout (a revocation list in the database, so every node refuses a revoked token).
 */
@Injectable()
export class AuthService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuthService.name);
  private readonly jwt: JwtService;
  private timer?: NodeJS.Timeout;
  private external?: ExternalAuthenticator;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly iam: IamService,
    private readonly users: UsersService,
    private readonly twoFactor: TwoFactorService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    keys: AuthKeys,
    @Optional() private readonly notifications?: NotificationBus,
    /** Runtime settings override the config's login limits and token lifetime. */
    @Optional() private readonly settings?: SettingsService,
  ) {
    this.jwt = new JwtService({ secret: keys.jwt, signOptions: { algorithm: TOKEN_ALGORITHM } });
  }

  onApplicationBootstrap(): void {
    if (!this.config.backgroundJobs) return;
    this.timer = setInterval(() => {
      this.purgeExpiredRevocations().catch((err) => this.logger.warn(`purging expired token revocations failed: ${err}`));
    }, PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Username and password, plus a TOTP or backup code when the account has 2FA. The root account
   * logs in with its access key id as username and its secret key as password (as MinIO does).
   */
  async login(input: LoginInput): Promise<Session> {
    const now = this.clock.now().getTime();
    let found = await this.findLoginUser(input.username);
    if (found && found.user.lockedUntil !== null && found.user.lockedUntil > now) throw this.locked(found.user.lockedUntil, now);
    // Users of an external directory (LDAP, src/idp) are checked there; it may also provision a first-time user.
    let external: ExternalLoginOutcome = { kind: 'not-handled' };
    if (this.external && !found?.viaRootKey) external = await this.external.authenticate(input, found?.user ?? null);
    if (external.kind === 'ok')
      found = { user: await this.db.repo(UserEntity).findOneByOrFail({ id: external.userId }), viaRootKey: false };
    if (!found) {
      if (external.kind === 'not-handled') await spendBcryptTime(input.password);
      throw new AuthError('InvalidCredentials', 'Invalid credentials');
    }
    const { user, viaRootKey } = found;
    if (user.lockedUntil !== null && user.lockedUntil > now) throw this.locked(user.lockedUntil, now);
    const passwordOk =
      external.kind !== 'not-handled'
        ? external.kind === 'ok'
        : viaRootKey
          ? await this.checkRootSecret(input.username, input.password)
          : await this.checkPassword(user, input.password);
    if (!passwordOk) await this.recordFailure(user.id, now, 'InvalidCredentials');
    await this.assertActive(user);
    if (user.totpEnabled) {
      if (!input.totpCode) {
        throw new AuthError('TwoFactorRequired', '2FA required', { requires_2fa: true });
      }
      if (!(await this.twoFactor.checkLoginCode(user, input.totpCode))) await this.recordFailure(user.id, now, 'InvalidTwoFactorCode');
    }
    await this.db.tx((m) => m.update(UserEntity, { id: user.id }, { failedLogins: 0, lockedUntil: null, lastLoginAt: now }));
    return this.session(user.id);
  }

  /** Lets an external directory (LDAP) check the passwords of its users at login. One at a time. */
  registerExternalAuthenticator(authenticator: ExternalAuthenticator): void {
    this.external = authenticator;
  }

  /**
   * A session for a user whose identity was proven elsewhere (OIDC single sign-on): refused when
   * the account or its tenant is not active. No password and no second factor here (the identity
   * provider does both); the login is recorded as for a password login.
   */
  async ssoSession(userId: string): Promise<Session> {
    const user = await this.db.repo(UserEntity).findOneBy({ id: userId });
    if (!user) throw new AuthError('Unauthenticated', 'The account of this login no longer exists');
    await this.assertActive(user);
    const now = this.clock.now().getTime();
    await this.db.tx((m) => m.update(UserEntity, { id: user.id }, { failedLogins: 0, lockedUntil: null, lastLoginAt: now }));
    return this.session(user.id);
  }

  /** A new token for the caller; the current one is revoked (refresh rotates). */
  async refresh(principal: ConsolePrincipal): Promise<Session> {
    const session = await this.session(principal.userId);
    await this.revoke(principal);
    return session;
  }

  /** Revokes the caller's token: refused on every node from now until it would have expired. */
  async revoke(principal: Pick<ConsolePrincipal, 'tokenId' | 'userId' | 'tokenExpiresAt'>): Promise<void> {
    await this.db.tx((m) =>
      m
        .createQueryBuilder()
        .insert()
        .into(RevokedTokenEntity)
        .values({
          jti: principal.tokenId,
          userId: principal.userId,
          expiresAt: principal.tokenExpiresAt,
          revokedAt: this.clock.now().getTime(),
        })
        .orIgnore()
        .execute(),
    );
  }

  /** The caller of a token whose signature and expiry were verified: refused when revoked or when the account is not active. */
  async authenticate(claims: Partial<ConsoleTokenClaims>): Promise<ConsolePrincipal> {
    if (claims.typ !== 'console' || typeof claims.sub !== 'string' || typeof claims.jti !== 'string' || typeof claims.exp !== 'number') {
      throw new AuthError('Unauthenticated', 'Invalid token');
    }
    if (await this.db.repo(RevokedTokenEntity).existsBy({ jti: claims.jti }))
      throw new AuthError('TokenRevoked', 'The token was revoked (logged out)');
    const user = await this.db.repo(UserEntity).findOneBy({ id: claims.sub });
    if (!user) throw new AuthError('Unauthenticated', 'The account of this token no longer exists');
    const tenant = await this.assertActive(user);
    return {
      userId: user.id,
      username: user.username,
      role: user.role,
      tenantId: user.tenantId,
      account: tenant?.name ?? '',
      accessKeyId: null,
      tenantName: tenant?.name ?? null,
      isRoot: user.username === ROOT_USERNAME,
      tokenId: claims.jti,
      tokenExpiresAt: claims.exp * 1000,
    };
  }

  /** Checks the current password of a user (root: its access-key secret, or a password if one was set). */
  async verifyPassword(userId: string, password: string): Promise<boolean> {
    const user = await this.db.repo(UserEntity).findOneBy({ id: userId });
    if (!user) return false;
    if (await this.checkPassword(user, password)) return true;
    if (user.username !== ROOT_USERNAME) return false;
    return this.checkRootSecret(this.iam.rootCredentials().accessKey, password);
  }

  /** Ends a lockout and forgets past failures. */
  async unlock(userId: string): Promise<void> {
    await this.db.tx((m) => m.update(UserEntity, { id: userId }, { failedLogins: 0, lockedUntil: null }));
  }

  /** Deletes revocations of tokens that have expired anyway. */
  async purgeExpiredRevocations(): Promise<number> {
    const res = await this.db.tx((m) => m.delete(RevokedTokenEntity, { expiresAt: LessThan(Date.now()) }));
    return res.affected ?? 0;
  }

  private async session(userId: string): Promise<Session> {
    const iat = Math.floor(Date.now() / 1000);
    const ttl = this.settings?.getNumber('session_ttl') ?? this.config.jwtTtlSeconds;
    const claims: ConsoleTokenClaims = { sub: userId, jti: this.ids.uuid(), typ: 'console', iat, exp: iat + ttl };
    const token = await this.jwt.signAsync(claims, { issuer: TOKEN_ISSUER });
    return { token, expiresIn: ttl, expiresAt: new Date(claims.exp * 1000), user: await this.users.get(userId) };
  }

  private async findLoginUser(username: string): Promise<{ user: UserEntity; viaRootKey: boolean } | null> {
    const repo = this.db.repo(UserEntity);
    if (username === this.iam.rootCredentials().accessKey) {
      const root = await repo.findOneBy({ username: ROOT_USERNAME });
      return root ? { user: root, viaRootKey: true } : null;
    }
    const user = await repo.findOneBy({ username });
    return user ? { user, viaRootKey: false } : null;
  }

  private async checkPassword(user: UserEntity, password: string): Promise<boolean> {
    if (!user.passwordHash) {
      await spendBcryptTime(password);
      return false;
    }
    return bcrypt.compare(password, user.passwordHash);
  }

  private async checkRootSecret(accessKeyId: string, password: string): Promise<boolean> {
    await spendBcryptTime(password); // the root's key answers as slowly as a password
    const key = await this.iam.findAccessKey(accessKeyId);
    if (!key || key.principal.username !== ROOT_USERNAME) return false;
    // Compare digests: equal lengths, constant time.
    const a = createHash('sha256').update(key.secretKey).digest();
    const b = createHash('sha256').update(password).digest();
    return timingSafeEqual(a, b);
  }

  /** Counts a failure (atomically), locks the account at the limit, and throws. */
  private async recordFailure(userId: string, now: number, code: 'InvalidCredentials' | 'InvalidTwoFactorCode'): Promise<never> {
    const max = this.settings?.getNumber('login_max_failures') ?? this.config.loginMaxFailures;
    const lockedUntil = await this.db.tx(async (m) => {
      await m
        .createQueryBuilder()
        .update(UserEntity)
        .set({ failedLogins: () => 'failed_logins + 1' })
        .where('id = :id', { id: userId })
        .execute();
      const u = await m.findOne(UserEntity, { select: { id: true, failedLogins: true }, where: { id: userId } });
      if (!u || max <= 0 || u.failedLogins < max) return null;
      // The setting is in minutes; unless someone set it, the config's exact duration applies.
      const lockout = this.settings?.find('lockout_minutes');
      const lockoutMs = lockout && !lockout.isDefault ? Number(lockout.value) * 60_000 : this.config.loginLockoutMs;
      const until = now + lockoutMs;
      await m.update(UserEntity, { id: userId }, { failedLogins: 0, lockedUntil: until });
      return until;
    });
    if (lockedUntil !== null) {
      this.logger.warn(`console account ${userId} locked after ${max} failed logins`);
      await this.announceLocked(userId, lockedUntil).catch((err) => this.logger.warn(`announcing the lockout of ${userId} failed: ${err}`));
      throw this.locked(lockedUntil, now);
    }
    throw code === 'InvalidCredentials' ? new AuthError(code, 'Invalid credentials') : new AuthError(code, 'Invalid 2FA code');
  }

  /** Tells the console's notification stream (the tenant's admins and global admins) that an account was locked. */
  private async announceLocked(userId: string, until: number): Promise<void> {
    if (!this.notifications) return;
    const u = await this.db.repo(UserEntity).findOne({ select: { id: true, username: true, tenantId: true }, where: { id: userId } });
    this.notifications.publish({
      type: NOTIFICATION.userLocked,
      tenantId: u?.tenantId ?? null,
      audience: 'admins',
      data: { user_id: userId, username: u?.username ?? null, locked_until: new Date(until).toISOString() },
    });
  }

  private locked(until: number, now: number): AuthError {
    return new AuthError(
      'AccountLocked',
      'Account locked after too many failed logins',
      { locked_until: new Date(until).toISOString() },
      Math.ceil((until - now) / 1000),
    );
  }

  /** Refuses inactive users and the users of suspended tenants; returns the tenant. */
  private async assertActive(user: UserEntity): Promise<TenantEntity | null> {
    if (user.status !== 'active') throw new AuthError('AccountDisabled', 'The account is disabled');
    if (!user.tenantId) return null;
    const tenant = await this.db.repo(TenantEntity).findOneBy({ id: user.tenantId });
    if (!tenant || tenant.status !== 'active') throw new AuthError('AccountDisabled', 'The tenant of this account is suspended');
    return tenant;
  }
}
