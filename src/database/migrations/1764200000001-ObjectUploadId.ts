import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** The multipart upload a version was completed from, so that CompleteMultipartUpload is idempotent (S3). */
export class ObjectUploadId1764200000001 implements MigrationInterface {
  name = 'ObjectUploadId1764200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('objects', new TableColumn({ name: 'upload_id', type: 'varchar', length: '128', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('objects', 'upload_id');
  }
}
