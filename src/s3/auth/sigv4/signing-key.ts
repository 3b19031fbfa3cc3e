import { createHmac } from 'node:crypto';
import { SIGNING_KEY_CACHE_SIZE, SIGV4_KEY_PREFIX, SIGV4_TERMINATOR } from '../auth.constants';

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function deriveSigningKey(secretKey: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', SIGV4_KEY_PREFIX + secretKey)
    .update(date)
    .digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update(SIGV4_TERMINATOR).digest();
}

/**
 * An LRU of derived signing keys keyed by secret, date, region and service, so the four-HMAC
 * chain runs once per key and day instead of once per request. Keying on the secret (not the
 * access key id) means a rotated secret can never hit a stale entry.
 * The returned buffers are shared: callers must not mutate them.
 */
export class SigningKeyCache {
  private readonly entries = new Map<string, Buffer>();

  constructor(private readonly maxEntries: number = SIGNING_KEY_CACHE_SIZE) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`SigningKeyCache size must be a positive integer, got ${maxEntries}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(secretKey: string, date: string, region: string, service: string): Buffer {
    const cacheKey = secretKey + '\0' + date + '\0' + region + '\0' + service;
    const hit = this.entries.get(cacheKey);
    if (hit !== undefined) {
      // Move to the most-recently-used end (Map keeps insertion order).
      this.entries.delete(cacheKey);
      this.entries.set(cacheKey, hit);
      return hit;
    }
    const key = deriveSigningKey(secretKey, date, region, service);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(cacheKey, key);
    return key;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The process-wide cache `authenticate` uses unless given another one. */
export const defaultSigningKeyCache = new SigningKeyCache();
