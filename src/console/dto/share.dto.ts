import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { ShareView } from '../../shares/shares.service';
import { MAX_SHARE_SECONDS } from '../storage.constants';
import { queryBoolean } from './object.dto';
import { PageQueryDto } from './pagination.dto';

export class CreateShareDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(63) bucket!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1024) key!: string;

  @ApiPropertyOptional({ description: 'Share this version (default: whatever version is current at download time)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  version_id?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SHARE_SECONDS, description: 'Seconds until the link expires (default 7 days)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SHARE_SECONDS)
  expires_in?: number;

  @ApiPropertyOptional({ description: 'Alias of expires_in (MaxIOFS)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SHARE_SECONDS)
  expiresIn?: number;

  @ApiPropertyOptional({ description: 'Or: when the link expires (ISO 8601)' })
  @IsOptional()
  @IsISO8601()
  expires_at?: string;

  @ApiPropertyOptional({ minimum: 1, description: 'Refuse downloads after this many (default: unlimited)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  max_downloads?: number;
}

export class ListSharesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only the links of this bucket' }) @IsOptional() @IsString() @MaxLength(63) bucket?: string;

  @ApiPropertyOptional({ description: 'Only this tenant (id or name); global admins only' })
  @IsOptional()
  @IsString()
  tenant_id?: string;

  @ApiPropertyOptional({ description: 'Also revoked, expired and used-up links' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  include_inactive?: boolean;
}

export interface ShareDto {
  id: string;
  bucket: string;
  key: string;
  version_id: string | null;
  tenant_id: string | null;
  created_by: string;
  created_by_username: string;
  created_at: string;
  expires_at: string;
  max_downloads: number | null;
  download_count: number;
  last_download_at: string | null;
  revoked_at: string | null;
  status: string;
  active: boolean;
}

export function toShareDto(s: ShareView): ShareDto {
  return {
    id: s.id,
    bucket: s.bucket,
    key: s.key,
    version_id: s.versionId,
    tenant_id: s.tenantId,
    created_by: s.createdBy,
    created_by_username: s.createdByUsername,
    created_at: s.createdAt.toISOString(),
    expires_at: s.expiresAt.toISOString(),
    max_downloads: s.maxDownloads,
    download_count: s.downloadCount,
    last_download_at: s.lastDownloadAt?.toISOString() ?? null,
    revoked_at: s.revokedAt?.toISOString() ?? null,
    status: s.status,
    active: s.status === 'active',
  };
}
