import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { authenticator } from 'otplib';
import * as QRCode from 'qrcode';
import { DomainError } from '../common/domain-error';
import { DatabaseService } from '../database/database.service';
import { UserEntity } from '../iam/entities/user.entity';
import { AuthError } from './auth.errors';
import { AuthKeys } from './auth-keys';

/** How many backup codes a user gets; each works once. */
export const BACKUP_CODE_COUNT = 10;
/** Shown in authenticator apps next to the account name. */
export const TOTP_ISSUER = 'Object Store';
/** No 0/O or 1/I: codes are read off paper. */
const BACKUP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const BACKUP_GROUP = 5;

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s), accepting the previous and the next step for clock drift. */
const totp = authenticator.clone({ window: 1 });

export interface TwoFactorSetup {
  /** Base32 secret, for manual entry. */
  secret: string;
  /** otpauth://totp/… URL that authenticator apps import. */
  otpauthUrl: string;
  /** The same URL as a QR code: a PNG data URL. */
  qrCode: string;
}

export interface TwoFactorStatus {
  enabled: boolean;
  /** Unused backup codes left (the codes themselves are shown only when generated). */
  backupCodesRemaining: number;
}

const normalizeCode = (code: string): string => code.replace(/[\s-]/g, '').toUpperCase();
const isTotpShaped = (code: string): boolean => /^\d{6}$/.test(code);

/**
 * TOTP two-factor authentication of console users: setup (a secret, sealed at rest), activation
 * with a valid code, single-use backup codes (stored as keyed hashes), and code checks at login.
 */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly db: DatabaseService,
    private readonly keys: AuthKeys,
  ) {}

  /** Starts (or restarts) setup: a new secret, stored but not active until enable() sees a valid code. */
  async setup(userId: string): Promise<TwoFactorSetup> {
    const user = await this.user(userId);
    if (user.totpEnabled) throw new AuthError('TwoFactorAlreadyEnabled', '2FA is already enabled; disable it first');
    const secret = totp.generateSecret(20);
    await this.db.tx((m) => m.update(UserEntity, { id: user.id }, { totpSecretEnc: this.keys.box.seal(secret) }));
    const otpauthUrl = totp.keyuri(user.username, TOTP_ISSUER, secret);
    return { secret, otpauthUrl, qrCode: await QRCode.toDataURL(otpauthUrl) };
  }

  /** Enables 2FA with a valid code for the secret of setup(); returns the first backup codes (shown once). */
  async enable(userId: string, code: string): Promise<string[]> {
    const user = await this.user(userId);
    if (user.totpEnabled) throw new AuthError('TwoFactorAlreadyEnabled', '2FA is already enabled');
    if (!user.totpSecretEnc) throw new AuthError('TwoFactorSetupRequired', 'start with POST /api/v1/auth/2fa/setup');
    if (!this.checkTotp(user, code)) throw new AuthError('InvalidVerificationCode', 'the code does not match the 2FA secret');
    const codes = generateBackupCodes();
    await this.db.tx((m) =>
      m.update(UserEntity, { id: user.id }, { totpEnabled: true, totpBackupCodes: JSON.stringify(codes.map((c) => this.hash(c))) }),
    );
    return codes;
  }

  /** Whether a TOTP code is valid now for the user's active 2FA (backup codes are not consumed here). */
  async validate(userId: string, code: string): Promise<boolean> {
    const user = await this.user(userId);
    if (!user.totpEnabled) throw new AuthError('TwoFactorNotEnabled', '2FA is not enabled for this account');
    return this.checkTotp(user, code);
  }

  /** Disables 2FA after checking a TOTP or backup code of the user. */
  async disableWithCode(userId: string, code: string): Promise<void> {
    const user = await this.user(userId);
    if (!user.totpEnabled) throw new AuthError('TwoFactorNotEnabled', '2FA is not enabled for this account');
    if (!(await this.checkLoginCode(user, code)))
      throw new AuthError('InvalidVerificationCode', 'the code is neither a valid TOTP code nor an unused backup code');
    await this.disable(userId);
  }

  /** Disables 2FA and forgets the secret and the backup codes (an administrator's reset, or after a proof). */
  async disable(userId: string): Promise<void> {
    const user = await this.user(userId);
    await this.db.tx((m) => m.update(UserEntity, { id: user.id }, { totpEnabled: false, totpSecretEnc: null, totpBackupCodes: null }));
  }

  async status(userId: string): Promise<TwoFactorStatus> {
    const user = await this.user(userId);
    return { enabled: user.totpEnabled, backupCodesRemaining: user.totpEnabled ? parseHashes(user.totpBackupCodes).length : 0 };
  }

  /** Replaces every backup code with new ones, returned once. */
  async regenerateBackupCodes(userId: string): Promise<string[]> {
    const user = await this.user(userId);
    if (!user.totpEnabled) throw new AuthError('TwoFactorNotEnabled', '2FA is not enabled for this account');
    const codes = generateBackupCodes();
    await this.db.tx((m) => m.update(UserEntity, { id: user.id }, { totpBackupCodes: JSON.stringify(codes.map((c) => this.hash(c))) }));
    return codes;
  }

  /**
   * The second factor at login: a current TOTP code, or an unused backup code, which this call
   * uses up (atomically: two logins racing with one backup code cannot both succeed).
   */
  async checkLoginCode(user: UserEntity, code: string): Promise<boolean> {
    if (this.checkTotp(user, code)) return true;
    const hash = this.hash(code);
    return this.db.tx(async (m) => {
      const row = await m.findOne(UserEntity, { select: { id: true, totpBackupCodes: true }, where: { id: user.id } });
      const hashes = parseHashes(row?.totpBackupCodes ?? null);
      const idx = hashes.findIndex((h) => safeEqual(h, hash));
      if (!row || idx < 0) return false;
      const rest = hashes.filter((_, i) => i !== idx);
      const res = await m
        .createQueryBuilder()
        .update(UserEntity)
        .set({ totpBackupCodes: JSON.stringify(rest) })
        .where('id = :id AND totp_backup_codes = :old', { id: user.id, old: row.totpBackupCodes })
        .execute();
      return (res.affected ?? 0) === 1;
    });
  }

  private checkTotp(user: UserEntity, code: string): boolean {
    const c = code.replace(/\s/g, '');
    if (!user.totpSecretEnc || !isTotpShaped(c)) return false;
    try {
      return totp.check(c, this.keys.box.open(user.totpSecretEnc));
    } catch {
      return false;
    }
  }

  private hash(code: string): string {
    return createHmac('sha256', this.keys.backupCodes).update(normalizeCode(code)).digest('hex');
  }

  private async user(userId: string): Promise<UserEntity> {
    const u = await this.db.repo(UserEntity).findOneBy({ id: userId });
    if (!u) throw new DomainError('UserNotFound', `user ${userId} does not exist`);
    return u;
  }
}

function generateBackupCodes(): string[] {
  return Array.from({ length: BACKUP_CODE_COUNT }, () => {
    const chars = Array.from({ length: BACKUP_GROUP * 2 }, () => BACKUP_ALPHABET[randomInt(BACKUP_ALPHABET.length)]).join('');
    return `${chars.slice(0, BACKUP_GROUP)}-${chars.slice(BACKUP_GROUP)}`;
  });
}

function parseHashes(stored: string | null): string[] {
  if (!stored) return [];
  try {
    const v: unknown = JSON.parse(stored);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function safeEqual(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
