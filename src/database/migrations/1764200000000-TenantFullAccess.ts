import { Logger } from '@nestjs/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access default became deny (least privilege). Until now a tenant user with no policy could do
 * anything with its tenant's buckets; so that nothing it relies on breaks silently, every such user
 * gets that access spelled out as an inline policy named `tenant-full-access` (detach it to reduce
 * the user to what its other policies, bucket policies and ACLs grant). Users created from now on
 * start with nothing.
 */
// Frozen copies (a migration must not change when the code does); equal to iam/policy/builtin-policies.ts today.
const TENANT_FULL_ACCESS_POLICY_NAME = 'tenant-full-access';
const TENANT_FULL_ACCESS_JSON =
  '{"Version":"2012-10-17","Statement":[{"Sid":"TenantFullAccess","Effect":"Allow","Action":"s3:*","Resource":"*"}]}';

export class TenantFullAccess1764200000000 implements MigrationInterface {
  name = 'TenantFullAccess1764200000000';

  async up(q: QueryRunner): Promise<void> {
    const users: Array<{ id: string; username: string }> = await q.manager
      .createQueryBuilder()
      .select('u.id', 'id')
      .addSelect('u.username', 'username')
      .from('users', 'u')
      .where('u.role = :role', { role: 'user' })
      .andWhere('u.tenant_id IS NOT NULL')
      .andWhere('NOT EXISTS (SELECT 1 FROM user_policies p WHERE p.user_id = u.id)')
      .orderBy('u.username')
      .getRawMany();
    if (users.length === 0) return;
    const now = Date.now();
    // Placeholders are the one driver difference of this INSERT.
    const sql =
      q.connection.options.type === 'postgres'
        ? 'INSERT INTO user_policies (user_id, name, document, created_at) VALUES ($1, $2, $3, $4)'
        : 'INSERT INTO user_policies (user_id, name, document, created_at) VALUES (?, ?, ?, ?)';
    for (const u of users) await q.query(sql, [u.id, TENANT_FULL_ACCESS_POLICY_NAME, TENANT_FULL_ACCESS_JSON, now]);
    new Logger('Migration').warn(
      `least-privilege access: attached policy "${TENANT_FULL_ACCESS_POLICY_NAME}" to ${users.length} tenant user(s) ` +
        `that had no policy, keeping their full access to their tenant's buckets: ${users.map((u) => u.username).join(', ')}. ` +
        `Detach it (npm run admin -- policy detach <user> ${TENANT_FULL_ACCESS_POLICY_NAME}) to restrict a user.`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.manager
      .createQueryBuilder()
      .delete()
      .from('user_policies')
      .where('name = :name AND document = :document', { name: TENANT_FULL_ACCESS_POLICY_NAME, document: TENANT_FULL_ACCESS_JSON })
      .execute();
  }
}
