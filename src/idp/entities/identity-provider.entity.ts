import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';
import type { IdpType, LdapSettings, OidcSettings } from '../idp-config';

/** Counts of the last sync, or its error. */
export type SyncSummary = Record<string, number | string | null>;

export type IdpStatus = 'active' | 'inactive';

/**
 * An external identity provider: an OpenID Connect issuer (console SSO) or an LDAP / Active
 * Directory server. Non-secret settings are JSON in `config`; the one secret (OIDC client secret
 * or LDAP bind password) is sealed with the master key in `secret_enc`.
 */
@Entity('identity_providers')
export class IdentityProviderEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 128, unique: true })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: IdpType;

  @Column({ type: 'varchar', length: 16 })
  status!: IdpStatus;

  /** The tenant the provider belongs to (its mappings stay inside it); null = global. */
  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true })
  tenantId!: string | null;

  @Column({ type: 'text', transformer: jsonText })
  config!: OidcSettings | LdapSettings;

  @Column({ name: 'secret_enc', type: 'text', nullable: true })
  secretEnc!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;

  @Column({ name: 'last_sync_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastSyncAt!: number | null;

  /** JSON summary of the last sync (counts, error). */
  @Column({ name: 'last_sync_result', type: 'text', nullable: true, transformer: jsonText })
  lastSyncResult!: SyncSummary | null;
}
