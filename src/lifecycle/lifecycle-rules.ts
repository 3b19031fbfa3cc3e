import type { LifecycleRule } from '../buckets/lifecycle-configuration';
import type { Tag } from '../buckets/tags';

/**
 * Which lifecycle rule applies to what, and when: pure functions over a bucket's rules, shared by
 * the background worker and the x-amz-expiration header of GetObject / HeadObject.
 */

export const DAY_MS = 86_400_000;

/**
 * When an action of `days` falls due for something created (or made noncurrent) at `since`
 * (epoch ms): S3 adds the days and rounds up to the next midnight UTC, so an object written at
 * 10:30 on 1/15 with a 3-day rule is due at 00:00 on 1/19. A time already at midnight also moves
 * to the next one, as the documented "next day at midnight" reads.
 */
export function dueAfterDays(since: number, days: number): number {
  return (Math.floor(since / DAY_MS) + days + 1) * DAY_MS;
}

/** A rule's filter flattened: the prefix, tags and size bounds an object must all satisfy. */
export interface EffectiveFilter {
  prefix: string;
  tags: Tag[];
  /** Exclusive bounds, as S3 applies them. */
  sizeGreaterThan?: number;
  sizeLessThan?: number;
}

export function effectiveFilter(rule: LifecycleRule): EffectiveFilter {
  const f = rule.filter;
  if (!f) return { prefix: rule.prefix ?? '', tags: [] };
  const src = f.and ?? f;
  return {
    prefix: src.prefix ?? '',
    tags: f.and ? f.and.tags : f.tag ? [f.tag] : [],
    sizeGreaterThan: src.objectSizeGreaterThan,
    sizeLessThan: src.objectSizeLessThan,
  };
}

/** What a filter looks at. `tags` may be omitted when the object has none. */
export interface Candidate {
  key: string;
  size: number;
  tags?: Readonly<Record<string, string>> | null;
}

export function filterMatches(f: EffectiveFilter, c: Candidate): boolean {
  if (!c.key.startsWith(f.prefix)) return false;
  if (f.sizeGreaterThan !== undefined && !(c.size > f.sizeGreaterThan)) return false;
  if (f.sizeLessThan !== undefined && !(c.size < f.sizeLessThan)) return false;
  // Every tag of the filter, key and value exactly; other tags of the object do not matter.
  return f.tags.every((t) => c.tags != null && Object.prototype.hasOwnProperty.call(c.tags, t.key) && c.tags[t.key] === t.value);
}

/** True when some rule of `rules` needs an object's tags to decide. */
export const needsTags = (rules: readonly LifecycleRule[]): boolean => rules.some((r) => effectiveFilter(r).tags.length > 0);

/** An action falling due: when (epoch ms) and by which rule. */
export interface Due {
  at: number;
  ruleId: string;
}

const enabled = (rules: readonly LifecycleRule[]) => rules.filter((r) => r.status === 'Enabled');

/** Rules that expire current versions (by Days or Date). */
export const expirationRules = (rules: readonly LifecycleRule[]): LifecycleRule[] =>
  enabled(rules).filter((r) => r.expiration?.days !== undefined || r.expiration?.date !== undefined);

/** Rules that abort incomplete multipart uploads. */
export const abortRules = (rules: readonly LifecycleRule[]): LifecycleRule[] =>
  enabled(rules).filter((r) => r.abortIncompleteMultipartUpload?.daysAfterInitiation !== undefined);

/** Rules that expire noncurrent versions. */
export const noncurrentRules = (rules: readonly LifecycleRule[]): LifecycleRule[] =>
  enabled(rules).filter((r) => r.noncurrentVersionExpiration?.noncurrentDays !== undefined);

/** Rules that remove expired object delete markers (the marker flag, or age-based Days, as S3 does). */
export const deleteMarkerRules = (rules: readonly LifecycleRule[]): LifecycleRule[] =>
  enabled(rules).filter((r) => r.expiration?.expiredObjectDeleteMarker === true || r.expiration?.days !== undefined);

/** The earliest of the candidates; on a tie, the rule listed first. */
function earliest(dues: Array<Due | undefined>): Due | undefined {
  let best: Due | undefined;
  for (const d of dues) if (d && (!best || d.at < best.at)) best = d;
  return best;
}

/**
 * When the current version of an object expires, and by which rule: the earliest of the enabled
 * Expiration rules (Days from LastModified, or Date) whose filter it matches. S3 honours the
 * shorter of two overlapping expirations, so the earliest wins.
 */
export function currentExpiration(rules: readonly LifecycleRule[], o: Candidate & { lastModified: number }): Due | undefined {
  return earliest(
    expirationRules(rules).map((r) => {
      if (!filterMatches(effectiveFilter(r), o)) return undefined;
      const e = r.expiration!;
      return { at: e.days !== undefined ? dueAfterDays(o.lastModified, e.days) : Date.parse(e.date!), ruleId: r.id };
    }),
  );
}

/** When an incomplete multipart upload is aborted, and by which rule (the key prefix is its only filter). */
export function uploadAbortDue(rules: readonly LifecycleRule[], u: { key: string; initiated: number }): Due | undefined {
  return earliest(
    abortRules(rules).map((r) =>
      u.key.startsWith(effectiveFilter(r).prefix)
        ? { at: dueAfterDays(u.initiated, r.abortIncompleteMultipartUpload!.daysAfterInitiation!), ruleId: r.id }
        : undefined,
    ),
  );
}

/**
 * When a noncurrent version expires: NoncurrentDays after it became noncurrent (its successor's
 * creation), and only once more than NewerNoncurrentVersions newer noncurrent versions exist.
 * `newerNoncurrent` counts the noncurrent versions of the key that are newer than this one.
 */
export function noncurrentExpiration(
  rules: readonly LifecycleRule[],
  v: Candidate & { noncurrentSince: number; newerNoncurrent: number },
): Due | undefined {
  return earliest(
    noncurrentRules(rules).map((r) => {
      const n = r.noncurrentVersionExpiration!;
      if (!filterMatches(effectiveFilter(r), v)) return undefined;
      if (n.newerNoncurrentVersions !== undefined && v.newerNoncurrent < n.newerNoncurrentVersions) return undefined;
      return { at: dueAfterDays(v.noncurrentSince, n.noncurrentDays!), ruleId: r.id };
    }),
  );
}

/**
 * When a delete marker that is the only version left of its key is removed: at once under an
 * ExpiredObjectDeleteMarker rule, or once it is Days old under an age-based Expiration rule.
 */
export function expiredDeleteMarkerDue(rules: readonly LifecycleRule[], m: { key: string; lastModified: number }): Due | undefined {
  return earliest(
    deleteMarkerRules(rules).map((r) => {
      // A delete marker has no tags and no bytes: a tag filter never matches it.
      if (!filterMatches(effectiveFilter(r), { key: m.key, size: 0 })) return undefined;
      const e = r.expiration!;
      return { at: e.expiredObjectDeleteMarker === true ? m.lastModified : dueAfterDays(m.lastModified, e.days!), ruleId: r.id };
    }),
  );
}

/** The longest prefix shared by every rule of `rules`: the part of the key space worth scanning. */
export function scanPrefix(rules: readonly LifecycleRule[]): string {
  const prefixes = rules.map((r) => effectiveFilter(r).prefix);
  if (prefixes.length === 0) return '';
  let p = prefixes[0];
  for (const q of prefixes) {
    let i = 0;
    while (i < p.length && i < q.length && p[i] === q[i]) i++;
    p = p.slice(0, i);
  }
  // Never cut a UTF-16 surrogate pair in half.
  return /[\uD800-\uDBFF]$/.test(p) ? p.slice(0, -1) : p;
}
