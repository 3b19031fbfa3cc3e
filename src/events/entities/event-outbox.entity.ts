import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';
import type { NotificationTarget } from '../../buckets/notification-configuration';

export type OutboxState = 'pending' | 'dead';

/** A replication task's queue: the rule is read when the task runs (its current credentials). */
export interface ReplicationTarget {
  type: 'replication';
  ruleId: string;
}

/** Where a row goes: a notification target, or a replication rule (src/replication). */
export type OutboxTarget = NotificationTarget | ReplicationTarget;

/** The payload of a replication task. */
export interface ReplicationTask {
  op: 'put' | 'delete';
  bucket: string;
  key: string;
  /** put: the version to copy. */
  versionId?: string;
}

/**
 * The transactional outbox of bucket notifications and replication tasks: one row per (object change, matching rule),
 * inserted in the transaction that commits the change, deleted once its target acknowledged the
 * message, or kept as `dead` after the retry bound (visible in the console, retryable).
 */
@Entity('event_outbox')
@Index('idx_event_outbox_target', ['state', 'targetId', 'seq'])
export class EventOutboxEntity {
  /** Commit order: a target receives its messages in this order. */
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq!: number;

  /** The delivery queue: `<bucket>/<rule id>` for a console target, `arn:<name>` for a server target, `replication:<bucket>/<rule id>`. */
  @Column({ name: 'target_id', type: 'varchar', length: 600 })
  targetId!: string;

  @Column({ name: 'bucket_name', type: 'varchar', length: 63 })
  bucketName!: string;

  @Column({ name: 'rule_id', type: 'varchar', length: 255 })
  ruleId!: string;

  @Column({ name: 'object_key', type: 'text' })
  objectKey!: string;

  @Column({ name: 'event_name', type: 'varchar', length: 64 })
  eventName!: string;

  /** The target as configured when the change committed. */
  @Column({ type: 'text', transformer: jsonText })
  target!: OutboxTarget;

  /** The message as sent (`{"Records":[…]}`), or a ReplicationTask as JSON. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'varchar', length: 8 })
  state!: OutboxState;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: bigintNumber })
  nextAttemptAt!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
