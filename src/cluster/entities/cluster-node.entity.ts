import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/column-transformers';

/** A node's membership: `active` takes part; `left` stays registered but gets no new buckets. */
export type ClusterNodeStatus = 'active' | 'left';
/** `healthy`: heartbeating; `unhealthy`: no heartbeat within the bound (marked by another node); `unknown`: never heard of yet. */
export type ClusterNodeHealth = 'healthy' | 'unhealthy' | 'unknown';

/** One row per node of the cluster; each node writes its own row at boot and on every heartbeat. */
@Entity('cluster_nodes')
export class ClusterNodeEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  /** URL of its S3 API. */
  @Column({ name: 's3_endpoint', type: 'varchar', length: 512 })
  s3Endpoint!: string;

  /** URL other nodes call (internal routes, forwarded requests). */
  @Column({ name: 'internal_endpoint', type: 'varchar', length: 512 })
  internalEndpoint!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  zone!: string;

  @Column({ name: 'capacity_bytes', type: 'bigint', default: 0, transformer: bigintNumber })
  capacityBytes!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: ClusterNodeStatus;

  @Column({ type: 'varchar', length: 16 })
  health!: ClusterNodeHealth;

  /** Epoch ms of the last heartbeat (database clock); null until the node first runs. */
  @Column({ name: 'last_heartbeat', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastHeartbeat!: number | null;

  /** When the running process registered (epoch ms). */
  @Column({ name: 'started_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  startedAt!: number | null;

  /** Round trip of the last probe by another node (POST /cluster/health/refresh), in ms. */
  @Column({ name: 'latency_ms', type: 'integer', nullable: true })
  latencyMs!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}
