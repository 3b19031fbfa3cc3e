import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { SecretBox } from './secret-box';

export const MASTER_KEY_FILE = 'master.key';

/**
 * The key that encrypts secrets at rest: MASTER_KEY, or (embedded SQLite only) a key generated
 * once into DATA_DIR/master.key with a warning. loadConfig already refuses PostgreSQL without one.
 */
export function resolveMasterKey(config: Pick<AppConfig, 'masterKey' | 'dataDir'>): Buffer {
  if (config.masterKey) return config.masterKey;
  const dir = resolve(config.dataDir);
  const file = join(dir, MASTER_KEY_FILE);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  new Logger('MasterKey').warn(`MASTER_KEY is not set: generated one into ${file}. Back it up with the data, or set MASTER_KEY.`);
  return key;
}

/** The SecretBox of secrets at rest: sealed under the master key, opened with it or a previous one (MASTER_KEY_PREVIOUS). */
export function masterSecretBox(config: Pick<AppConfig, 'masterKey' | 'previousMasterKeys' | 'dataDir'>): SecretBox {
  return new SecretBox(resolveMasterKey(config), config.previousMasterKeys ?? []);
}
