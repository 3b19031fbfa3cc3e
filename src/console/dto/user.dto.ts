import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import type { UserRole, UserStatus } from '../../iam/entities/user.entity';
import { ROLES, type UserView } from '../../iam/users.service';
import { PageQueryDto } from './pagination.dto';

const STATUSES: UserStatus[] = ['active', 'inactive'];

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only the users of this tenant (id or name); global admins only' })
  @IsOptional()
  @IsString()
  tenant_id?: string;
}

/** MaxIOFS `{username, password, email, roles, tenantId}` or Strix `{username}` (which also creates a first access key). */
export class CreateUserDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  username!: string;

  @ApiPropertyOptional({ description: 'Console password (PASSWORD_MIN_LENGTH); without one the user gets an access key instead (Strix)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: UserRole;

  @ApiPropertyOptional({ enum: ROLES, isArray: true, description: 'MaxIOFS form of role (the first one counts)' })
  @IsOptional()
  @IsArray()
  @IsIn(ROLES, { each: true })
  roles?: UserRole[];

  @ApiPropertyOptional({ description: 'Tenant id or name (a tenant admin can only create in their own)' })
  @IsOptional()
  @IsString()
  tenant_id?: string;

  @ApiPropertyOptional({ description: 'Alias of tenant_id' })
  @IsOptional()
  @IsString()
  tenantId?: string;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: UserStatus;

  @ApiPropertyOptional({ description: 'Create a first access key (default: when no password is given)' })
  @IsOptional()
  @IsBoolean()
  create_access_key?: boolean;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: UserRole;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(ROLES, { each: true })
  roles?: UserRole[];

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: UserStatus;
}

export class ChangePasswordDto {
  @ApiPropertyOptional({ description: 'The new password' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  new_password?: string;

  @ApiPropertyOptional({ description: 'Alias of new_password (MaxIOFS)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  newPassword?: string;

  @ApiPropertyOptional({ description: 'Alias of new_password' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ description: 'Needed to change your own password' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  current_password?: string;

  @ApiPropertyOptional({ description: 'Alias of current_password (MaxIOFS)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  currentPassword?: string;
}

export class SetUserStatusDto {
  @ApiProperty({ enum: STATUSES })
  @IsIn(STATUSES)
  status!: UserStatus;
}

/** A user in responses: the MaxIOFS fields plus Strix's `username`, `arn`, `created_at`, `status`, `policies`. */
export interface UserDto {
  id: string;
  username: string;
  arn: string;
  email: string | null;
  role: UserRole;
  roles: UserRole[];
  status: UserStatus;
  tenant_id: string | null;
  tenant_name: string | null;
  policies: string[];
  two_factor_enabled: boolean;
  locked: boolean;
  locked_until: string | null;
  failed_login_attempts: number;
  last_login_at: string | null;
  created_at: string;
}

export function toUserDto(u: UserView, now = Date.now()): UserDto {
  const locked = u.lockedUntil !== null && u.lockedUntil.getTime() > now;
  return {
    id: u.id,
    username: u.username,
    arn: u.arn,
    email: u.email,
    role: u.role,
    roles: [u.role],
    status: u.status,
    tenant_id: u.tenantId,
    tenant_name: u.tenantName,
    policies: u.policies,
    two_factor_enabled: u.twoFactorEnabled,
    locked,
    locked_until: locked ? u.lockedUntil!.toISOString() : null,
    failed_login_attempts: u.failedLogins,
    last_login_at: u.lastLoginAt?.toISOString() ?? null,
    created_at: u.createdAt.toISOString(),
  };
}
