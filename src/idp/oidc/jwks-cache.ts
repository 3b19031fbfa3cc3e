import { createPublicKey, KeyObject } from 'node:crypto';
import { DomainError } from '../../common/domain-error';

interface Jwk {
  kty?: string;
  kid?: string;
  use?: string;
  alg?: string;
  [k: string]: unknown;
}

/** Keys are re-read at least this often, even when every kid is known. */
const MAX_AGE_MS = 3_600_000;
/** A kid still unknown after a refetch is not refetched for again within this time (a flood of bad tokens costs one fetch per kid). */
const UNKNOWN_KID_BACKOFF_MS = 60_000;

/**
 * The signing keys of an OpenID provider (its jwks_uri), cached. A token signed with a key we do
 * not know (`kid` unknown: the provider rotated its keys) makes the cache refetch the JWKS once;
 * a kid that is still unknown afterwards is refused (and not refetched for again for a minute).
 */
export class JwksCache {
  private keys = new Map<string, { key: KeyObject; jwk: Jwk }>();
  private anonymous: Array<{ key: KeyObject; jwk: Jwk }> = [];
  private fetchedAt = 0;
  private inFlight?: Promise<void>;
  private readonly missed = new Map<string, number>();
  /** Fetches done so far (tests and diagnostics). */
  fetches = 0;

  constructor(
    private readonly jwksUri: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** The public key for a JWS header; throws when the provider has no such key. */
  async key(header: { kid?: string; alg?: string }): Promise<KeyObject> {
    if (this.fetchedAt === 0 || Date.now() - this.fetchedAt > MAX_AGE_MS) await this.refresh();
    let hit = this.find(header);
    if (hit) return hit;
    const kid = header.kid ?? '';
    const missedAt = this.missed.get(kid);
    if (missedAt === undefined || Date.now() - missedAt > UNKNOWN_KID_BACKOFF_MS) {
      await this.refresh();
      hit = this.find(header);
      if (hit) return hit;
      if (this.missed.size > 1000) this.missed.clear();
      this.missed.set(kid, Date.now());
    }
    throw new DomainError(
      'IdentityProviderError',
      `the ID token is signed with a key (kid ${JSON.stringify(header.kid ?? null)}) that the provider does not publish`,
    );
  }

  private find(header: { kid?: string; alg?: string }): KeyObject | null {
    if (header.kid !== undefined) return this.keys.get(header.kid)?.key ?? null;
    const candidates = [...this.keys.values(), ...this.anonymous].filter((k) => !k.jwk.alg || k.jwk.alg === header.alg);
    return candidates.length === 1 ? candidates[0].key : null;
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async load(): Promise<void> {
    this.fetches++;
    let body: unknown;
    try {
      const res = await fetch(this.jwksUri, {
        headers: { accept: 'application/json, application/jwk-set+json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = await res.json();
    } catch (err) {
      throw new DomainError('IdentityProviderError', `could not read the provider's keys at ${this.jwksUri}: ${(err as Error).message}`);
    }
    const list = (body as { keys?: unknown })?.keys;
    if (!Array.isArray(list)) throw new DomainError('IdentityProviderError', `${this.jwksUri} is not a JWK set`);
    const keys = new Map<string, { key: KeyObject; jwk: Jwk }>();
    const anonymous: Array<{ key: KeyObject; jwk: Jwk }> = [];
    for (const jwk of list as Jwk[]) {
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') continue;
      let key: KeyObject;
      try {
        key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
      } catch {
        continue; // a key this runtime cannot read (e.g. an unknown curve) signs nothing we accept
      }
      if (typeof jwk.kid === 'string') keys.set(jwk.kid, { key, jwk });
      else anonymous.push({ key, jwk });
    }
    this.keys = keys;
    this.anonymous = anonymous;
    this.fetchedAt = Date.now();
  }
}
