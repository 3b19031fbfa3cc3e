import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/column-transformers';

/**
 * `pending` → `copying` (blobs streamed to the target, passes until the rest is small) →
 * `switching` (writes fenced, last blobs copied, owner switched in one transaction) → `cleanup`
 * (the source node deletes its copy once `cleanup_after` has passed) → `completed`; or `failed`.
 */
export type MigrationStatus = 'pending' | 'copying' | 'switching' | 'cleanup' | 'completed' | 'failed';
export const ACTIVE_MIGRATION: MigrationStatus[] = ['pending', 'copying', 'switching', 'cleanup'];

/** A bucket moving from one cluster node to another (GET /api/v1/cluster/migrations). */
@Entity('cluster_migrations')
export class ClusterMigrationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 63 })
  bucket!: string;

  @Column({ name: 'bucket_id', type: 'varchar', length: 36 })
  bucketId!: string;

  @Column({ name: 'source_node', type: 'varchar', length: 64 })
  sourceNode!: string;

  @Column({ name: 'target_node', type: 'varchar', length: 64 })
  targetNode!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: MigrationStatus;

  /** Delete the source node's copy once switched (false: leave it, e.g. for a manual check). */
  @Column({ name: 'delete_source', type: 'boolean', default: true })
  deleteSource!: boolean;

  /** Object versions (and delete markers) of the bucket at the last pass. */
  @Column({ name: 'objects_total', type: 'integer', default: 0 })
  objectsTotal!: number;

  /** Blobs (object parts and multipart upload parts) the bucket referenced at the last pass. */
  @Column({ name: 'blobs_total', type: 'integer', default: 0 })
  blobsTotal!: number;

  @Column({ name: 'blobs_copied', type: 'integer', default: 0 })
  blobsCopied!: number;

  @Column({ name: 'bytes_copied', type: 'bigint', default: 0, transformer: bigintNumber })
  bytesCopied!: number;

  /** Copy passes run (the first copies everything, the next ones catch up on writes made meanwhile). */
  @Column({ type: 'integer', default: 0 })
  passes!: number;

  /** How long writes were fenced for the owner switch. */
  @Column({ name: 'fenced_ms', type: 'integer', nullable: true })
  fencedMs!: number | null;

  @Column({ type: 'varchar', length: 1024, default: '' })
  error!: string;

  @Column({ name: 'requested_by', type: 'varchar', length: 128, default: '' })
  requestedBy!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;

  @Column({ name: 'started_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  startedAt!: number | null;

  @Column({ name: 'switched_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  switchedAt!: number | null;

  /** How long after the switch the source node deletes its copy. */
  @Column({ name: 'cleanup_delay_seconds', type: 'integer', default: 30 })
  cleanupDelaySeconds!: number;

  @Column({ name: 'cleanup_after', type: 'bigint', nullable: true, transformer: bigintNumber })
  cleanupAfter!: number | null;

  @Column({ name: 'completed_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  completedAt!: number | null;
}
