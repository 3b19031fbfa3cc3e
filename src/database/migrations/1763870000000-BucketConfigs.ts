import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Bucket configuration documents (CORS, tagging, lifecycle) and the lifecycle worker's per-bucket lease and cursor. */
export class BucketConfigs1763870000000 implements MigrationInterface {
  name = 'BucketConfigs1763870000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'bucket_configs',
        columns: [
          { name: 'bucket_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16', isPrimary: true },
          { name: 'document', type: 'text' },
          { name: 'updated_at', type: 'bigint' },
        ],
        // The lifecycle worker walks the buckets that have a lifecycle configuration.
        indices: [new TableIndex({ name: 'idx_bucket_configs_kind', columnNames: ['kind', 'bucket_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'lifecycle_progress',
        columns: [
          { name: 'bucket_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'lease_owner', type: 'varchar', length: '64', isNullable: true },
          { name: 'lease_until', type: 'bigint', default: '0' },
          { name: 'cursor', type: 'text', isNullable: true },
          { name: 'last_completed_at', type: 'bigint', isNullable: true },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('lifecycle_progress');
    await q.dropTable('bucket_configs');
  }
}
