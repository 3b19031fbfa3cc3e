import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min, ValidateIf } from 'class-validator';
import type { TenantStatus } from '../../tenants/entities/tenant.entity';
import type { TenantProfile, TenantQuotas, TenantStats, TenantView } from '../../tenants/tenants.service';

const STATUSES: TenantStatus[] = ['active', 'suspended'];

/**
 * Quotas: a whole number >= 0, or null for unlimited (on update); and what people read. Each field
 * may also be sent in camelCase (`displayName`, `maxAccessKeys`), as MaxIOFS's console does
 * (http/field-names.ts renames it); the quota aliases below predate that and stay declared.
 */
class TenantQuotasDto {
  @ApiPropertyOptional({ nullable: true, description: 'A name for people (MaxIOFS displayName); null clears it' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(255)
  display_name?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(1024)
  description?: string | null;

  @ApiPropertyOptional({ nullable: true, description: "Access keys of all the tenant's users together; null = unlimited" })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  max_access_keys?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'Bytes the tenant may store; null = unlimited' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  max_storage_bytes?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  maxStorageBytes?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  max_buckets?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  maxBuckets?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  max_objects?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  maxObjects?: number | null;
}

export class CreateTenantDto extends TenantQuotasDto {
  @ApiProperty({ description: '1-63 lowercase letters, digits and hyphens' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(63)
  name!: string;
}

export class UpdateTenantDto extends TenantQuotasDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: TenantStatus;
}

/** The quota fields of a body, aliases merged; undefined = not given (unchanged). */
export function quotasOf(dto: TenantQuotasDto): TenantQuotas {
  const pick = (a: number | null | undefined, b: number | null | undefined) => (a !== undefined ? a : b);
  const q: TenantQuotas = {};
  const bytes = pick(dto.max_storage_bytes, dto.maxStorageBytes);
  const buckets = pick(dto.max_buckets, dto.maxBuckets);
  const objects = pick(dto.max_objects, dto.maxObjects);
  if (bytes !== undefined) q.maxBytes = bytes;
  if (buckets !== undefined) q.maxBuckets = buckets;
  if (objects !== undefined) q.maxObjects = objects;
  if (dto.max_access_keys !== undefined) q.maxAccessKeys = dto.max_access_keys;
  return q;
}

/** The display name and description of a body; undefined = not given (unchanged). */
export function profileOf(dto: TenantQuotasDto): TenantProfile {
  const p: TenantProfile = {};
  if (dto.display_name !== undefined) p.displayName = dto.display_name;
  if (dto.description !== undefined) p.description = dto.description;
  return p;
}

export interface TenantDto {
  id: string;
  name: string;
  display_name: string | null;
  description: string | null;
  status: TenantStatus;
  max_storage_bytes: number | null;
  max_buckets: number | null;
  max_objects: number | null;
  max_access_keys: number | null;
  used_storage_bytes: number;
  used_objects: number;
  created_at: string;
}

/** bigint counters may arrive as strings (a PostgreSQL default returned by INSERT … RETURNING skips the column transformer). */
const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toTenantDto(t: TenantView): TenantDto {
  return {
    id: t.id,
    name: t.name,
    display_name: t.displayName,
    description: t.description,
    status: t.status,
    max_storage_bytes: num(t.maxBytes),
    max_buckets: num(t.maxBuckets),
    max_objects: num(t.maxObjects),
    max_access_keys: num(t.maxAccessKeys),
    used_storage_bytes: Number(t.usedBytes),
    used_objects: Number(t.usedObjects),
    created_at: t.createdAt.toISOString(),
  };
}

export interface TenantStatsDto {
  tenant_id: string;
  name: string;
  bucket_count: number;
  user_count: number;
  access_key_count: number;
  object_count: number;
  storage_bytes: number;
  max_storage_bytes: number | null;
  max_buckets: number | null;
  max_objects: number | null;
  /** Share of each quota in use, 0–100; null without a quota. */
  storage_used_percent: number | null;
  buckets_used_percent: number | null;
  objects_used_percent: number | null;
}

const percent = (used: number, max: number | null): number | null =>
  max === null ? null : max === 0 ? 100 : Math.round((used / max) * 10000) / 100;

export function toTenantStatsDto(s: TenantStats): TenantStatsDto {
  const t = s.tenant;
  return {
    tenant_id: t.id,
    name: t.name,
    bucket_count: s.buckets,
    user_count: s.users,
    access_key_count: s.accessKeys,
    object_count: t.usedObjects,
    storage_bytes: t.usedBytes,
    max_storage_bytes: t.maxBytes,
    max_buckets: t.maxBuckets,
    max_objects: t.maxObjects,
    storage_used_percent: percent(t.usedBytes, t.maxBytes),
    buckets_used_percent: percent(s.buckets, t.maxBuckets),
    objects_used_percent: percent(t.usedObjects, t.maxObjects),
  };
}
