import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { ObjectView } from '../../objects/objects.service';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../console.constants';
import { MAX_BULK_DELETE_KEYS } from '../storage.constants';

/** "true" / "false" of a query string as a boolean (anything else stays, and fails @IsBoolean). */
export const queryBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Keyset pages: `page_size` (1-1000) and the `continuation_token` of the previous page. */
export class ContinuationQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  page_size: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ description: 'next_continuation_token of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  continuation_token?: string;
}

export class ListObjectsQueryDto extends ContinuationQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) prefix?: string;
  @ApiPropertyOptional({ description: 'Usually "/": keys below it are rolled up into common_prefixes' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  delimiter?: string;
  @ApiPropertyOptional({ description: 'Start after this key (S3 marker / start-after)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  marker?: string;
}

export class SearchObjectsQueryDto extends ContinuationQueryDto {
  @ApiPropertyOptional({ description: 'Keys starting with this (the scan is limited to them)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  prefix?: string;
  @ApiPropertyOptional({ description: 'Keys containing this, without regard to case' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  name?: string;
  @ApiPropertyOptional({ description: 'Alias of name' }) @IsOptional() @IsString() @MaxLength(1024) contains?: string;
  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) min_size?: number;
  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) max_size?: number;
  @ApiPropertyOptional({ description: 'ISO 8601' }) @IsOptional() @IsISO8601() modified_after?: string;
  @ApiPropertyOptional({ description: 'ISO 8601' }) @IsOptional() @IsISO8601() modified_before?: string;
  @ApiPropertyOptional({ description: 'Content-Type, or a prefix of it ending with "/" (image/)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  content_type?: string;
  @ApiPropertyOptional({ description: 'Object tags that must all be present: key=value, comma-separated (a key alone: any value)' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  tags?: string;
}

export class VersionQueryDto {
  @ApiPropertyOptional({ description: 'A specific version (default: the current one)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  versionId?: string;

  @ApiPropertyOptional({ description: 'Alias of versionId' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  version_id?: string;
}

export class RestoreVersionDto {
  @ApiProperty({ description: 'The version copied to a new current version' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  version_id!: string;
}

export class DownloadQueryDto extends VersionQueryDto {
  @ApiPropertyOptional({ description: 'false: Content-Disposition inline instead of attachment' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  download?: boolean;
}

export class DeleteObjectQueryDto extends VersionQueryDto {
  @ApiPropertyOptional({ description: 'Remove a version under a GOVERNANCE retention (needs s3:BypassGovernanceRetention)' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  bypass_governance?: boolean;
}

export class ObjectVersionsQueryDto extends ContinuationQueryDto {}

export class ObjectTagDto {
  @ApiProperty() @IsString() @MaxLength(128) Key!: string;
  @ApiProperty() @IsString() @MaxLength(256) Value!: string;
}

export class LegalHoldDto {
  @ApiPropertyOptional({ enum: ['ON', 'OFF'] })
  @IsOptional()
  @IsIn(['ON', 'OFF'])
  status?: 'ON' | 'OFF';

  @ApiPropertyOptional({ description: 'Alias: true = ON' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'Alias: true = ON' })
  @IsOptional()
  @IsBoolean()
  legal_hold?: boolean;
}

/** An object version's tags: `{ "tags": { k: v } }` or `{ "TagSet": [{ Key, Value }] }` (up to 10, S3's rules). */
export class ObjectTaggingDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  tags?: Record<string, string>;

  @ApiPropertyOptional({ type: [ObjectTagDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ObjectTagDto)
  TagSet?: ObjectTagDto[];
}

/** An object version's retention; `mode: null` removes it (a GOVERNANCE one needs bypass_governance). */
export class ObjectRetentionDto {
  @ApiPropertyOptional({ enum: ['GOVERNANCE', 'COMPLIANCE'], nullable: true })
  @IsOptional()
  @IsIn(['GOVERNANCE', 'COMPLIANCE', null])
  mode?: 'GOVERNANCE' | 'COMPLIANCE' | null;

  @ApiPropertyOptional({ description: 'ISO 8601, in the future' })
  @IsOptional()
  @IsISO8601()
  retain_until?: string;

  @ApiPropertyOptional({ description: 'Shorten or remove a GOVERNANCE retention (needs s3:BypassGovernanceRetention)' })
  @IsOptional()
  @IsBoolean()
  bypass_governance?: boolean;
}

export class BulkDeleteEntryDto {
  @ApiProperty() @IsString() @MaxLength(1024) key!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) version_id?: string;
}

/** Strix `{ "keys": [...] }`, or `{ "objects": [{ key, version_id }] }` for versions. */
export class BulkDeleteDto {
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_BULK_DELETE_KEYS)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  keys?: string[];

  @ApiPropertyOptional({ type: [BulkDeleteEntryDto] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_BULK_DELETE_KEYS)
  @ValidateNested({ each: true })
  @Type(() => BulkDeleteEntryDto)
  objects?: BulkDeleteEntryDto[];
}

/** An object (version) in responses: MaxIOFS fields (`last_modified`, `content_type`). */
export interface ObjectDto {
  key: string;
  size: number;
  etag: string;
  last_modified: string;
  content_type: string | null;
  storage_class: string;
  version_id: string;
  is_latest: boolean;
  is_delete_marker: boolean;
  owner_id: string;
  metadata: Record<string, string>;
  tag_count: number;
  retention: { mode: string; retain_until: string } | null;
  legal_hold: boolean | null;
  checksums: Record<string, string> | null;
  part_count: number | null;
}

export function toObjectDto(o: ObjectView): ObjectDto {
  const { type: _type, ...checksums } = o.checksums ?? {};
  return {
    key: o.key,
    size: o.size,
    etag: o.etag,
    last_modified: o.lastModified.toISOString(),
    content_type: o.isDeleteMarker ? null : (o.metadata.headers['content-type'] ?? null),
    storage_class: o.storageClass,
    version_id: o.versionId,
    is_latest: o.isLatest,
    is_delete_marker: o.isDeleteMarker,
    owner_id: o.ownerId,
    metadata: { ...o.metadata.user },
    tag_count: o.tagCount,
    retention: o.retention ? { mode: o.retention.mode, retain_until: new Date(o.retention.retainUntil).toISOString() } : null,
    legal_hold: o.legalHold,
    checksums: o.checksums ? (checksums as Record<string, string>) : null,
    part_count: o.partCount,
  };
}
