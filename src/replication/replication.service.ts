import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BucketConfigService } from '../buckets/bucket-config.service';
import { ReplicationRule, replicationMatches, validateReplicationRule } from '../buckets/replication-configuration';
import { Clock } from '../common/clock';
import { SERVER_NAME } from '../common/server-name';
import { DomainError } from '../common/domain-error';
import { IdGenerator } from '../common/ids';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { EventOutboxEntity, ReplicationTask } from '../events/entities/event-outbox.entity';
import { EventDispatcher } from '../events/event-dispatcher';
import { EventsService, replicationQueue } from '../events/events.service';
import { masterSecretBox } from '../iam/master-key';
import { SecretBox } from '../iam/secret-box';
import { ObjectTaggingService } from '../objects/object-tagging.service';
import { ObjectsService } from '../objects/objects.service';

/** Parts of a multipart copy (lib-storage): objects larger than this are sent in parts of this size. */
const PART_SIZE = 8 * 1024 * 1024;
/** Parts in flight per object: memory is bounded by PART_SIZE × this. */
const PART_QUEUE = 2;
const SYNC_PAGE = 1000;
const REPLICA_HEADER = 'x-amz-replication-status';
/** Stored metadata headers → the PutObject parameters that carry them. */
const HEADER_PARAMS: Record<string, string> = {
  'content-type': 'ContentType',
  'cache-control': 'CacheControl',
  'content-disposition': 'ContentDisposition',
  'content-encoding': 'ContentEncoding',
  'content-language': 'ContentLanguage',
  expires: 'Expires',
};

export interface ReplicationRuleInput {
  id?: string;
  enabled?: boolean;
  priority?: number;
  prefix?: string;
  tags?: Record<string, string>;
  destination: { endpoint: string; bucket: string; region?: string; accessKeyId: string; secretKey?: string; forcePathStyle?: boolean };
  replicateDeletes?: boolean;
  replicateExisting?: boolean;
}

/** A rule as PutBucketReplication gives it: its ID names a rule created in the console. */
export interface S3ReplicationRule {
  id?: string;
  enabled: boolean;
  priority?: number;
  prefix: string;
  tags: Record<string, string>;
  replicateDeletes: boolean;
  destinationBucket: string;
}

export interface ReplicationRuleStatus {
  ruleId: string;
  enabled: boolean;
  /** Objects (and deletes) waiting to be replicated. */
  pending: number;
  /** Tasks dead-lettered after EVENT_MAX_ATTEMPTS (their objects are FAILED). */
  failed: number;
  /** Replicated by this node since it started. */
  replicated: number;
  lastReplicatedAt: Date | null;
  /** Age of the oldest pending task: how far the destination is behind. */
  lagSeconds: number;
  lastError: string | null;
}

/**
 * Replication to external S3 endpoints. Tasks are rows of the event outbox (written by
 * EventsService.record in the transaction of the object change, or by a sync); the dispatcher
 * hands them here in order per rule, with retries and backoff. A copy streams the version from the
 * blob store to the destination with the AWS SDK (lib-storage: multipart beyond PART_SIZE, never
 * the whole object in memory), with its metadata and tags; the source version then reads
 * x-amz-replication-status COMPLETED (FAILED once its task is dead-lettered).
 */
@Injectable()
export class ReplicationService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReplicationService.name);
  private readonly box: SecretBox;
  private readonly clients = new Map<string, { stamp: string; client: S3Client }>();
  private readonly stats = new Map<string, { replicated: number; last: Date | null }>();
  private readonly ours = new Map<string, Promise<boolean>>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly configs: BucketConfigService,
    private readonly objects: ObjectsService,
    private readonly tagging: ObjectTaggingService,
    private readonly events: EventsService,
    private readonly dispatcher: EventDispatcher,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {
    this.box = masterSecretBox(config);
  }

  onApplicationBootstrap(): void {
    this.dispatcher.registerHandler('replication', { deliver: (row) => this.run(row), dead: (row) => this.failed(row) });
  }

  onModuleDestroy(): void {
    for (const { client } of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  // ---- rules ----

  list(bucket: string): Promise<ReplicationRule[]> {
    return this.configs.getReplication(bucket);
  }

  async get(bucket: string, id: string): Promise<ReplicationRule> {
    const rule = (await this.list(bucket)).find((r) => r.id === id);
    if (!rule) throw new DomainError('ReplicationRuleNotFound', `No replication rule ${id}`, { bucket });
    return rule;
  }

  /** Adds a rule; with replicateExisting, the bucket's current objects are queued too. */
  async create(bucket: string, input: ReplicationRuleInput): Promise<{ rule: ReplicationRule; queued: number }> {
    const rules = await this.list(bucket);
    if (rules.length >= 100) throw new DomainError('InvalidArgument', 'A bucket has at most 100 replication rules');
    const id = input.id ?? this.ids.uuid();
    if (rules.some((r) => r.id === id)) throw new DomainError('InvalidArgument', `A replication rule ${id} exists already`);
    if (!input.destination.secretKey) throw new DomainError('InvalidArgument', 'destination secret key is required');
    const rule = this.build(id, input, undefined);
    await this.configs.putReplication(bucket, [...rules, rule]);
    const queued = rule.replicateExisting && rule.enabled ? await this.sync(bucket, id) : 0;
    return { rule, queued };
  }

  /** Replaces a rule's settings; a destination without a secret keeps the stored one. */
  async update(bucket: string, id: string, input: ReplicationRuleInput): Promise<ReplicationRule> {
    const rules = await this.list(bucket);
    const i = rules.findIndex((r) => r.id === id);
    if (i < 0) throw new DomainError('ReplicationRuleNotFound', `No replication rule ${id}`, { bucket });
    const rule = this.build(id, input, rules[i]);
    rules[i] = rule;
    await this.configs.putReplication(bucket, rules);
    return rule;
  }

  async remove(bucket: string, id: string): Promise<void> {
    const rules = await this.list(bucket);
    if (!rules.some((r) => r.id === id)) throw new DomainError('ReplicationRuleNotFound', `No replication rule ${id}`, { bucket });
    await this.configs.putReplication(
      bucket,
      rules.filter((r) => r.id !== id),
    );
  }

  /**
   * PutBucketReplication: the rules become exactly these. Each names (by ID) a rule created in the
   * console, whose endpoint and credentials it keeps; a new destination cannot be given in S3 XML.
   */
  async replaceFromS3(bucket: string, input: S3ReplicationRule[]): Promise<void> {
    const existing = new Map((await this.list(bucket)).map((r) => [r.id, r]));
    const rules = input.map((r) => {
      const previous = r.id === undefined ? undefined : existing.get(r.id);
      if (!previous) {
        throw new DomainError(
          'InvalidRequest',
          `Replication rule ${r.id ?? '(no ID)'} is unknown: create its destination (endpoint, credentials) with POST /api/v1/buckets/${bucket}/replication, then refer to it by ID.`,
        );
      }
      const rule: ReplicationRule = {
        ...previous,
        enabled: r.enabled,
        priority: r.priority ?? previous.priority,
        prefix: r.prefix,
        tags: r.tags,
        replicateDeletes: r.replicateDeletes,
        destination: { ...previous.destination, bucket: r.destinationBucket },
      };
      validateReplicationRule(rule);
      return rule;
    });
    await this.configs.putReplication(bucket, rules);
  }

  async removeAll(bucket: string): Promise<void> {
    await this.configs.putReplication(bucket, []);
  }

  /** Queues every current object the rule covers (a manual sync, or "existing objects" at creation); returns how many. */
  async sync(bucket: string, id: string): Promise<number> {
    const rule = await this.get(bucket, id);
    if (!rule.enabled) throw new DomainError('InvalidRequest', `Replication rule ${id} is disabled`);
    let after: string | undefined;
    let queued = 0;
    for (;;) {
      const page = await this.objects.list(bucket, { prefix: rule.prefix || undefined, after, maxKeys: SYNC_PAGE });
      const rows: EventOutboxEntity[] = [];
      for (const o of page.objects) {
        const tags = Object.keys(rule.tags).length ? (await this.tagging.getTags(bucket, o.key, o.versionId)).tags : null;
        if (!replicationMatches(rule, o.key, tags)) continue;
        const task: ReplicationTask = { op: 'put', bucket, key: o.key, versionId: o.versionId };
        rows.push(this.events.replicationRow(bucket, rule.id, task, 'Replication:Sync', this.clock.now().getTime()));
      }
      await this.events.enqueue(rows);
      queued += rows.length;
      if (!page.isTruncated || !page.lastReturned) break;
      after = page.lastReturned;
    }
    return queued;
  }

  async status(bucket: string, id: string): Promise<ReplicationRuleStatus> {
    const rule = await this.get(bucket, id);
    const queue = replicationQueue(bucket, id);
    const counts = (await this.events.counts([queue])).get(queue) ?? { pending: 0, dead: 0 };
    const oldest = await this.db.repo(EventOutboxEntity).findOne({ where: { targetId: queue, state: 'pending' }, order: { seq: 'ASC' } });
    const s = this.stats.get(queue);
    return {
      ruleId: id,
      enabled: rule.enabled,
      pending: counts.pending,
      failed: counts.dead,
      replicated: s?.replicated ?? 0,
      lastReplicatedAt: s?.last ?? null,
      lagSeconds: oldest ? Math.max(0, Math.round((this.clock.now().getTime() - oldest.createdAt) / 1000)) : 0,
      lastError: oldest?.lastError ?? null,
    };
  }

  private build(id: string, input: ReplicationRuleInput, previous: ReplicationRule | undefined): ReplicationRule {
    const d = input.destination;
    const sealed = d.secretKey ? this.box.seal(d.secretKey) : previous?.destination.secretKeySealed;
    if (!sealed) throw new DomainError('InvalidArgument', 'destination secret key is required');
    const rule: ReplicationRule = {
      id,
      enabled: input.enabled ?? true,
      priority: input.priority ?? 0,
      prefix: input.prefix ?? '',
      tags: input.tags ?? {},
      destination: {
        endpoint: d.endpoint.replace(/\/+$/, ''),
        bucket: d.bucket,
        region: d.region ?? 'us-east-1',
        accessKeyId: d.accessKeyId,
        secretKeySealed: sealed,
        forcePathStyle: d.forcePathStyle ?? true,
      },
      replicateDeletes: input.replicateDeletes ?? false,
      replicateExisting: input.replicateExisting ?? false,
      createdAt: previous?.createdAt ?? this.clock.now().getTime(),
    };
    validateReplicationRule(rule);
    return rule;
  }

  // ---- tasks ----

  /** One task: throws to be retried. A rule deleted meanwhile, or a version gone, ends the task. */
  private async run(row: EventOutboxEntity): Promise<void> {
    const task = JSON.parse(row.payload) as ReplicationTask;
    const rule = (await this.configs.getReplication(task.bucket).catch(() => [])).find((r) => r.id === row.ruleId);
    if (!rule) return;
    const client = this.client(rule);
    if (task.op === 'delete') {
      await client.send(new DeleteObjectCommand({ Bucket: rule.destination.bucket, Key: task.key }));
    } else if (!(await this.copy(client, rule, task))) {
      return;
    }
    const s = this.stats.get(row.targetId) ?? { replicated: 0, last: null };
    s.replicated++;
    s.last = this.clock.now();
    this.stats.set(row.targetId, s);
  }

  /** Streams the version to the destination; false when it no longer exists (nothing to do). */
  private async copy(client: S3Client, rule: ReplicationRule, task: ReplicationTask): Promise<boolean> {
    let got;
    try {
      got = await this.objects.get(task.bucket, task.key, { versionId: task.versionId });
    } catch (err) {
      if (err instanceof DomainError && ['NoSuchKey', 'NoSuchVersion', 'MethodNotAllowed', 'BucketNotFound'].includes(err.code))
        return false;
      throw err;
    }
    const { object, body } = got;
    try {
      const tags = object.tagCount > 0 ? (await this.tagging.getTags(task.bucket, task.key, task.versionId)).tags : {};
      const params: Record<string, unknown> = {
        Bucket: rule.destination.bucket,
        Key: task.key,
        Body: body,
        ContentLength: object.size,
        Metadata: object.metadata.user,
      };
      for (const [name, value] of Object.entries(object.metadata.headers)) {
        const param = HEADER_PARAMS[name];
        if (param) params[param] = param === 'Expires' ? new Date(value) : value;
      }
      if (Object.keys(tags).length) params.Tagging = new URLSearchParams(tags).toString();
      const upload = new Upload({ client, params: params as never, partSize: PART_SIZE, queueSize: PART_QUEUE, leavePartsOnError: false });
      await upload.done();
    } catch (err) {
      body.destroy();
      throw err;
    }
    await this.objects.setReplicationStatus(task.bucket, task.key, task.versionId!, 'COMPLETED');
    return true;
  }

  private async failed(row: EventOutboxEntity): Promise<void> {
    const task = JSON.parse(row.payload) as ReplicationTask;
    this.logger.warn(`replication of ${task.bucket}/${task.key} by rule ${row.ruleId} failed for good: ${row.lastError ?? ''}`);
    if (task.op === 'put' && task.versionId) await this.objects.setReplicationStatus(task.bucket, task.key, task.versionId, 'FAILED');
  }

  /** Whether the endpoint is this server's software (its `Server` header); probed once, again after a failure. */
  private isOurs(endpoint: string): Promise<boolean> {
    let probe = this.ours.get(endpoint);
    if (!probe) {
      probe = fetch(`${endpoint}/`, { signal: AbortSignal.timeout(5_000) }).then(
        async (res) => {
          await res.arrayBuffer().catch(() => undefined);
          return res.headers.get('server') === SERVER_NAME;
        },
        () => {
          this.ours.delete(endpoint);
          return false;
        },
      );
      this.ours.set(endpoint, probe);
    }
    return probe;
  }

  /** One SDK client per rule, rebuilt when the rule's destination changes. */
  private client(rule: ReplicationRule): S3Client {
    const d = rule.destination;
    const stamp = JSON.stringify(d);
    const key = `${rule.id}@${d.endpoint}/${d.bucket}`;
    const cached = this.clients.get(key);
    if (cached?.stamp === stamp) return cached.client;
    cached?.client.destroy();
    const client = new S3Client({
      endpoint: d.endpoint,
      region: d.region,
      forcePathStyle: d.forcePathStyle,
      credentials: { accessKeyId: d.accessKeyId, secretAccessKey: this.box.open(d.secretKeySealed) },
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    // A destination that is one of ours stores the copies as REPLICA (and never replicates them again).
    const endpoint = d.endpoint;
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers && (await this.isOurs(endpoint))) request.headers[REPLICA_HEADER] = 'REPLICA';
        return next(args);
      },
      { step: 'build', name: 'replicaMarker' },
    );
    this.clients.set(key, { stamp, client });
    return client;
  }
}
