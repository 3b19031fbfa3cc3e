import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { DataKey, KeyManager } from './key-manager';

const WRAP_VERSION = 'mk1';

/** A key-encryption key derived from a 32-byte secret with HKDF-SHA256, and a short public id of it. */
export function deriveKek(secret: Buffer, purpose: string): { kek: Buffer; id: string } {
  const kek = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `objectstore/${purpose}/kek/v1`, 32));
  const id = createHash('sha256').update(kek).digest('hex').slice(0, 12);
  return { kek, id };
}

/** AES-256-GCM of a data key under `kek`, bound to `context`: iv(12) | tag(16) | ciphertext, base64. */
export function wrapKey(kek: Buffer, key: Buffer, context: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  c.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([c.update(key), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
}

export function unwrapKey(kek: Buffer, wrapped: string, context: string): Buffer {
  const raw = Buffer.from(wrapped, 'base64');
  const d = createDecipheriv('aes-256-gcm', kek, raw.subarray(0, 12));
  d.setAAD(Buffer.from(context, 'utf8'));
  d.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([d.update(raw.subarray(28)), d.final()]);
}

/**
 * The built-in keyring for SSE-S3: one key-encryption key derived from MASTER_KEY. Wrapped keys
 * name the id of the KEK that wrapped them (`mk1.<kek id>.<base64>`), so that after MASTER_KEY is
 * rotated the previous keys (given as `previous`) still unwrap and `rewrap` moves data keys to
 * the current one without touching the objects' bytes.
 */
export class LocalKeyManager implements KeyManager {
  private readonly current: { kek: Buffer; id: string };
  private readonly keks = new Map<string, Buffer>();

  constructor(masterKey: Buffer, previous: Buffer[] = [], purpose = 'sse-s3') {
    this.current = deriveKek(masterKey, purpose);
    for (const k of [masterKey, ...previous]) {
      const d = deriveKek(k, purpose);
      this.keks.set(d.id, d.kek);
    }
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  async generateDataKey(keyId: string | null, context: string): Promise<DataKey> {
    if (keyId !== null) throw new Error('the built-in keyring has no named keys');
    const plaintext = randomBytes(32);
    return { plaintext, wrapped: this.wrap(plaintext, context) };
  }

  async wrapDataKey(keyId: string | null, key: Buffer, context: string): Promise<string> {
    if (keyId !== null) throw new Error('the built-in keyring has no named keys');
    return this.wrap(key, context);
  }

  async decryptDataKey(wrapped: string, context: string): Promise<Buffer> {
    const [version, id, body] = wrapped.split('.', 3);
    const kek = this.keks.get(id);
    if (version !== WRAP_VERSION || !kek || !body) throw new Error(`data key wrapped by an unknown master key (${id})`);
    return unwrapKey(kek, body, context);
  }

  async rewrap(wrapped: string, context: string): Promise<string> {
    if (wrapped.split('.', 2)[1] === this.current.id) return wrapped;
    return this.wrap(await this.decryptDataKey(wrapped, context), context);
  }

  private wrap(key: Buffer, context: string): string {
    return `${WRAP_VERSION}.${this.current.id}.${wrapKey(this.current.kek, key, context)}`;
  }
}
