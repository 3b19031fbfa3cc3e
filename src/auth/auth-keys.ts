import { hkdfSync } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import { masterSecretBox, resolveMasterKey } from '../iam/master-key';
import { SecretBox } from '../iam/secret-box';

/** HKDF-SHA256 of the master key for one purpose: the same bytes on every node sharing MASTER_KEY. */
function derive(masterKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `object-store/${purpose}`, 32));
}

/** The keys of console authentication, all derived from configuration at boot. */
export class AuthKeys {
  private constructor(
    /** HS256 key of console tokens: JWT_SECRET, or derived from the master key. */
    readonly jwt: Buffer,
    /** Encrypts TOTP secrets at rest (the master key itself, as for access-key secrets). */
    readonly box: SecretBox,
    /** HMAC key of the stored 2FA backup-code hashes. */
    readonly backupCodes: Buffer,
  ) {}

  static from(config: Pick<AppConfig, 'jwtSecret' | 'masterKey' | 'previousMasterKeys' | 'dataDir'>): AuthKeys {
    const master = resolveMasterKey(config);
    const jwt = config.jwtSecret !== undefined ? Buffer.from(config.jwtSecret, 'utf8') : derive(master, 'console-jwt');
    return new AuthKeys(jwt, masterSecretBox(config), derive(master, 'totp-backup-codes'));
  }
}
