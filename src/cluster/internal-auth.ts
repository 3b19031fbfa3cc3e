import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Node-to-node request signing (pure). An internal request carries who sent it, when, a nonce,
 * the SHA-256 of its body (or UNSIGNED-STREAM for a forwarded stream) and optional claims (the
 * principal an entry node authenticated), all covered by an HMAC-SHA256 keyed with CLUSTER_SECRET.
 * The receiver refuses a missing, forged, stale (beyond ±MAX_SKEW_MS) or replayed signature.
 */
export const CLUSTER_HEADER = {
  node: 'x-cluster-node',
  date: 'x-cluster-date',
  nonce: 'x-cluster-nonce',
  contentSha256: 'x-cluster-content-sha256',
  claims: 'x-cluster-claims',
  signature: 'x-cluster-signature',
} as const;

export const UNSIGNED_STREAM = 'UNSIGNED-STREAM';
/** How far the sender's clock may be from the receiver's. */
export const MAX_SKEW_MS = 60_000;

export interface InternalRequestParts {
  method: string;
  /** Path and query exactly as sent (`/_cluster/v1/node`, `/bucket/key?x=1`). */
  target: string;
  /** Hex SHA-256 of the body, or UNSIGNED_STREAM. */
  contentSha256: string;
  /** Opaque claims (e.g. base64url JSON of a principal); '' for none. */
  claims?: string;
}

export function sha256Hex(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

function stringToSign(p: InternalRequestParts, node: string, date: string, nonce: string): string {
  return ['OS3-CLUSTER-HMAC-SHA256', p.method.toUpperCase(), p.target, node, date, nonce, p.contentSha256, p.claims ?? ''].join('\n');
}

/** The headers that sign `parts` as coming from `nodeId`. */
export function signInternalRequest(secret: string, nodeId: string, parts: InternalRequestParts, now = Date.now()): Record<string, string> {
  const date = String(now);
  const nonce = randomBytes(16).toString('hex');
  const signature = createHmac('sha256', secret)
    .update(stringToSign(parts, nodeId, date, nonce))
    .digest('hex');
  const headers: Record<string, string> = {
    [CLUSTER_HEADER.node]: nodeId,
    [CLUSTER_HEADER.date]: date,
    [CLUSTER_HEADER.nonce]: nonce,
    [CLUSTER_HEADER.contentSha256]: parts.contentSha256,
    [CLUSTER_HEADER.signature]: signature,
  };
  if (parts.claims) headers[CLUSTER_HEADER.claims] = parts.claims;
  return headers;
}

export type InternalAuthResult = { ok: true; node: string; claims: string; contentSha256: string } | { ok: false; reason: string };

type HeaderBag = Record<string, string | string[] | undefined>;

const one = (h: HeaderBag, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? undefined : v;
};

/** Whether a request claims to be internal at all (any cluster header present). */
export function looksInternal(headers: HeaderBag): boolean {
  return headers[CLUSTER_HEADER.signature] !== undefined || headers[CLUSTER_HEADER.node] !== undefined;
}

/**
 * Checks the signature of an internal request. `seen` rejects a nonce used before within the
 * skew window (replay). The body hash is checked by the caller once the body is read.
 */
export function verifyInternalRequest(
  secret: string,
  method: string,
  target: string,
  headers: HeaderBag,
  seen: NonceCache,
  now = Date.now(),
): InternalAuthResult {
  const node = one(headers, CLUSTER_HEADER.node);
  const date = one(headers, CLUSTER_HEADER.date);
  const nonce = one(headers, CLUSTER_HEADER.nonce);
  const contentSha256 = one(headers, CLUSTER_HEADER.contentSha256);
  const signature = one(headers, CLUSTER_HEADER.signature);
  const claims = one(headers, CLUSTER_HEADER.claims) ?? '';
  if (!node || !date || !nonce || !contentSha256 || !signature) return { ok: false, reason: 'not signed' };
  if (!/^\d{1,16}$/.test(date) || Math.abs(now - Number(date)) > MAX_SKEW_MS) return { ok: false, reason: 'stale or future date' };
  if (!/^[0-9a-f]{32}$/.test(nonce) || !/^[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', secret)
    .update(stringToSign({ method, target, contentSha256, claims }, node, date, nonce))
    .digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { ok: false, reason: 'bad signature' };
  if (!seen.add(nonce, now)) return { ok: false, reason: 'replayed' };
  return { ok: true, node, claims, contentSha256 };
}

/** Nonces seen within the skew window (a replay inside it is refused; outside it, the date is). */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly max = 100_000) {}

  /** False when `nonce` was already used. */
  add(nonce: string, now: number): boolean {
    if (this.seen.has(nonce)) return false;
    if (this.seen.size >= this.max) this.prune(now);
    this.seen.set(nonce, now + 2 * MAX_SKEW_MS);
    return true;
  }

  private prune(now: number): void {
    for (const [n, until] of this.seen) if (until < now) this.seen.delete(n);
    // Still full of live nonces: forget the oldest half rather than grow without bound.
    if (this.seen.size >= this.max) {
      let drop = this.seen.size / 2;
      for (const n of this.seen.keys()) {
        if (drop-- <= 0) break;
        this.seen.delete(n);
      }
    }
  }
}
