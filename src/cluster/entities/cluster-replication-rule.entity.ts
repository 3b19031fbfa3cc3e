import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';

/** A bucket whose objects are copied to other nodes of the cluster (GET /api/v1/cluster/replication). */
@Entity('cluster_replication_rules')
@Index('idx_cluster_replication_rules_bucket', ['bucketName'])
export class ClusterReplicationRuleEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'bucket_name', type: 'varchar', length: 63 })
  bucketName!: string;

  /** The nodes that receive a copy of every object version (JSON array of node ids). */
  @Column({ name: 'target_node_ids', type: 'text', transformer: jsonText })
  targetNodeIds!: string[];

  /** Only keys starting with this are copied ('' = all). */
  @Column({ type: 'varchar', length: 1024, default: '' })
  prefix!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** Deleted versions' copies are dropped on the targets (otherwise the targets' orphan sweep does it later). */
  @Column({ name: 'replicate_deletes', type: 'boolean', default: true })
  replicateDeletes!: boolean;

  /** Kept for the reference's shape: with one shared catalog metadata is always the same on every node. */
  @Column({ name: 'sync_interval_seconds', type: 'integer', default: 0 })
  syncIntervalSeconds!: number;

  /** When the last initial sync (rule creation, bulk) queued the bucket's existing versions. */
  @Column({ name: 'last_sync_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastSyncAt!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}
