import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Encryption at rest: how an object / an upload is encrypted, and the wrapped data key of each upload part. */
export class Encryption1764200000000 implements MigrationInterface {
  name = 'Encryption1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('objects', new TableColumn({ name: 'sse', type: 'text', isNullable: true }));
    await q.addColumn('multipart_uploads', new TableColumn({ name: 'sse', type: 'text', isNullable: true }));
    await q.addColumn('upload_parts', new TableColumn({ name: 'data_key', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('upload_parts', 'data_key');
    await q.dropColumn('multipart_uploads', 'sse');
    await q.dropColumn('objects', 'sse');
  }
}
