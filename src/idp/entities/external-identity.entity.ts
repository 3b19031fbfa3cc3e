import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';

/** How a linked user's role and tenant are decided: by the group mappings, or set by hand at import. */
export type RoleSource = 'mappings' | 'manual';

/**
 * The link between a local user (no password) and an account of an identity provider: the OIDC
 * `sub`, or the LDAP entry's DN. One local user has at most one link.
 */
@Entity('idp_external_identities')
export class ExternalIdentityEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'provider_id', type: 'varchar', length: 36 })
  providerId!: string;

  @Column({ type: 'varchar', length: 512 })
  subject!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36, unique: true })
  userId!: string;

  @Column({ name: 'external_username', type: 'varchar', length: 256 })
  externalUsername!: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  /** The groups seen at the last login or sync. */
  @Column({ type: 'text', transformer: jsonText })
  groups!: string[];

  @Column({ name: 'role_source', type: 'varchar', length: 16, default: 'mappings' })
  roleSource!: RoleSource;

  /** Set when a sync deactivated the user (gone from the directory, or no mapped group left); a later sync that finds them again reactivates them. */
  @Column({ name: 'sync_disabled', type: 'boolean', default: false })
  syncDisabled!: boolean;

  @Column({ name: 'last_login_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastLoginAt!: number | null;

  @Column({ name: 'last_sync_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastSyncAt!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
