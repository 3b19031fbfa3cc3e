import { DomainError } from '../common/domain-error';
import type { Tag } from './tags';

/** A bucket's lifecycle configuration, in S3's terms (LifecycleConfiguration / Rule). */

export const MAX_LIFECYCLE_RULES = 1000;
const MAX_RULE_ID_LENGTH = 255;
/** The bounds S3 gives the object size filters (1000 TiB). */
export const MAX_FILTER_OBJECT_SIZE = 1_099_511_627_776_000;
const DAY_MS = 86_400_000;

export interface LifecycleAndOperator {
  prefix?: string;
  tags: Tag[];
  objectSizeGreaterThan?: number;
  objectSizeLessThan?: number;
}

/** `<Filter>`: empty, or exactly one of its predicates (several go in `And`). */
export interface LifecycleFilter {
  prefix?: string;
  tag?: Tag;
  objectSizeGreaterThan?: number;
  objectSizeLessThan?: number;
  and?: LifecycleAndOperator;
}

export interface LifecycleExpiration {
  days?: number;
  /** ISO 8601, midnight UTC. */
  date?: string;
  expiredObjectDeleteMarker?: boolean;
}

export interface LifecycleRule {
  /** Generated (as S3 does) when the request gave none. */
  id: string;
  status: 'Enabled' | 'Disabled';
  /** The legacy rule-level `<Prefix>` (lifecycle "V1"); a rule has this or a filter, never both. */
  prefix?: string;
  filter?: LifecycleFilter;
  expiration?: LifecycleExpiration;
  noncurrentVersionExpiration?: { noncurrentDays?: number; newerNoncurrentVersions?: number };
  abortIncompleteMultipartUpload?: { daysAfterInitiation?: number };
}

/** A rule as a request gives it: the ID may be missing. */
export type LifecycleRuleInput = Omit<LifecycleRule, 'id'> & { id?: string };

const malformed = (message: string) => new DomainError('MalformedConfiguration', message);
const invalidArgument = (message: string) => new DomainError('InvalidArgument', message);
const invalidRequest = (message: string) => new DomainError('InvalidRequest', message);

/** The tags and size predicates of a rule's filter, wherever they sit (directly or in And). */
function filterParts(rule: LifecycleRuleInput): { tags: Tag[]; sized: boolean } {
  const f = rule.filter;
  if (!f) return { tags: [], sized: false };
  const tags = f.and ? f.and.tags : f.tag ? [f.tag] : [];
  const sized = [f.objectSizeGreaterThan, f.objectSizeLessThan, f.and?.objectSizeGreaterThan, f.and?.objectSizeLessThan].some(
    (v) => v !== undefined,
  );
  return { tags, sized };
}

function checkSizes(gt: number | undefined, lt: number | undefined): void {
  if (gt !== undefined && (!Number.isSafeInteger(gt) || gt < 0 || gt > MAX_FILTER_OBJECT_SIZE)) {
    throw invalidRequest(`'ObjectSizeGreaterThan' should be between 0 and ${MAX_FILTER_OBJECT_SIZE}.`);
  }
  if (lt !== undefined && (!Number.isSafeInteger(lt) || lt < 1 || lt > MAX_FILTER_OBJECT_SIZE)) {
    throw invalidRequest(`'ObjectSizeLessThan' should be between 1 and ${MAX_FILTER_OBJECT_SIZE}.`);
  }
  if (gt !== undefined && lt !== undefined && gt >= lt) {
    throw invalidRequest("'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.");
  }
}

function checkFilter(f: LifecycleFilter): void {
  const predicates = [
    f.prefix !== undefined,
    f.tag !== undefined,
    f.objectSizeGreaterThan !== undefined,
    f.objectSizeLessThan !== undefined,
  ];
  const count = predicates.filter(Boolean).length + (f.and ? 1 : 0);
  if (count > 1) throw malformed('A Filter holds at most one predicate; combine them with And.');
  checkSizes(f.objectSizeGreaterThan, f.objectSizeLessThan);
  if (f.tag && f.tag.key === '') throw malformed('A Tag needs a Key.');
  if (f.and) {
    const a = f.and;
    const inAnd = [a.prefix, a.objectSizeGreaterThan, a.objectSizeLessThan].filter((v) => v !== undefined).length + a.tags.length;
    if (inAnd < 2) throw malformed('And needs at least two predicates.');
    if (a.tags.some((t) => t.key === '')) throw malformed('A Tag needs a Key.');
    if (new Set(a.tags.map((t) => t.key)).size !== a.tags.length) throw invalidRequest('Duplicate Tag Keys are not allowed.');
    checkSizes(a.objectSizeGreaterThan, a.objectSizeLessThan);
  }
}

const positive = (n: number | undefined) => n !== undefined && Number.isSafeInteger(n) && n > 0;

/** True when `iso` is a valid instant at 00:00:00.000 UTC. */
export function isMidnightUtc(iso: string): boolean {
  const t = Date.parse(iso);
  return Number.isFinite(t) && t % DAY_MS === 0;
}

/**
 * S3's checks of PutBucketLifecycleConfiguration, with S3's codes and messages where they are known
 * (MalformedConfiguration is S3's MalformedXML).
 */
export function validateLifecycleRules(rules: readonly LifecycleRuleInput[]): void {
  if (rules.length === 0) throw malformed('At least one lifecycle rule must be specified.');
  if (rules.length > MAX_LIFECYCLE_RULES) {
    throw invalidRequest(`The number of lifecycle rules must not exceed the allowed limit of ${MAX_LIFECYCLE_RULES} rules.`);
  }
  // A configuration is all rule-level prefixes ("V1") or all filters ("V2"), as its first rule says.
  const v2 = rules[0].filter !== undefined;
  const ids = new Set<string>();
  for (const rule of rules) {
    if (rule.id !== undefined) {
      if (rule.id.length > MAX_RULE_ID_LENGTH) throw invalidArgument(`ID length should not exceed allowed limit of ${MAX_RULE_ID_LENGTH}`);
      if (ids.has(rule.id)) throw invalidArgument('Rule ID must be unique. Found same ID for more than one rule');
      ids.add(rule.id);
    }
    if (rule.status !== 'Enabled' && rule.status !== 'Disabled') throw malformed('Status must be Enabled or Disabled.');
    if (rule.prefix !== undefined && rule.filter !== undefined) throw malformed('A rule has a Filter or a Prefix, not both.');
    if (rule.prefix === undefined && rule.filter === undefined) throw malformed('A rule needs a Filter (or a Prefix).');
    if (v2 && rule.filter === undefined) {
      throw invalidRequest('Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.');
    }
    if (!v2 && rule.filter !== undefined) throw invalidRequest('Filter element can only be used in Lifecycle V2.');
    if (rule.filter) checkFilter(rule.filter);

    const { expiration: exp, noncurrentVersionExpiration: nve, abortIncompleteMultipartUpload: abort } = rule;
    if (!exp && !nve && !abort) throw invalidRequest('At least one action needs to be specified in a rule');
    const { tags, sized } = filterParts(rule);
    if (exp) {
      const given = [exp.days !== undefined, exp.date !== undefined, exp.expiredObjectDeleteMarker !== undefined].filter(Boolean).length;
      if (given !== 1) throw malformed('Expiration holds one of Days, Date or ExpiredObjectDeleteMarker.');
      if (exp.days !== undefined && !positive(exp.days)) throw invalidArgument("'Days' for Expiration action must be a positive integer");
      if (exp.date !== undefined && !isMidnightUtc(exp.date)) throw invalidArgument("'Date' must be at midnight GMT");
      if (exp.expiredObjectDeleteMarker !== undefined) {
        if (tags.length > 0) throw invalidRequest('ExpiredObjectDeleteMarker cannot be specified with Tags.');
        if (sized) throw invalidRequest('ExpiredObjectDeleteMarker cannot be specified with Object Size.');
      }
    }
    if (nve) {
      if (nve.noncurrentDays === undefined) throw malformed('NoncurrentVersionExpiration needs NoncurrentDays.');
      if (!positive(nve.noncurrentDays)) {
        throw invalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
      }
      if (nve.newerNoncurrentVersions !== undefined) {
        if (!v2) throw invalidRequest('NewerNoncurrentVersions element can only be used in Lifecycle V2.');
        if (!positive(nve.newerNoncurrentVersions)) {
          throw invalidArgument("'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer");
        }
      }
    }
    if (abort) {
      if (abort.daysAfterInitiation === undefined) throw malformed('AbortIncompleteMultipartUpload needs DaysAfterInitiation.');
      if (!positive(abort.daysAfterInitiation)) {
        throw invalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer");
      }
      if (tags.length > 0) throw invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Tags.');
      if (sized) throw invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Object Size.');
    }
  }
}
