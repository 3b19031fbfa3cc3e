import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/column-transformers';
import type { UserRole } from '../../iam/entities/user.entity';

/** An external group (OIDC group claim value, LDAP group DN or name) → a role in a tenant. */
@Entity('idp_group_mappings')
export class GroupMappingEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'provider_id', type: 'varchar', length: 36 })
  providerId!: string;

  @Column({ name: 'external_group', type: 'varchar', length: 512 })
  externalGroup!: string;

  @Column({ name: 'external_group_name', type: 'varchar', length: 256, nullable: true })
  externalGroupName!: string | null;

  @Column({ type: 'varchar', length: 16 })
  role!: UserRole;

  /** null only for role admin (global admins belong to no tenant). */
  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true })
  tenantId!: string | null;

  /** Among mappings of the same role, the higher priority wins (then the older mapping). */
  @Column({ type: 'integer', default: 0 })
  priority!: number;

  @Column({ name: 'last_synced_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastSyncedAt!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}
