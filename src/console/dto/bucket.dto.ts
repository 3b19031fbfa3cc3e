import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { BucketUsage } from '../../buckets/bucket-stats.service';
import type { BucketInfo } from '../../buckets/buckets.service';
import { CANNED_ACLS, type CannedAcl } from '../../iam/acl/acl';
import type { DefaultRetention } from '../../objects/object-lock';
import { PageQueryDto } from './pagination.dto';

export class ListBucketsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only the buckets of this tenant (id or name); global admins only' })
  @IsOptional()
  @IsString()
  tenant_id?: string;

  @ApiPropertyOptional({ description: 'Only the buckets whose name starts with this' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  prefix?: string;
}

/** MaxIOFS `{ name, region, objectLock, versioning }` or Strix `{ name }`. */
export class CreateBucketDto {
  @ApiProperty({ description: 'S3 bucket name rules: 3-63 characters of lower-case letters, digits, dots and hyphens' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;

  @ApiPropertyOptional({ description: 'Default: the server region' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  region?: string;

  @ApiPropertyOptional({ description: 'Create with object lock (versioning is enabled with it, for good)' })
  @IsOptional()
  @IsBoolean()
  object_lock_enabled?: boolean;

  @ApiPropertyOptional({ description: 'Alias of object_lock_enabled (MaxIOFS)' })
  @IsOptional()
  @IsBoolean()
  objectLock?: boolean;

  @ApiPropertyOptional({ description: 'Enable versioning at creation' })
  @IsOptional()
  @IsBoolean()
  versioning_enabled?: boolean;

  @ApiPropertyOptional({ enum: ['Enabled', 'Suspended'], description: 'Alias of versioning_enabled (MaxIOFS)' })
  @IsOptional()
  @IsIn(['Enabled', 'Suspended'])
  versioning?: 'Enabled' | 'Suspended';

  @ApiPropertyOptional({ enum: CANNED_ACLS, description: 'A canned ACL (default private)' })
  @IsOptional()
  @IsIn(CANNED_ACLS)
  acl?: CannedAcl;
}

/** A bucket in responses: MaxIOFS fields plus Strix's `created_at`, `object_count`, `total_size`. */
export interface BucketDto {
  name: string;
  id: string;
  tenant_id: string | null;
  tenant_name: string | null;
  owner_id: string;
  owner: string;
  region: string;
  creation_date: string;
  created_at: string;
  /** Current objects and their bytes. */
  object_count: number;
  size: number;
  total_size: number;
  /** Every stored version (what the tenant is charged). */
  version_count: number;
  versions_size: number;
  versioning: 'Enabled' | 'Suspended' | null;
  versioning_enabled: boolean;
  object_lock_enabled: boolean;
  object_lock: { enabled: boolean; default_retention: { mode: string; days?: number; years?: number } | null } | null;
}

export function toBucketDto(
  b: BucketInfo,
  usage: BucketUsage,
  names: { owner: string; tenant: string | null },
  lock?: { defaultRetention: DefaultRetention | null } | null,
): BucketDto {
  return {
    name: b.name,
    id: b.id,
    tenant_id: b.tenantId,
    tenant_name: names.tenant,
    owner_id: b.ownerId,
    owner: names.owner,
    region: b.region,
    creation_date: b.createdAt.toISOString(),
    created_at: b.createdAt.toISOString(),
    object_count: usage.objects,
    size: usage.bytes,
    total_size: usage.bytes,
    version_count: usage.versions,
    versions_size: usage.versionBytes,
    versioning: b.versioning,
    versioning_enabled: b.versioning === 'Enabled',
    object_lock_enabled: b.objectLockEnabled,
    object_lock: b.objectLockEnabled
      ? { enabled: true, default_retention: lock?.defaultRetention ? { ...lock.defaultRetention } : null }
      : null,
  };
}
