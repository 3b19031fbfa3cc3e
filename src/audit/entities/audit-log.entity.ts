import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';

export type AuditStatus = 'success' | 'failure' | 'denied';

/** One audit record: who did what to which resource, from where, and how it ended. */
@Entity('audit_logs')
export class AuditLogEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Epoch ms. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  time!: number;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true })
  tenantId!: string | null;

  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  username!: string | null;

  @Column({ name: 'source_ip', type: 'varchar', length: 64, nullable: true })
  sourceIp!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 32, nullable: true })
  resourceType!: string | null;

  @Column({ name: 'resource_name', type: 'varchar', length: 1024, nullable: true })
  resourceName!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: AuditStatus;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  /** Free-form JSON object (never secrets or request bodies). */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  details!: Record<string, unknown> | null;
}
