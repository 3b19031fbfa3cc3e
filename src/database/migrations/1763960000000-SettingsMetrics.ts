import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Runtime settings changed from their defaults, and the metrics sampler's snapshots (GET /api/v1/metrics/history). */
export class SettingsMetrics1763960000000 implements MigrationInterface {
  name = 'SettingsMetrics1763960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'settings',
        columns: [
          { name: 'key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'value', type: 'text' },
          { name: 'updated_at', type: 'bigint' },
          { name: 'updated_by', type: 'varchar', length: '128', isNullable: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'metric_snapshots',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'time', type: 'bigint' },
          { name: 'node', type: 'varchar', length: '128' },
          { name: 'data', type: 'text' },
        ],
        // History queries are time ranges; the retention purge walks by time.
        indices: [new TableIndex({ name: 'idx_metric_snapshots_time', columnNames: ['time'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('metric_snapshots');
    await q.dropTable('settings');
  }
}
