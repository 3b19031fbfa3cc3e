import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Cluster replication (src/cluster): rules (bucket → target nodes) and the queue of copies to
 * make, written in the transaction of each object change. Created on SQLite too (unused there:
 * cluster mode is PostgreSQL only).
 */
export class ClusterReplication1764520000000 implements MigrationInterface {
  name = 'ClusterReplication1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'cluster_replication_rules',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'bucket_name', type: 'varchar', length: '63' },
          { name: 'target_node_ids', type: 'text' },
          { name: 'prefix', type: 'varchar', length: '1024', default: "''" },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'replicate_deletes', type: 'boolean', default: true },
          { name: 'sync_interval_seconds', type: 'integer', default: 0 },
          { name: 'last_sync_at', type: 'bigint', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'idx_cluster_replication_rules_bucket', columnNames: ['bucket_name'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'cluster_replication_queue',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'rule_id', type: 'varchar', length: '36' },
          { name: 'bucket_name', type: 'varchar', length: '63' },
          { name: 'object_key', type: 'text' },
          { name: 'version_id', type: 'varchar', length: '64' },
          { name: 'op', type: 'varchar', length: '8' },
          { name: 'blob_ids', type: 'text' },
          { name: 'target_node_id', type: 'varchar', length: '64' },
          { name: 'attempts', type: 'integer' },
          { name: 'next_attempt_at', type: 'bigint' },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [
          new TableIndex({ name: 'idx_cluster_replication_queue_due', columnNames: ['next_attempt_at'] }),
          new TableIndex({ name: 'idx_cluster_replication_queue_target', columnNames: ['bucket_name', 'target_node_id'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('cluster_replication_queue');
    await q.dropTable('cluster_replication_rules');
  }
}
