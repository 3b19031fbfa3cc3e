import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Tenants as MaxIOFS describes them: a display name, a description and an access-key quota (null = unlimited). */
export class TenantProfile1764250000000 implements MigrationInterface {
  name = 'TenantProfile1764250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('tenants', [
      new TableColumn({ name: 'display_name', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'description', type: 'varchar', length: '1024', isNullable: true }),
      new TableColumn({ name: 'max_access_keys', type: 'integer', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('tenants', ['display_name', 'description', 'max_access_keys']);
  }
}
