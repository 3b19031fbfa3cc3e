import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Console login state of users (lockout, TOTP 2FA, backup codes), revoked console tokens, and the audit trail. */
export class ConsoleAuthAudit1763900000000 implements MigrationInterface {
  name = 'ConsoleAuthAudit1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('users', [
      new TableColumn({ name: 'failed_logins', type: 'integer', default: '0' }),
      new TableColumn({ name: 'locked_until', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'totp_secret_enc', type: 'text', isNullable: true }),
      new TableColumn({ name: 'totp_enabled', type: 'boolean', default: 'false' }),
      new TableColumn({ name: 'totp_backup_codes', type: 'text', isNullable: true }),
      new TableColumn({ name: 'last_login_at', type: 'bigint', isNullable: true }),
    ]);
    await q.createTable(
      new Table({
        name: 'revoked_tokens',
        columns: [
          { name: 'jti', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'expires_at', type: 'bigint' },
          { name: 'revoked_at', type: 'bigint' },
        ],
        // Expired revocations are purged by expiry.
        indices: [new TableIndex({ name: 'idx_revoked_tokens_expires', columnNames: ['expires_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_logs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'time', type: 'bigint' },
          { name: 'tenant_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'username', type: 'varchar', length: '128', isNullable: true },
          { name: 'source_ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '512', isNullable: true },
          { name: 'event_type', type: 'varchar', length: '64' },
          { name: 'resource_type', type: 'varchar', length: '32', isNullable: true },
          { name: 'resource_name', type: 'varchar', length: '1024', isNullable: true },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'request_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'details', type: 'text', isNullable: true },
        ],
        // Listing is newest first, globally or for one tenant; the retention purge walks by time.
        indices: [
          new TableIndex({ name: 'idx_audit_logs_time', columnNames: ['time'] }),
          new TableIndex({ name: 'idx_audit_logs_tenant_time', columnNames: ['tenant_id', 'time'] }),
          new TableIndex({ name: 'idx_audit_logs_user_time', columnNames: ['user_id', 'time'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_logs');
    await q.dropTable('revoked_tokens');
    for (const c of ['last_login_at', 'totp_backup_codes', 'totp_enabled', 'totp_secret_enc', 'locked_until', 'failed_logins']) {
      await q.dropColumn('users', c);
    }
  }
}
