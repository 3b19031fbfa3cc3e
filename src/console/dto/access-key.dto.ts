import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { AccessKeyView, CreatedAccessKey } from '../../iam/users.service';
import { PageQueryDto } from './pagination.dto';

export class ListAccessKeysQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only the keys of this user (id or username)' })
  @IsOptional()
  @IsString()
  user_id?: string;

  @ApiPropertyOptional({ description: 'Only the keys of this tenant (id or name); global admins only' })
  @IsOptional()
  @IsString()
  tenant_id?: string;
}

/** POST /access-keys: for yourself by default, or for a user you manage. Migrations may give the pair. */
export class CreateAccessKeyDto {
  @ApiPropertyOptional({ description: 'The owner (id or username); default: the caller' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  user_id?: string;

  @ApiPropertyOptional({ description: 'Alias of user_id (MaxIOFS)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  userId?: string;

  @ApiPropertyOptional({ description: 'Alias of user_id' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  username?: string;

  @ApiPropertyOptional({ description: 'Keep this access key id (migrating from another S3 server)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  access_key_id?: string;

  @ApiPropertyOptional({ description: 'With access_key_id: its secret' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  secret_access_key?: string;
}

/** An access key in responses (Strix field names; `id` too). Never the secret, except at creation. */
export interface AccessKeyDto {
  id: string;
  access_key_id: string;
  user_id: string;
  username: string;
  status: string;
  created_at: string;
  last_used_at: string | null;
}

export interface CreatedAccessKeyDto extends AccessKeyDto {
  secret_access_key: string;
}

export function toAccessKeyDto(k: AccessKeyView): AccessKeyDto {
  return {
    id: k.accessKeyId,
    access_key_id: k.accessKeyId,
    user_id: k.userId,
    username: k.username,
    status: k.status,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
  };
}

export function toCreatedAccessKeyDto(k: CreatedAccessKey): CreatedAccessKeyDto {
  return { ...toAccessKeyDto(k), secret_access_key: k.secretKey };
}
