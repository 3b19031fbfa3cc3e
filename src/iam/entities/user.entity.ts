import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/column-transformers';

export type UserRole = 'admin' | 'tenant-admin' | 'user';
export type UserStatus = 'active' | 'inactive';

@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 128, unique: true })
  username!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: UserRole;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: UserStatus;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  /** null for global users (root and global admins). */
  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true })
  tenantId!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  /** bcrypt hash for console login; null = no password (key-only or SSO user). */
  @Column({ name: 'password_hash', type: 'varchar', length: 128, nullable: true })
  passwordHash!: string | null;

  /** Failed console logins in a row (reset by a successful login or an unlock). */
  @Column({ name: 'failed_logins', type: 'integer', default: 0 })
  failedLogins!: number;

  /** Epoch ms until which console login is refused after too many failures; null = not locked. */
  @Column({ name: 'locked_until', type: 'bigint', nullable: true, transformer: bigintNumber })
  lockedUntil!: number | null;

  /** TOTP secret sealed with the master key (SecretBox); set at 2FA setup, before it is enabled. */
  @Column({ name: 'totp_secret_enc', type: 'text', nullable: true })
  totpSecretEnc!: string | null;

  @Column({ name: 'totp_enabled', type: 'boolean', default: false })
  totpEnabled!: boolean;

  /** JSON array of HMAC-SHA256 hashes of the unused 2FA backup codes; a used code is removed. */
  @Column({ name: 'totp_backup_codes', type: 'text', nullable: true })
  totpBackupCodes!: string | null;

  @Column({ name: 'last_login_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastLoginAt!: number | null;
}
