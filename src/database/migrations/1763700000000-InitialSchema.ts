import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

const id = (name = 'id', length = 36): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isPrimary: true });
const big = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const str = (name: string, length: number, nullable = false, dflt?: string): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
  default: dflt === undefined ? undefined : `'${dflt}'`,
});
const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const bool = (name: string, dflt: boolean): TableColumnOptions => ({ name, type: 'boolean', default: dflt ? 'true' : 'false' });

/** Users, access keys, buckets, objects, multipart uploads and the blob registry. */
export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(q: QueryRunner): Promise<void> {
    // Object keys must sort in byte order: COLLATE "C" on PostgreSQL; SQLite's BINARY already does.
    const keyCollation = q.connection.options.type === 'postgres' ? 'C' : undefined;
    const key: TableColumnOptions = { name: 'key', type: 'varchar', length: '1024', collation: keyCollation };

    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          id(),
          { ...str('username', 128), isUnique: true },
          str('role', 16),
          str('status', 16, false, 'active'),
          big('created_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'access_keys',
        columns: [
          id('access_key_id', 128),
          str('user_id', 36),
          text('secret_enc'),
          str('status', 16, false, 'active'),
          big('created_at'),
          big('last_used_at', true),
        ],
        indices: [new TableIndex({ name: 'idx_access_keys_user', columnNames: ['user_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'buckets',
        columns: [
          id(),
          { ...str('name', 63), isUnique: true },
          str('owner_id', 36),
          str('region', 64),
          big('created_at'),
          bool('object_lock_enabled', false),
          str('versioning', 16, true),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'objects',
        columns: [
          id(),
          str('bucket_id', 36),
          key,
          str('version_id', 64, false, 'null'),
          bool('is_latest', true),
          bool('is_delete_marker', false),
          big('size'),
          str('etag', 64),
          text('metadata'),
          text('checksums', true),
          text('manifest'),
          { name: 'part_count', type: 'integer', isNullable: true },
          str('storage_class', 32, false, 'STANDARD'),
          str('owner_id', 36),
          big('last_modified'),
        ],
        indices: [
          new TableIndex({ name: 'idx_objects_bucket_key_version', columnNames: ['bucket_id', 'key', 'version_id'], isUnique: true }),
          new TableIndex({ name: 'idx_objects_bucket_latest_key', columnNames: ['bucket_id', 'is_latest', 'key'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'multipart_uploads',
        columns: [
          id('upload_id', 64),
          str('bucket_id', 36),
          key,
          big('initiated'),
          str('owner_id', 36),
          text('metadata'),
          str('checksum_algorithm', 16, true),
          str('checksum_type', 16, true),
          str('storage_class', 32, false, 'STANDARD'),
        ],
        indices: [new TableIndex({ name: 'idx_uploads_bucket_key', columnNames: ['bucket_id', 'key', 'initiated'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'upload_parts',
        columns: [
          id('upload_id', 64),
          { name: 'part_number', type: 'integer', isPrimary: true },
          str('etag', 64),
          big('size'),
          str('blob_id', 64),
          text('checksums', true),
          big('last_modified'),
        ],
      }),
    );
    await q.createTable(new Table({ name: 'blobs', columns: [id('id', 64), big('size'), big('created_at')] }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['blobs', 'upload_parts', 'multipart_uploads', 'objects', 'buckets', 'access_keys', 'users']) {
      await q.dropTable(t);
    }
  }
}
