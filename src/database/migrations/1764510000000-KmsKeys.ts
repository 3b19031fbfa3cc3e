import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * SSE-KMS: the keys of the built-in key manager (their material wrapped by the master key), the
 * server secrets that must survive a master-key rotation, and the account-level (tenant) public
 * access block.
 */
export class KmsKeys1764510000000 implements MigrationInterface {
  name = 'KmsKeys1764510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'kms_keys',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'alias', type: 'varchar', length: '256', isNullable: true, isUnique: true },
          { name: 'description', type: 'varchar', length: '1024', isNullable: true },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'is_default', type: 'boolean', default: false },
          { name: 'created_at', type: 'bigint' },
          { name: 'rotated_at', type: 'bigint', isNullable: true },
          { name: 'material', type: 'text' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'wrapped_secrets',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'wrapped', type: 'text' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.addColumn('tenants', new TableColumn({ name: 'public_access_block', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('tenants', 'public_access_block');
    await q.dropTable('wrapped_secrets');
    await q.dropTable('kms_keys');
  }
}
