import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Bucket controls: object ownership and the public access block, read with the cached bucket row on every request. */
export class BucketControls1764450000000 implements MigrationInterface {
  name = 'BucketControls1764450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('buckets', new TableColumn({ name: 'object_ownership', type: 'varchar', length: '32', isNullable: true }));
    await q.addColumn('buckets', new TableColumn({ name: 'public_access_block', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('buckets', 'public_access_block');
    await q.dropColumn('buckets', 'object_ownership');
  }
}
