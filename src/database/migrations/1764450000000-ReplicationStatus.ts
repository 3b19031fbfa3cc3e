import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** objects.replication_status: x-amz-replication-status of a version a replication rule covers (src/replication). */
export class ReplicationStatus1764450000000 implements MigrationInterface {
  name = 'ReplicationStatus1764450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('objects', new TableColumn({ name: 'replication_status', type: 'varchar', length: '16', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('objects', 'replication_status');
  }
}
