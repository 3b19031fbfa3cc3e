import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Tenants with quotas and usage counters, users' tenant and password, inline user policies, bucket policy and ACLs. */
export class Tenancy1763800000000 implements MigrationInterface {
  name = 'Tenancy1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'tenants',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '64', isUnique: true },
          { name: 'status', type: 'varchar', length: '16', default: "'active'" },
          { name: 'max_bytes', type: 'bigint', isNullable: true },
          { name: 'max_buckets', type: 'integer', isNullable: true },
          { name: 'max_objects', type: 'bigint', isNullable: true },
          { name: 'used_bytes', type: 'bigint', default: '0' },
          { name: 'used_objects', type: 'bigint', default: '0' },
          { name: 'created_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_policies',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '128', isPrimary: true },
          { name: 'document', type: 'text' },
          { name: 'created_at', type: 'bigint' },
        ],
      }),
    );
    await q.addColumns('users', [
      new TableColumn({ name: 'tenant_id', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'email', type: 'varchar', length: '254', isNullable: true }),
      new TableColumn({ name: 'password_hash', type: 'varchar', length: '128', isNullable: true }),
    ]);
    await q.createIndex('users', new TableIndex({ name: 'idx_users_tenant', columnNames: ['tenant_id'] }));
    await q.addColumns('buckets', [
      new TableColumn({ name: 'tenant_id', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'policy', type: 'text', isNullable: true }),
      new TableColumn({ name: 'acl', type: 'text', isNullable: true }),
    ]);
    await q.createIndex('buckets', new TableIndex({ name: 'idx_buckets_tenant', columnNames: ['tenant_id'] }));
    await q.addColumn('objects', new TableColumn({ name: 'acl', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('objects', 'acl');
    await q.dropIndex('buckets', 'idx_buckets_tenant');
    for (const c of ['acl', 'policy', 'tenant_id']) await q.dropColumn('buckets', c);
    await q.dropIndex('users', 'idx_users_tenant');
    for (const c of ['password_hash', 'email', 'tenant_id']) await q.dropColumn('users', c);
    await q.dropTable('user_policies');
    await q.dropTable('tenants');
  }
}
