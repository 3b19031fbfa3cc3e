import { DatabaseService } from '../database/database.service';
import { WrappedSecretEntity } from './entities/kms-key.entity';
import { deriveKek, LocalKeyManager } from './local-key-manager';

/**
 * Server secrets derived from the master key that stored data depends on (the HMAC secret that
 * verifies SSE-C keys). Until the first master-key rotation each is derived from MASTER_KEY;
 * the rotation stores the value in use, wrapped under the new master key (wrapped_secrets), so
 * it outlives the old key.
 */
export const PERSISTED_SECRETS = ['sse-c-hmac'] as const;
export type PersistedSecret = (typeof PERSISTED_SECRETS)[number];

export function secretsKeyring(master: Buffer, previous: Buffer[]): LocalKeyManager {
  return new LocalKeyManager(master, previous, 'server-secrets');
}

/** The value of a server secret: stored (unwrapped with the current or a previous master key), else derived from `derivedFrom`. */
export async function loadServerSecret(
  db: DatabaseService,
  keyring: LocalKeyManager,
  name: PersistedSecret,
  derivedFrom: Buffer,
): Promise<Buffer> {
  const row = await db.repo(WrappedSecretEntity).findOne({ where: { name } });
  if (row) return keyring.decryptDataKey(row.wrapped, `secret:${name}`);
  return deriveKek(derivedFrom, name).kek;
}

export async function storeServerSecret(
  db: DatabaseService,
  keyring: LocalKeyManager,
  name: PersistedSecret,
  value: Buffer,
): Promise<void> {
  const wrapped = await keyring.wrapDataKey(null, value, `secret:${name}`);
  await db.tx(async (m) => {
    await m.delete(WrappedSecretEntity, { name });
    await m.insert(WrappedSecretEntity, { name, wrapped, updatedAt: Date.now() });
  });
}
