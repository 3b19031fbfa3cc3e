import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** AES-256-GCM for secrets at rest (access-key secrets must stay usable for HMAC, so they are encrypted, not hashed). */
export class SecretBox {
  constructor(
    private readonly key: Buffer,
    /** Keys that still open (never seal): the previous master keys during a master-key rotation. */
    private readonly previous: Buffer[] = [],
  ) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64')}`;
  }

  open(sealed: string): string {
    const [version, body] = sealed.split(':', 2);
    if (version !== VERSION || !body) throw new Error('unknown secret format');
    const raw = Buffer.from(body, 'base64');
    const keys = [this.key, ...this.previous];
    for (let i = 0; ; i++) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', keys[i], raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch (err) {
        if (i + 1 >= keys.length) throw err;
      }
    }
  }

  /** `sealed` under the current key (master-key rotation); unchanged when it already is. */
  reseal(sealed: string): string {
    if (this.previous.length === 0) return sealed;
    return this.seal(this.open(sealed));
  }
}
