import { randomBytes } from 'node:crypto';

/**
 * Version ids and the version order of a key.
 *
 * Every row of a key carries a `version_order`: 32 lower-case hex characters that sort
 * **newest first** in plain ascending order (so ListObjectVersions is one forward index scan):
 *
 *   12 hex of (MAX_MS - milliseconds) | 4 hex of (MAX_SEQ - sequence in that ms) | 16 random hex
 *
 * A version of a versioning-enabled bucket uses its order as its version id (URL-safe, unique,
 * time-ordered). The `null` version gets a fresh order on every write, so "newest" stays right
 * in suspended buckets too.
 */
const MAX_MS = 0xffffffffffff;
const MAX_SEQ = 0xffff;
const VERSION_ID = /^[0-9a-f]{32}$/;

/** The id S3 gives to the version written while versioning was never enabled or is suspended. */
export const NULL_VERSION_ID = 'null';

/** Order of rows written before versions existed: older than anything written since. */
export const LEGACY_VERSION_ORDER = 'f'.repeat(16) + '0'.repeat(16);

/** True for ids this server generates (and `null`). Anything else is a malformed version id. */
export function isWellFormedVersionId(id: string): boolean {
  return id === NULL_VERSION_ID || VERSION_ID.test(id);
}

interface Stamp {
  ms: number;
  seq: number;
}

function decode(order: string): Stamp {
  return { ms: MAX_MS - parseInt(order.slice(0, 12), 16), seq: MAX_SEQ - parseInt(order.slice(12, 16), 16) };
}

const later = (a: Stamp, b: Stamp) => a.ms > b.ms || (a.ms === b.ms && a.seq > b.seq);

/** Issues version orders that never go backwards in this process, even if the clock does. */
export class VersionOrderSource {
  private last: Stamp = { ms: -1, seq: 0 };

  /** A fresh order for a write at `nowMs`, newer than `newerThan` (the key's current latest order) when given. */
  next(nowMs: number, newerThan?: string): string {
    let stamp: Stamp = { ms: Math.max(0, Math.min(MAX_MS, Math.floor(nowMs))), seq: 0 };
    const floors = [this.last, ...(newerThan && VERSION_ID.test(newerThan) ? [decode(newerThan)] : [])];
    for (const floor of floors) {
      if (!later(stamp, floor)) stamp = floor.seq < MAX_SEQ ? { ms: floor.ms, seq: floor.seq + 1 } : { ms: floor.ms + 1, seq: 0 };
    }
    this.last = stamp;
    return (
      (MAX_MS - stamp.ms).toString(16).padStart(12, '0') +
      (MAX_SEQ - stamp.seq).toString(16).padStart(4, '0') +
      randomBytes(8).toString('hex')
    );
  }
}
