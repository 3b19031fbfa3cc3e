import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PublicAccessBlock } from '../../buckets/bucket-controls';
import { bigintNumber, jsonText } from '../../database/column-transformers';

export type TenantStatus = 'active' | 'suspended';

/** An isolated namespace of users, keys and buckets, with quotas and exact usage counters. */
@Entity('tenants')
export class TenantEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  name!: string;

  /** Free text for people (MaxIOFS `displayName`); null = the name. */
  @Column({ name: 'display_name', type: 'varchar', length: 255, nullable: true })
  displayName!: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: TenantStatus;

  /** null = unlimited */
  @Column({ name: 'max_bytes', type: 'bigint', nullable: true, transformer: bigintNumber })
  maxBytes!: number | null;

  @Column({ name: 'max_buckets', type: 'integer', nullable: true })
  maxBuckets!: number | null;

  /** Access keys of the tenant's users, all together; null = unlimited. */
  @Column({ name: 'max_access_keys', type: 'integer', nullable: true })
  maxAccessKeys!: number | null;

  @Column({ name: 'max_objects', type: 'bigint', nullable: true, transformer: bigintNumber })
  maxObjects!: number | null;

  /** Bytes stored by the tenant's objects (every version), kept in the write transactions. */
  @Column({ name: 'used_bytes', type: 'bigint', default: 0, transformer: bigintNumber })
  usedBytes!: number;

  @Column({ name: 'used_objects', type: 'bigint', default: 0, transformer: bigintNumber })
  usedObjects!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  /** Account-level public access block (S3 PutPublicAccessBlock of S3 Control): applies to every bucket of the tenant, OR-ed with the bucket's own. */
  @Column({ name: 'public_access_block', type: 'text', nullable: true, transformer: jsonText })
  publicAccessBlock!: PublicAccessBlock | null;
}
