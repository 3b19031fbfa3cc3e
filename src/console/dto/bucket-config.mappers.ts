import type { RuleStatus } from '../../events/event-dispatcher';
import type { DeadLetter } from '../../events/events.service';
import type { CorsRule } from '../../buckets/cors-configuration';
import type { LifecycleFilter, LifecycleRule, LifecycleRuleInput } from '../../buckets/lifecycle-configuration';
import type { NotificationRule, NotificationRuleInput } from '../../buckets/notification-configuration';
import type { Tag } from '../../buckets/tags';
import type { AclGrant } from '../../iam/acl/acl';
import type {
  CorsConfigurationDto,
  LifecycleConfigurationDto,
  LifecycleFilterDto,
  NotificationConfigurationDto,
  TaggingDto,
} from './bucket-config.dto';

/**
 * JSON ⇄ domain shapes of the bucket configuration routes. Lifecycle, CORS and tag sets use the
 * field names of the S3 XML (the JSON of the AWS CLI); notifications use the console's own shape.
 */

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

// ---- lifecycle ----

function filterIn(f: LifecycleFilterDto): LifecycleFilter {
  return defined({
    prefix: f.Prefix,
    tag: f.Tag ? { key: f.Tag.Key, value: f.Tag.Value } : undefined,
    objectSizeGreaterThan: f.ObjectSizeGreaterThan,
    objectSizeLessThan: f.ObjectSizeLessThan,
    and: f.And
      ? defined({
          prefix: f.And.Prefix,
          tags: (f.And.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value })),
          objectSizeGreaterThan: f.And.ObjectSizeGreaterThan,
          objectSizeLessThan: f.And.ObjectSizeLessThan,
        })
      : undefined,
  });
}

export function lifecycleIn(dto: LifecycleConfigurationDto): LifecycleRuleInput[] {
  return dto.Rules.map((r) =>
    defined({
      id: r.ID,
      status: r.Status,
      prefix: r.Prefix,
      filter: r.Filter ? filterIn(r.Filter) : undefined,
      expiration: r.Expiration
        ? defined({ days: r.Expiration.Days, date: r.Expiration.Date, expiredObjectDeleteMarker: r.Expiration.ExpiredObjectDeleteMarker })
        : undefined,
      noncurrentVersionExpiration: r.NoncurrentVersionExpiration
        ? defined({
            noncurrentDays: r.NoncurrentVersionExpiration.NoncurrentDays,
            newerNoncurrentVersions: r.NoncurrentVersionExpiration.NewerNoncurrentVersions,
          })
        : undefined,
      abortIncompleteMultipartUpload: r.AbortIncompleteMultipartUpload
        ? defined({ daysAfterInitiation: r.AbortIncompleteMultipartUpload.DaysAfterInitiation })
        : undefined,
    }),
  );
}

function filterOut(f: LifecycleFilter): Record<string, unknown> {
  return defined({
    Prefix: f.prefix,
    Tag: f.tag ? { Key: f.tag.key, Value: f.tag.value } : undefined,
    ObjectSizeGreaterThan: f.objectSizeGreaterThan,
    ObjectSizeLessThan: f.objectSizeLessThan,
    And: f.and
      ? defined({
          Prefix: f.and.prefix,
          Tags: f.and.tags.map((t) => ({ Key: t.key, Value: t.value })),
          ObjectSizeGreaterThan: f.and.objectSizeGreaterThan,
          ObjectSizeLessThan: f.and.objectSizeLessThan,
        })
      : undefined,
  });
}

export function lifecycleOut(rules: readonly LifecycleRule[]) {
  return {
    Rules: rules.map((r) =>
      defined({
        ID: r.id,
        Status: r.status,
        Prefix: r.prefix,
        Filter: r.filter ? filterOut(r.filter) : undefined,
        Expiration: r.expiration
          ? defined({ Days: r.expiration.days, Date: r.expiration.date, ExpiredObjectDeleteMarker: r.expiration.expiredObjectDeleteMarker })
          : undefined,
        NoncurrentVersionExpiration: r.noncurrentVersionExpiration
          ? defined({
              NoncurrentDays: r.noncurrentVersionExpiration.noncurrentDays,
              NewerNoncurrentVersions: r.noncurrentVersionExpiration.newerNoncurrentVersions,
            })
          : undefined,
        AbortIncompleteMultipartUpload: r.abortIncompleteMultipartUpload
          ? defined({ DaysAfterInitiation: r.abortIncompleteMultipartUpload.daysAfterInitiation })
          : undefined,
      }),
    ),
  };
}

// ---- CORS ----

export function corsIn(dto: CorsConfigurationDto): CorsRule[] {
  return dto.CORSRules.map((r) =>
    defined({
      id: r.ID,
      allowedOrigins: r.AllowedOrigins,
      allowedMethods: r.AllowedMethods,
      allowedHeaders: r.AllowedHeaders ?? [],
      exposeHeaders: r.ExposeHeaders ?? [],
      maxAgeSeconds: r.MaxAgeSeconds,
    }),
  );
}

export function corsOut(rules: readonly CorsRule[]) {
  return {
    CORSRules: rules.map((r) =>
      defined({
        ID: r.id,
        AllowedOrigins: r.allowedOrigins,
        AllowedMethods: r.allowedMethods,
        AllowedHeaders: r.allowedHeaders,
        ExposeHeaders: r.exposeHeaders,
        MaxAgeSeconds: r.maxAgeSeconds,
      }),
    ),
  };
}

// ---- tags ----

/** The tag set of a body: `TagSet` (S3) or `tags` ({ key: value }); undefined when it has neither. */
export function tagsIn(dto: TaggingDto): Tag[] | undefined {
  if (dto.TagSet !== undefined) return dto.TagSet.map((t) => ({ key: t.Key, value: t.Value }));
  if (dto.tags !== undefined) return Object.entries(dto.tags).map(([key, value]) => ({ key, value: String(value) }));
  return undefined;
}

export function tagsOut(tags: readonly Tag[]) {
  return { TagSet: tags.map((t) => ({ Key: t.key, Value: t.value })), tags: Object.fromEntries(tags.map((t) => [t.key, t.value])) };
}

// ---- notifications ----

export function notificationsIn(dto: NotificationConfigurationDto): NotificationRuleInput[] {
  return dto.rules.map((r) =>
    defined({
      id: r.id,
      target: defined({
        type: r.target.type,
        url: r.target.url,
        arn: r.target.arn,
        headers: r.target.headers,
        channel: r.target.channel,
        key: r.target.key,
        exchange: r.target.exchange,
        routingKey: r.target.routing_key,
        topic: r.target.topic,
        qos: r.target.qos,
        subject: r.target.subject,
        jetstream: r.target.jetstream,
        secret: r.target.secret,
      }),
      events: r.events,
      filter: r.filter ? defined({ prefix: r.filter.prefix, suffix: r.filter.suffix }) : undefined,
    }),
  );
}

export function notificationsOut(rules: readonly NotificationRule[]) {
  return {
    rules: rules.map((r) =>
      defined({
        id: r.id,
        target: defined({
          type: r.target.type,
          url: r.target.url,
          arn: r.target.arn,
          headers: r.target.headers,
          channel: r.target.channel,
          key: r.target.key,
          exchange: r.target.exchange,
          routing_key: r.target.routingKey,
          topic: r.target.topic,
          qos: r.target.qos,
          subject: r.target.subject,
          jetstream: r.target.jetstream,
          secret_set: r.target.secret !== undefined ? true : undefined,
        }),
        events: r.events,
        filter: r.filter,
      }),
    ),
    /** Events are delivered (src/events); see /notifications/status for each target's queue. */
    delivery_enabled: true,
  };
}

export function notificationStatusOut(rules: readonly RuleStatus[]) {
  return {
    rules: rules.map((r) => ({
      id: r.ruleId,
      target_id: r.targetId,
      target_type: r.targetType,
      health: { ok: r.health.ok, latency_ms: r.health.latency_ms, error: r.health.error ?? null },
      pending: r.pending,
      dead: r.dead,
      last_error: r.lastError,
    })),
    pending: rules.reduce((n, r) => n + r.pending, 0),
    dead: rules.reduce((n, r) => n + r.dead, 0),
  };
}

export function deadLetterOut(d: DeadLetter) {
  return {
    seq: d.seq,
    target_id: d.targetId,
    rule_id: d.ruleId,
    key: d.key,
    event_name: d.eventName,
    attempts: d.attempts,
    last_error: d.lastError,
    created_at: d.createdAt.toISOString(),
  };
}

// ---- ACL ----

export interface AclDto {
  owner: { id: string; display_name: string };
  grants: Array<{
    grantee: { type: 'CanonicalUser'; id: string; display_name: string } | { type: 'Group'; uri: string };
    permission: string;
  }>;
}

export function aclOut(
  owner: { id: string; displayName: string },
  grants: readonly AclGrant[],
  displayName: (id: string) => string,
): AclDto {
  return {
    owner: { id: owner.id, display_name: owner.displayName },
    grants: grants.map((g) => ({
      grantee:
        g.grantee.type === 'Group'
          ? { type: 'Group' as const, uri: g.grantee.uri }
          : { type: 'CanonicalUser' as const, id: g.grantee.id, display_name: displayName(g.grantee.id) },
      permission: g.permission,
    })),
  };
}
