import type { NotificationFilter, NotificationRule } from '../buckets/notification-configuration';

/**
 * The event records of bucket notifications, exactly as Amazon S3 writes them (event message
 * structure, eventVersion 2.1). Pure functions: no I/O, table-tested in event-record.spec.ts.
 */

/** The names a record carries (the configuration names them with an `s3:` prefix). */
export const OBJECT_EVENT = {
  put: 'ObjectCreated:Put',
  post: 'ObjectCreated:Post',
  copy: 'ObjectCreated:Copy',
  completeMultipartUpload: 'ObjectCreated:CompleteMultipartUpload',
  delete: 'ObjectRemoved:Delete',
  deleteMarkerCreated: 'ObjectRemoved:DeleteMarkerCreated',
  lifecycleDelete: 'LifecycleExpiration:Delete',
  lifecycleDeleteMarkerCreated: 'LifecycleExpiration:DeleteMarkerCreated',
} as const;
export type ObjectEventName = (typeof OBJECT_EVENT)[keyof typeof OBJECT_EVENT];

/** The principal S3 names in records of its own doing (lifecycle expirations). */
export const S3_SERVICE_PRINCIPAL = 's3.amazonaws.com';

/** Who caused a change: the request's facts that go into the record. */
export interface EventOrigin {
  principalId: string;
  sourceIp: string;
  requestId: string;
  hostId: string;
}

/** One object change of a committed write. */
export interface ObjectChange {
  eventName: ObjectEventName;
  key: string;
  /** ObjectCreated only. */
  size?: number;
  etag?: string;
  /** Present when the bucket has (or had) versioning. */
  versionId?: string;
  /** ObjectCreated: the version's id even when the bucket is unversioned ('null'), and its tags (replication). */
  storedVersionId?: string;
  tags?: Record<string, string> | null;
  /** A replica written by another server's replication: not replicated again. */
  replica?: boolean;
  /** The blobs the change released (a deleted or replaced version's bytes): their copies on other nodes go too. */
  releasedBlobs?: string[];
}

export interface EventBucket {
  name: string;
  ownerId: string;
}

export interface S3EventRecord {
  eventVersion: '2.1';
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: ObjectEventName;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer: string };
  };
}

/** Does a rule's event list (`s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`…) cover this record's event name? */
export function eventMatches(patterns: readonly string[], eventName: ObjectEventName): boolean {
  const full = `s3:${eventName}`;
  const family = full.slice(0, full.lastIndexOf(':'));
  return patterns.some((p) => p === full || p === `${family}:*`);
}

export function filterMatches(filter: NotificationFilter | undefined, key: string): boolean {
  if (!filter) return true;
  return key.startsWith(filter.prefix ?? '') && key.endsWith(filter.suffix ?? '');
}

/** The rules of a configuration that a change fires. */
export function matchingRules(rules: readonly NotificationRule[], change: Pick<ObjectChange, 'eventName' | 'key'>): NotificationRule[] {
  return rules.filter((r) => eventMatches(r.events, change.eventName) && filterMatches(r.filter, change.key));
}

/**
 * S3 URL-encodes the key in records as an HTML form does: a space is `+`, `/` stays as it is
 * ("photos/red flower.jpg" → "photos/red+flower.jpg").
 */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/%2F/gi, '/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A per-process increasing, fixed-width hex string: later changes of a key sort after earlier ones. */
export class Sequencer {
  private lastMs = 0;
  private counter = 0;

  next(nowMs: number): string {
    if (nowMs > this.lastMs) {
      this.lastMs = nowMs;
      this.counter = 0;
    } else {
      this.counter++;
    }
    return this.lastMs.toString(16).toUpperCase().padStart(12, '0') + this.counter.toString(16).toUpperCase().padStart(6, '0');
  }
}

export function buildRecord(input: {
  region: string;
  time: Date;
  bucket: EventBucket;
  change: ObjectChange;
  origin: EventOrigin;
  configurationId: string;
  sequencer: string;
}): S3EventRecord {
  const { change, origin } = input;
  const object = { key: encodeEventKey(change.key) } as S3EventRecord['s3']['object'];
  if (change.size !== undefined) object.size = change.size;
  if (change.etag !== undefined) object.eTag = change.etag;
  if (change.versionId !== undefined) object.versionId = change.versionId;
  object.sequencer = input.sequencer;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: input.region,
    eventTime: input.time.toISOString(),
    eventName: change.eventName,
    userIdentity: { principalId: origin.principalId },
    requestParameters: { sourceIPAddress: origin.sourceIp },
    responseElements: { 'x-amz-request-id': origin.requestId, 'x-amz-id-2': origin.hostId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: input.configurationId,
      bucket: {
        name: input.bucket.name,
        ownerIdentity: { principalId: input.bucket.ownerId },
        arn: `arn:aws:s3:::${input.bucket.name}`,
      },
      object,
    },
  };
}
