import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';

/** Where the lifecycle worker is in a bucket's pass: a phase and the last key (upload, version) done. */
export interface LifecycleCursor {
  phase: 'uploads' | 'objects' | 'versions';
  key?: string;
  uploadId?: string;
  versionId?: string;
  /** versions phase: when the last version seen of `key` was created (it made the next one noncurrent). */
  successorTime?: number;
  /** versions phase: how many noncurrent versions of `key` came before. */
  noncurrentSeen?: number;
}

/**
 * The lifecycle worker's state per bucket: who works on it (a lease, so that several nodes never
 * work on one bucket at once) and how far the current pass got (so that it resumes after a crash).
 */
@Entity('lifecycle_progress')
export class LifecycleProgressEntity {
  @PrimaryColumn({ name: 'bucket_id', type: 'varchar', length: 36 })
  bucketId!: string;

  /** The node holding the lease, null when free. */
  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  /** Epoch ms after which the lease may be taken over. */
  @Column({ name: 'lease_until', type: 'bigint', transformer: bigintNumber, default: 0 })
  leaseUntil!: number;

  /** null: no pass in progress (the next one starts from the beginning). */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  cursor!: LifecycleCursor | null;

  @Column({ name: 'last_completed_at', type: 'bigint', transformer: bigintNumber, nullable: true })
  lastCompletedAt!: number | null;
}
