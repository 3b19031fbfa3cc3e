import { Body, ConflictException, Delete, Get, HttpCode, NotFoundException, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { BucketInfo, BucketsService } from '../../buckets/buckets.service';
import { AclGrant, AclPermission, cannedAclGrants } from '../../iam/acl/acl';
import { parsePolicy } from '../../iam/policy/parse-policy';
import { UsersService, UserView } from '../../iam/users.service';
import { AclViews, grantsOfRequest } from '../acl-views';
import { AUDIT_ACTION as A } from '../console.constants';
import { Audit, ConsoleController } from '../decorators';
import { CreatePermissionDto, PermissionLevel, PutAclDto, UpdatePermissionDto } from '../dto/bucket-config.dto';
import { PageQueryDto } from '../dto/pagination.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { ConsoleRequest, noteAudit } from '../http/console-request';
import { ok, paged, paginate } from '../http/responses';
import { StorageAccess } from '../storage-access';
import { STORAGE_AUDIT_ACTION as SA, STORAGE_AUDIT_RESOURCE as R } from '../storage.constants';

/** The ACL grants of each permission level. */
const LEVEL_GRANTS: Record<PermissionLevel, AclPermission[]> = {
  read: ['READ'],
  write: ['READ', 'WRITE'],
  full_control: ['FULL_CONTROL'],
  READ: ['READ'],
  WRITE: ['WRITE'],
  READ_ACP: ['READ_ACP'],
  WRITE_ACP: ['WRITE_ACP'],
  FULL_CONTROL: ['FULL_CONTROL'],
};

/** The level a user's grants amount to. */
function levelOf(perms: readonly AclPermission[]): string {
  if (perms.includes('FULL_CONTROL')) return 'full_control';
  if (perms.includes('WRITE')) return 'write';
  if (perms.includes('READ')) return 'read';
  return perms[0]?.toLowerCase() ?? 'none';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Who may use a bucket: per-user permissions (ACL grants to users of the bucket's tenant, which the
 * S3 authorizer honours for users with identity policies), the raw ACL, and the bucket policy.
 */
@ConsoleController('buckets', 'bucket-access')
export class BucketAccessController {
  constructor(
    private readonly buckets: BucketsService,
    private readonly users: UsersService,
    private readonly acls: AclViews,
    private readonly storage: StorageAccess,
  ) {}

  // ---- permissions ----

  @Get(':name/permissions')
  @ApiOperation({ summary: "Users' permissions on the bucket (ACL grants to users of its tenant)" })
  async listPermissions(@Req() req: ConsoleRequest, @Param('name') name: string, @Query() q: PageQueryDto) {
    await this.storage.bucket(req, name, 's3:GetBucketAcl');
    const { items, pagination } = paginate(await this.permissions(name), q.page, q.page_size);
    return paged(items, pagination, { permissions: items });
  }

  @Post(':name/permissions')
  @Audit(R.bucketConfig, SA.grant)
  @ApiOperation({ summary: 'Grant a user of the bucket’s tenant read, write or full_control (409 if they have a permission: PUT it)' })
  async addPermission(@Req() req: ConsoleRequest, @Param('name') name: string, @Body() dto: CreatePermissionDto) {
    const bucket = await this.storage.bucket(req, name, 's3:PutBucketAcl');
    const who = dto.user_id ?? dto.username;
    if (who === undefined) throw new ConsoleValidationError({ user_id: ['user_id (or username) is required'] });
    const user = await this.grantee(bucket, who);
    if ((await this.permissions(name)).some((x) => x.user_id === user.id)) {
      throw new ConflictException(`${user.username} already has a permission on ${name}: update it with PUT`);
    }
    await this.setUserGrants(bucket, user.id, LEVEL_GRANTS[dto.permission]);
    noteAudit(req, { details: { user: user.username, permission: dto.permission } });
    const entry = (await this.permissions(name)).find((x) => x.user_id === user.id)!;
    return ok(entry, { permission: entry });
  }

  @Put(':name/permissions/:id')
  @Audit(R.bucketConfig, A.update)
  @ApiOperation({ summary: "Change a user's permission (id: the user id or username)" })
  async updatePermission(
    @Req() req: ConsoleRequest,
    @Param('name') name: string,
    @Param('id') id: string,
    @Body() dto: UpdatePermissionDto,
  ) {
    const bucket = await this.storage.bucket(req, name, 's3:PutBucketAcl');
    const entry = await this.permissionOf(name, id);
    await this.setUserGrants(bucket, entry.user_id, LEVEL_GRANTS[dto.permission]);
    const updated = (await this.permissions(name)).find((x) => x.user_id === entry.user_id)!;
    return ok(updated, { permission: updated });
  }

  @Delete(':name/permissions/:id')
  @HttpCode(204)
  @Audit(R.bucketConfig, A.delete)
  @ApiOperation({ summary: "Remove a user's permission (204)" })
  async removePermission(@Req() req: ConsoleRequest, @Param('name') name: string, @Param('id') id: string): Promise<void> {
    const bucket = await this.storage.bucket(req, name, 's3:PutBucketAcl');
    const entry = await this.permissionOf(name, id);
    await this.setUserGrants(bucket, entry.user_id, []);
  }

  // ---- ACL ----

  @Get(':name/acl')
  @ApiOperation({ summary: 'The bucket ACL: owner and grants' })
  async getAcl(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:GetBucketAcl');
    const { ownerId, grants } = await this.buckets.getAcl(name);
    return ok(await this.acls.dto(ownerId, grants));
  }

  @Put(':name/acl')
  @Audit(R.bucketConfig, A.update)
  @ApiOperation({ summary: 'Replace the bucket ACL: { "acl": "<canned>" } or { "grants": [...] }' })
  async putAcl(@Req() req: ConsoleRequest, @Param('name') name: string, @Body() dto: PutAclDto) {
    await this.storage.bucket(req, name, 's3:PutBucketAcl');
    const { ownerId } = await this.buckets.getAcl(name);
    await this.buckets.setAcl(name, await this.acls.resolve(grantsOfRequest(dto, ownerId)));
    const after = await this.buckets.getAcl(name);
    return ok(await this.acls.dto(after.ownerId, after.grants));
  }

  // ---- policy ----

  @Get(':name/policy')
  @ApiOperation({ summary: 'The bucket policy (Strix: { "policy": { … } }); 404 when none' })
  async getPolicy(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:GetBucketPolicy');
    const policy = JSON.parse(await this.buckets.getPolicy(name)) as Record<string, unknown>;
    return ok({ policy }, { policy });
  }

  @Put(':name/policy')
  @Audit(R.bucketConfig, A.update)
  @ApiBody({ description: 'The policy document (Strix), or { "policy": { … } }', schema: { type: 'object' } })
  @ApiOperation({ summary: 'Set the bucket policy (validated as S3 validates it: 400 MalformedPolicy with the reason)' })
  async putPolicy(@Req() req: ConsoleRequest, @Param('name') name: string, @Body() body: Record<string, unknown>) {
    await this.storage.bucket(req, name, 's3:PutBucketPolicy');
    if (!isObject(body)) throw new ConsoleValidationError({ policy: ['the body must be a policy document (a JSON object)'] });
    const wrapped = isObject(body.policy) && Object.keys(body).length === 1;
    const document = wrapped ? (body.policy as Record<string, unknown>) : body;
    const text = JSON.stringify(document);
    parsePolicy(text, 'bucket', { bucket: name }); // MalformedPolicy (400) with the reason
    await this.buckets.setPolicy(name, text);
    return ok({ policy: document }, { policy: document });
  }

  @Delete(':name/policy')
  @HttpCode(204)
  @Audit(R.bucketConfig, A.delete)
  @ApiOperation({ summary: 'Remove the bucket policy (204)' })
  async deletePolicy(@Req() req: ConsoleRequest, @Param('name') name: string): Promise<void> {
    await this.storage.bucket(req, name, 's3:DeleteBucketPolicy');
    await this.buckets.setPolicy(name, null);
  }

  /** The per-user permissions: the bucket's grants to users other than its owner, grouped by user. */
  private async permissions(bucket: string) {
    const { ownerId, grants } = await this.buckets.getAcl(bucket);
    const byUser = new Map<string, AclPermission[]>();
    for (const g of grants ?? []) {
      if (g.grantee.type !== 'CanonicalUser' || g.grantee.id === ownerId) continue;
      byUser.set(g.grantee.id, [...(byUser.get(g.grantee.id) ?? []), g.permission]);
    }
    const out = [];
    for (const [userId, perms] of byUser) {
      const user = await this.users.get(userId).catch(() => null);
      out.push({
        id: userId,
        bucket,
        user_id: userId,
        username: user?.username ?? null,
        permission: levelOf(perms),
        acl_permissions: perms,
      });
    }
    return out.sort((a, b) => (a.username ?? a.user_id).localeCompare(b.username ?? b.user_id));
  }

  private async permissionOf(bucket: string, idOrName: string) {
    const entry = (await this.permissions(bucket)).find((x) => x.user_id === idOrName || x.username === idOrName);
    if (!entry) throw new NotFoundException(`${idOrName} has no permission on ${bucket}`);
    return entry;
  }

  /** A user that may receive a grant on the bucket: one of its tenant's users, not its owner. */
  private async grantee(bucket: BucketInfo, idOrName: string): Promise<UserView> {
    const user = await this.users.get(idOrName);
    if (user.tenantId !== bucket.tenantId) {
      throw new ConsoleValidationError({ user_id: [`${user.username} is not a user of the bucket’s tenant`] });
    }
    if (user.id === bucket.ownerId) throw new ConsoleValidationError({ user_id: [`${user.username} owns the bucket`] });
    return user;
  }

  /** Replaces a user's grants (none = remove), keeping every other grant; a private bucket keeps its owner's FULL_CONTROL. */
  private async setUserGrants(bucket: BucketInfo, userId: string, perms: AclPermission[]): Promise<void> {
    const { ownerId, grants } = await this.buckets.getAcl(bucket.name);
    const kept = (grants ?? cannedAclGrants('private', ownerId)).filter(
      (g) => g.grantee.type !== 'CanonicalUser' || g.grantee.id !== userId,
    );
    const added: AclGrant[] = perms.map((permission) => ({ grantee: { type: 'CanonicalUser', id: userId }, permission }));
    await this.buckets.setAcl(bucket.name, [...kept, ...added]);
  }
}
