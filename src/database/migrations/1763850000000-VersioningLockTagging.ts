import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { LEGACY_VERSION_ORDER } from '../../objects/version-id';

const lockColumns = () => [
  new TableColumn({ name: 'tags', type: 'text', isNullable: true }),
  new TableColumn({ name: 'lock_mode', type: 'varchar', length: '16', isNullable: true }),
  new TableColumn({ name: 'lock_retain_until', type: 'bigint', isNullable: true }),
  new TableColumn({ name: 'legal_hold', type: 'boolean', isNullable: true }),
];

/**
 * Versioning, object lock and object tagging: the version order of each row (newest first), tags,
 * retention and legal hold on objects and pending uploads, the bucket's default retention, and the
 * indexes for ListObjects (delete markers skipped by the index: equality on is_latest and is_delete_marker, then key order), ListObjectVersions (keyset on
 * key + version order) and "one latest row per key" (a partial unique index, on both databases).
 */
export class VersioningLockTagging1763850000000 implements MigrationInterface {
  name = 'VersioningLockTagging1763850000000';

  async up(q: QueryRunner): Promise<void> {
    // Version orders are hex compared in byte order: COLLATE "C" on PostgreSQL, as for keys.
    const collation = q.connection.options.type === 'postgres' ? 'C' : undefined;
    await q.addColumns('objects', [
      // Rows written before this migration are the only (null) version of their key: oldest.
      new TableColumn({ name: 'version_order', type: 'varchar', length: '32', default: `'${LEGACY_VERSION_ORDER}'`, collation }),
      ...lockColumns(),
    ]);
    await q.dropIndex('objects', 'idx_objects_bucket_latest_key');
    await q.createIndex(
      'objects',
      new TableIndex({ name: 'idx_objects_bucket_listing', columnNames: ['bucket_id', 'is_latest', 'is_delete_marker', 'key'] }),
    );
    await q.createIndex(
      'objects',
      new TableIndex({ name: 'idx_objects_bucket_key_order', columnNames: ['bucket_id', 'key', 'version_order'], isUnique: true }),
    );
    await q.createIndex(
      'objects',
      new TableIndex({ name: 'idx_objects_one_latest', columnNames: ['bucket_id', 'key'], isUnique: true, where: '"is_latest" = true' }),
    );
    await q.addColumn('buckets', new TableColumn({ name: 'object_lock_rule', type: 'text', isNullable: true }));
    await q.addColumns('multipart_uploads', lockColumns());
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of lockColumns()) await q.dropColumn('multipart_uploads', c.name);
    await q.dropColumn('buckets', 'object_lock_rule');
    await q.dropIndex('objects', 'idx_objects_one_latest');
    await q.dropIndex('objects', 'idx_objects_bucket_key_order');
    await q.dropIndex('objects', 'idx_objects_bucket_listing');
    await q.createIndex(
      'objects',
      new TableIndex({ name: 'idx_objects_bucket_latest_key', columnNames: ['bucket_id', 'is_latest', 'key'] }),
    );
    for (const c of lockColumns()) await q.dropColumn('objects', c.name);
    await q.dropColumn('objects', 'version_order');
  }
}
