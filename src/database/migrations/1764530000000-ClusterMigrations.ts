import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Bucket migrations between cluster nodes (src/cluster/bucket-migration.service.ts): the
 * persisted migrations, and the write fence a bucket carries while its owner switches. Created on
 * SQLite too (unused there: cluster mode is PostgreSQL only).
 */
export class ClusterMigrations1764530000000 implements MigrationInterface {
  name = 'ClusterMigrations1764530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'cluster_migrations',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'bucket', type: 'varchar', length: '63' },
          { name: 'bucket_id', type: 'varchar', length: '36' },
          { name: 'source_node', type: 'varchar', length: '64' },
          { name: 'target_node', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'delete_source', type: 'boolean', default: true },
          { name: 'objects_total', type: 'integer', default: 0 },
          { name: 'blobs_total', type: 'integer', default: 0 },
          { name: 'blobs_copied', type: 'integer', default: 0 },
          { name: 'bytes_copied', type: 'bigint', default: '0' },
          { name: 'passes', type: 'integer', default: 0 },
          { name: 'fenced_ms', type: 'integer', isNullable: true },
          { name: 'error', type: 'varchar', length: '1024', default: "''" },
          { name: 'requested_by', type: 'varchar', length: '128', default: "''" },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
          { name: 'started_at', type: 'bigint', isNullable: true },
          { name: 'switched_at', type: 'bigint', isNullable: true },
          { name: 'cleanup_delay_seconds', type: 'integer', default: 30 },
          { name: 'cleanup_after', type: 'bigint', isNullable: true },
          { name: 'completed_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_cluster_migrations_target', columnNames: ['target_node', 'status'] }),
          new TableIndex({ name: 'idx_cluster_migrations_source', columnNames: ['source_node', 'status'] }),
          new TableIndex({ name: 'idx_cluster_migrations_bucket', columnNames: ['bucket_id'] }),
        ],
      }),
    );
    await q.addColumn('buckets', new TableColumn({ name: 'write_fence', type: 'bigint', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('buckets', 'write_fence');
    await q.dropTable('cluster_migrations');
  }
}
