import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/column-transformers';

/** A change of a node's health or membership (GET /api/v1/cluster/health/history). */
@Entity('cluster_health_events')
export class ClusterHealthEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'node_id', type: 'varchar', length: 64 })
  nodeId!: string;

  /** healthy | unhealthy | registered | joined | left | removed | added */
  @Column({ type: 'varchar', length: 16 })
  event!: string;

  /** The node that observed it (e.g. the one that marked another unhealthy). */
  @Column({ name: 'observed_by', type: 'varchar', length: 64 })
  observedBy!: string;

  @Column({ type: 'varchar', length: 512, default: '' })
  detail!: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  at!: number;
}
