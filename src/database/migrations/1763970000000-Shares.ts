import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Share links of the console (/api/v1/shares): public, revocable, expiring URLs for one object; tokens stored hashed. */
export class Shares1763970000000 implements MigrationInterface {
  name = 'Shares1763970000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'shares',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'bucket_id', type: 'varchar', length: '36' },
          { name: 'bucket_name', type: 'varchar', length: '63' },
          { name: 'object_key', type: 'varchar', length: '1024' },
          { name: 'version_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'tenant_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_by', type: 'varchar', length: '36' },
          { name: 'created_by_username', type: 'varchar', length: '64' },
          { name: 'created_at', type: 'bigint' },
          { name: 'expires_at', type: 'bigint' },
          { name: 'max_downloads', type: 'integer', isNullable: true },
          { name: 'download_count', type: 'integer', default: '0' },
          { name: 'last_download_at', type: 'bigint', isNullable: true },
          { name: 'revoked_at', type: 'bigint', isNullable: true },
        ],
        // Lists are newest first, for a tenant or for the user who created the links.
        indices: [
          new TableIndex({ name: 'idx_shares_tenant_created', columnNames: ['tenant_id', 'created_at'] }),
          new TableIndex({ name: 'idx_shares_creator_created', columnNames: ['created_by', 'created_at'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('shares');
  }
}
