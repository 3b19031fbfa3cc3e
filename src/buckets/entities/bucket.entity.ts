import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';
import type { AclGrant } from '../../iam/acl/acl';
import type { DefaultRetention } from '../../objects/object-lock';
import type { ObjectOwnership, PublicAccessBlock } from '../bucket-controls';

@Entity('buckets')
export class BucketEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 63, unique: true })
  name!: string;

  @Column({ name: 'owner_id', type: 'varchar', length: 36 })
  ownerId!: string;

  @Column({ type: 'varchar', length: 64 })
  region!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'object_lock_enabled', type: 'boolean', default: false })
  objectLockEnabled!: boolean;

  /** The owning tenant; null for buckets of global users. */
  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true })
  tenantId!: string | null;

  /** Bucket policy JSON (validated on write), or null. */
  @Column({ type: 'text', nullable: true })
  policy!: string | null;

  /** Access control list: grants as JSON (see iam/acl), null = private (owner only). */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  acl!: AclGrant[] | null;

  /** Object lock default retention rule ({ mode, days | years }), null when none. */
  @Column({ name: 'object_lock_rule', type: 'text', nullable: true, transformer: jsonText })
  objectLockRule!: DefaultRetention | null;

  /** null = never versioned; 'Enabled' | 'Suspended' once set. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  versioning!: 'Enabled' | 'Suspended' | null;

  /** Cluster mode: the node that holds the bucket's bytes (cluster_nodes.id); null on a single node. */
  @Column({ name: 'node_id', type: 'varchar', length: 64, nullable: true })
  nodeId!: string | null;

  /** Cluster mode: writes are refused (503, Retry-After) until this epoch ms: the bucket is switching nodes. */
  @Column({ name: 'write_fence', type: 'bigint', nullable: true, transformer: bigintNumber })
  writeFence!: number | null;

  /** S3 Object Ownership (ownership controls); null = never set (objects owned by their writer, ACLs on). */
  @Column({ name: 'object_ownership', type: 'varchar', length: 32, nullable: true })
  objectOwnership!: ObjectOwnership | null;

  /** Public access block flags, null = none set. */
  @Column({ name: 'public_access_block', type: 'text', nullable: true, transformer: jsonText })
  publicAccessBlock!: PublicAccessBlock | null;
}
