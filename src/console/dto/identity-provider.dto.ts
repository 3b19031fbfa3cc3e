import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import type { UserRole } from '../../iam/entities/user.entity';
import type { IdpStatus } from '../../idp/entities/identity-provider.entity';
import type { GroupMappingView, IdentityProviderView } from '../../idp/identity-providers.service';
import type { LdapAccount, LdapGroup } from '../../idp/ldap/ldap-directory';

const TYPES = ['oidc', 'ldap', 'oauth2'];
const STATUSES: IdpStatus[] = ['active', 'inactive'];
const ROLES: UserRole[] = ['admin', 'tenant-admin', 'user'];

export class CreateIdentityProviderDto {
  @ApiProperty({ example: 'corp-sso' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name!: string;

  @ApiProperty({ enum: TYPES, description: 'oidc (OpenID Connect; oauth2 is an alias) or ldap' })
  @IsIn(TYPES)
  type!: string;

  @ApiPropertyOptional({ enum: STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: IdpStatus;

  @ApiPropertyOptional({
    description: "Tenant (id or name) the provider belongs to; empty = global. A tenant admin's providers are always their tenant's",
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  tenant_id?: string | null;

  @ApiPropertyOptional({ description: 'Alias of tenant_id' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  tenantId?: string | null;

  @ApiProperty({
    description:
      'Settings of the type (flat, or nested as { oidc: {...} } / { oauth2: {...} } / { ldap: {...} }). See README "Single sign-on". The secret (client_secret / bind_password) is write-only',
    type: 'object',
    additionalProperties: true,
  })
  @IsObject()
  config!: Record<string, unknown>;
}

export class UpdateIdentityProviderDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name?: string;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: IdpStatus;

  @ApiPropertyOptional({
    description: 'Settings to change (others are kept); a secret given replaces the stored one, null clears it',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;
}

export class CreateGroupMappingDto {
  @ApiProperty({ description: 'Group claim value (OIDC) or group DN or name (LDAP)', example: 'storage-admins' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  external_group!: string;

  @ApiPropertyOptional({ description: 'A readable name for the group' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(256)
  external_group_name?: string | null;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: UserRole;

  @ApiPropertyOptional({ description: "Tenant (id or name) the users join; none for admin; defaults to the provider's tenant" })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  tenant_id?: string | null;

  @ApiPropertyOptional({ description: 'Alias of tenant_id' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  tenantId?: string | null;

  @ApiPropertyOptional({ description: 'Among matching mappings of the same role, the higher priority decides the tenant', default: 0 })
  @IsOptional()
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority?: number;
}

export class UpdateGroupMappingDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  external_group?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(256)
  external_group_name?: string | null;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: UserRole;

  @ApiPropertyOptional()
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  tenant_id?: string | null;

  @ApiPropertyOptional({ description: 'Alias of tenant_id' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  tenantId?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority?: number;
}

export class DirectorySearchDto {
  @ApiPropertyOptional({ description: 'Substring of the username, email or name (user search) or of the group name; empty = all' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  query?: string;

  @ApiPropertyOptional({ description: 'Alias of query' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  q?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class ImportUserDto {
  @ApiPropertyOptional({ description: 'Username in the directory (or give external_id, the DN)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  username?: string;

  @ApiPropertyOptional({ description: 'The DN of the user entry' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  external_id?: string;

  @ApiPropertyOptional({
    description: 'Several users: [{ "username": … } | { "external_id": … }] (MaxIOFS shape)',
    type: 'array',
    items: { type: 'object' },
  })
  @IsOptional()
  @IsArray()
  users?: Array<Record<string, unknown>>;

  @ApiPropertyOptional({
    enum: ROLES,
    description: 'Set the role by hand (then syncs leave role and tenant alone); default: from the group mappings',
  })
  @IsOptional()
  @IsIn(ROLES)
  role?: UserRole;

  @ApiPropertyOptional({ description: 'Tenant (id or name) with role' })
  @IsOptional()
  @IsString()
  tenant_id?: string;
}

export function toIdentityProviderDto(v: IdentityProviderView) {
  const secretField = v.type === 'oidc' ? 'has_client_secret' : 'has_bind_password';
  return {
    id: v.id,
    name: v.name,
    type: v.type,
    status: v.status,
    tenant_id: v.tenantId,
    tenant_name: v.tenantName,
    config: { ...v.config, [secretField]: v.hasSecret },
    created_by: v.createdBy,
    created_at: v.createdAt.toISOString(),
    updated_at: v.updatedAt.toISOString(),
    last_sync_at: v.lastSyncAt?.toISOString() ?? null,
    last_sync_result: v.lastSyncResult,
    group_mappings: v.mappings,
    linked_users: v.users,
  };
}

export function toGroupMappingDto(v: GroupMappingView) {
  return {
    id: v.id,
    provider_id: v.providerId,
    external_group: v.externalGroup,
    external_group_name: v.externalGroupName,
    role: v.role,
    tenant_id: v.tenantId,
    tenant_name: v.tenantName,
    priority: v.priority,
    last_synced_at: v.lastSyncedAt?.toISOString() ?? null,
    created_at: v.createdAt.toISOString(),
    updated_at: v.updatedAt.toISOString(),
  };
}

export function toDirectoryUserDto(a: LdapAccount, linkedUserId: string | null) {
  return {
    external_id: a.dn,
    dn: a.dn,
    username: a.username,
    email: a.email,
    display_name: a.displayName,
    groups: a.groups,
    linked_user_id: linkedUserId,
  };
}

export function toDirectoryGroupDto(g: LdapGroup) {
  return { external_id: g.dn, dn: g.dn, name: g.name, member_count: g.memberCount };
}
