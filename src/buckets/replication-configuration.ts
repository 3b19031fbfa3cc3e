import { DomainError } from '../common/domain-error';

/**
 * A bucket's replication rules to external S3 endpoints (console /buckets/{name}/replication,
 * S3 Get/DeleteBucketReplication). The destination's secret key is stored sealed (SecretBox).
 * src/replication copies the objects.
 */

export const MAX_REPLICATION_RULES = 100;

export interface ReplicationDestination {
  /** http(s) URL of the S3 endpoint. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  /** SecretBox ciphertext of the secret access key. */
  secretKeySealed: string;
  /** Path-style addressing (default true: what S3-compatible servers expect). */
  forcePathStyle: boolean;
}

export interface ReplicationRule {
  id: string;
  enabled: boolean;
  /** Lower first when several rules match (S3's Priority). */
  priority: number;
  prefix: string;
  /** Every tag must be on the object (S3's Filter.And.Tag). */
  tags: Record<string, string>;
  destination: ReplicationDestination;
  /** Replicate delete markers (and deletes in an unversioned bucket). */
  replicateDeletes: boolean;
  /** When created: queue the objects already in the bucket too. */
  replicateExisting: boolean;
  createdAt: number;
}

const invalid = (message: string) => new DomainError('InvalidArgument', message);

/** The checks of one rule (the secret is checked before it is sealed, by the caller). */
export function validateReplicationRule(rule: ReplicationRule): void {
  if (!/^[\w.-]{1,255}$/.test(rule.id)) throw invalid('a rule id has 1 to 255 letters, digits, _ . or -');
  const d = rule.destination;
  let url: URL;
  try {
    url = new URL(d.endpoint);
  } catch {
    throw invalid(`destination endpoint is not a URL: ${d.endpoint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('destination endpoint must start with http:// or https://');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(d.bucket)) throw invalid(`destination bucket is not a bucket name: ${d.bucket}`);
  if (!d.accessKeyId || d.accessKeyId.length > 128) throw invalid('destination access key is required');
  if (!/^[a-z0-9-]{1,32}$/.test(d.region)) throw invalid(`destination region is not a region: ${d.region}`);
  if (rule.prefix.length > 1024) throw invalid('prefix has at most 1024 characters');
  if (Object.keys(rule.tags).length > 10) throw invalid('a rule filters on at most 10 tags');
  if (!Number.isInteger(rule.priority) || rule.priority < 0) throw invalid('priority is an integer >= 0');
}

/** Does the rule cover an object with this key and these tags? */
export function replicationMatches(rule: ReplicationRule, key: string, tags: Record<string, string> | null | undefined): boolean {
  if (!rule.enabled || !key.startsWith(rule.prefix)) return false;
  for (const [k, v] of Object.entries(rule.tags)) if (tags?.[k] !== v) return false;
  return true;
}
