import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';
import type { MetricSnapshotData } from '../metrics-snapshot';

/** One sample of the server's metrics, stored by the sampler for the history. */
@Entity('metric_snapshots')
@Index('idx_metric_snapshots_time', ['time'])
export class MetricSnapshotEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Epoch ms. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  time!: number;

  /** The process that took it (host name and pid): several nodes sample the same database. */
  @Column({ type: 'varchar', length: 128 })
  node!: string;

  @Column({ type: 'text', transformer: jsonText })
  data!: MetricSnapshotData;
}
