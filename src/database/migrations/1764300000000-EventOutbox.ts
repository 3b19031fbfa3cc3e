import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** The transactional outbox of bucket notifications (src/events): one row per message to deliver. */
export class EventOutbox1764300000000 implements MigrationInterface {
  name = 'EventOutbox1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'event_outbox',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'target_id', type: 'varchar', length: '600' },
          { name: 'bucket_name', type: 'varchar', length: '63' },
          { name: 'rule_id', type: 'varchar', length: '255' },
          { name: 'object_key', type: 'text' },
          { name: 'event_name', type: 'varchar', length: '64' },
          { name: 'target', type: 'text' },
          { name: 'payload', type: 'text' },
          { name: 'state', type: 'varchar', length: '8' },
          { name: 'attempts', type: 'integer' },
          { name: 'next_attempt_at', type: 'bigint' },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'created_at', type: 'bigint' },
        ],
        // The dispatcher reads each target's pending rows in commit order.
        indices: [new TableIndex({ name: 'idx_event_outbox_target', columnNames: ['state', 'target_id', 'seq'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('event_outbox');
  }
}
