import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Identity providers (OIDC, LDAP), their group mappings, users' links to external accounts, and OIDC login states/tickets. */
export class IdentityProviders1764100000000 implements MigrationInterface {
  name = 'IdentityProviders1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'identity_providers',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '128', isUnique: true },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'tenant_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'config', type: 'text' },
          { name: 'secret_enc', type: 'text', isNullable: true },
          { name: 'created_by', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
          { name: 'last_sync_at', type: 'bigint', isNullable: true },
          { name: 'last_sync_result', type: 'text', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'idx_identity_providers_tenant', columnNames: ['tenant_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'idp_group_mappings',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'provider_id', type: 'varchar', length: '36' },
          { name: 'external_group', type: 'varchar', length: '512' },
          { name: 'external_group_name', type: 'varchar', length: '256', isNullable: true },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'tenant_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'priority', type: 'integer', default: '0' },
          { name: 'last_synced_at', type: 'bigint', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'uq_idp_group_mappings_group', columnNames: ['provider_id', 'external_group'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'idp_external_identities',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'provider_id', type: 'varchar', length: '36' },
          { name: 'subject', type: 'varchar', length: '512' },
          { name: 'user_id', type: 'varchar', length: '36', isUnique: true },
          { name: 'external_username', type: 'varchar', length: '256' },
          { name: 'email', type: 'varchar', length: '254', isNullable: true },
          { name: 'groups', type: 'text' },
          { name: 'role_source', type: 'varchar', length: '16', default: "'mappings'" },
          { name: 'sync_disabled', type: 'boolean', default: 'false' },
          { name: 'last_login_at', type: 'bigint', isNullable: true },
          { name: 'last_sync_at', type: 'bigint', isNullable: true },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'uq_idp_external_identities_subject', columnNames: ['provider_id', 'subject'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'oauth_states',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'provider_id', type: 'varchar', length: '36' },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'nonce', type: 'varchar', length: '128', isNullable: true },
          { name: 'code_verifier_enc', type: 'text', isNullable: true },
          { name: 'browser_binding', type: 'varchar', length: '64', isNullable: true },
          { name: 'redirect_uri', type: 'varchar', length: '1024', isNullable: true },
          { name: 'return_to', type: 'varchar', length: '1024', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'expires_at', type: 'bigint' },
        ],
        // Expired records are purged by expiry.
        indices: [new TableIndex({ name: 'idx_oauth_states_expires', columnNames: ['expires_at'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('oauth_states');
    await q.dropTable('idp_external_identities');
    await q.dropTable('idp_group_mappings');
    await q.dropTable('identity_providers');
  }
}
