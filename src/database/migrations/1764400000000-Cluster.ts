import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * The node registry, its health history and each bucket's owner node (src/cluster). Created on
 * SQLite too (unused there: cluster mode is PostgreSQL only).
 */
export class Cluster1764400000000 implements MigrationInterface {
  name = 'Cluster1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'cluster_nodes',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'name', type: 'varchar', length: '128' },
          { name: 's3_endpoint', type: 'varchar', length: '512' },
          { name: 'internal_endpoint', type: 'varchar', length: '512' },
          { name: 'zone', type: 'varchar', length: '64', default: "''" },
          { name: 'capacity_bytes', type: 'bigint', default: '0' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'health', type: 'varchar', length: '16' },
          { name: 'last_heartbeat', type: 'bigint', isNullable: true },
          { name: 'started_at', type: 'bigint', isNullable: true },
          { name: 'latency_ms', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'cluster_health_events',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'node_id', type: 'varchar', length: '64' },
          { name: 'event', type: 'varchar', length: '16' },
          { name: 'observed_by', type: 'varchar', length: '64' },
          { name: 'detail', type: 'varchar', length: '512', default: "''" },
          { name: 'at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'idx_cluster_health_events_at', columnNames: ['at'] })],
      }),
    );
    await q.addColumn('buckets', new TableColumn({ name: 'node_id', type: 'varchar', length: '64', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('buckets', 'node_id');
    await q.dropTable('cluster_health_events');
    await q.dropTable('cluster_nodes');
  }
}
