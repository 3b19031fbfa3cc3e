import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';

export type ClusterReplicationOp = 'put' | 'delete';

/**
 * The cluster replication queue: one row per (object change, target node), inserted in the
 * transaction that commits the change (so an acknowledged write always has its copy queued),
 * taken by the bucket owner's worker with FOR UPDATE SKIP LOCKED and deleted once the target
 * holds the bytes (or has dropped them). Failures are retried with backoff, without bound: the
 * row stays pending (and counted) until the target takes it or the rule stops naming it.
 */
@Entity('cluster_replication_queue')
@Index('idx_cluster_replication_queue_due', ['nextAttemptAt'])
@Index('idx_cluster_replication_queue_target', ['bucketName', 'targetNodeId'])
export class ClusterReplicationTaskEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'rule_id', type: 'varchar', length: 36 })
  ruleId!: string;

  @Column({ name: 'bucket_name', type: 'varchar', length: 63 })
  bucketName!: string;

  @Column({ name: 'object_key', type: 'text' })
  objectKey!: string;

  /** put: the version whose bytes are copied ('null' for the null version). */
  @Column({ name: 'version_id', type: 'varchar', length: 64 })
  versionId!: string;

  @Column({ type: 'varchar', length: 8 })
  op!: ClusterReplicationOp;

  /** delete (or a put replacing a version): the blobs whose copies the target drops. */
  @Column({ name: 'blob_ids', type: 'text', transformer: jsonText })
  blobIds!: string[];

  @Column({ name: 'target_node_id', type: 'varchar', length: 64 })
  targetNodeId!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: bigintNumber })
  nextAttemptAt!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
