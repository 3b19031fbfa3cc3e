import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import type { ReplicationRule } from '../../buckets/replication-configuration';
import type { ReplicationRuleInput, ReplicationRuleStatus } from '../../replication/replication.service';

export class ReplicationDestinationDto {
  @ApiProperty({ description: 'The S3 endpoint, http(s)://host[:port]' }) @IsString() @MaxLength(2048) endpoint!: string;
  @ApiProperty({ description: 'Destination bucket (it must exist)' }) @IsString() @MaxLength(63) bucket!: string;
  @ApiPropertyOptional({ default: 'us-east-1' }) @IsOptional() @IsString() @MaxLength(32) region?: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(128) access_key!: string;
  @ApiPropertyOptional({ description: 'Required when creating; stored encrypted, never returned. Omit on update to keep it.' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  secret_key?: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() force_path_style?: boolean;
}

export class ReplicationRuleDto {
  @ApiPropertyOptional({ description: 'Generated when absent' }) @IsOptional() @IsString() @MaxLength(255) id?: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @IsInt() @Min(0) priority?: number;
  @ApiPropertyOptional({ description: 'Only keys with this prefix' }) @IsOptional() @IsString() @MaxLength(1024) prefix?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Only objects with all these tags' })
  @IsOptional()
  @IsObject()
  tags?: Record<string, string>;
  @ApiProperty({ type: ReplicationDestinationDto })
  @ValidateNested()
  @Type(() => ReplicationDestinationDto)
  destination!: ReplicationDestinationDto;
  @ApiPropertyOptional({ default: false, description: 'Replicate delete markers (and deletes of an unversioned bucket)' })
  @IsOptional()
  @IsBoolean()
  replicate_deletes?: boolean;
  @ApiPropertyOptional({ default: false, description: 'When created: queue the objects already in the bucket too' })
  @IsOptional()
  @IsBoolean()
  replicate_existing?: boolean;
}

export function replicationRuleIn(dto: ReplicationRuleDto): ReplicationRuleInput {
  const d = dto.destination;
  return {
    id: dto.id,
    enabled: dto.enabled,
    priority: dto.priority,
    prefix: dto.prefix,
    tags: dto.tags,
    destination: {
      endpoint: d.endpoint,
      bucket: d.bucket,
      region: d.region,
      accessKeyId: d.access_key,
      secretKey: d.secret_key,
      forcePathStyle: d.force_path_style,
    },
    replicateDeletes: dto.replicate_deletes,
    replicateExisting: dto.replicate_existing,
  };
}

export function replicationRuleOut(r: ReplicationRule) {
  return {
    id: r.id,
    enabled: r.enabled,
    status: r.enabled ? 'Enabled' : 'Disabled',
    priority: r.priority,
    prefix: r.prefix,
    tags: r.tags,
    destination: {
      endpoint: r.destination.endpoint,
      bucket: r.destination.bucket,
      region: r.destination.region,
      access_key: r.destination.accessKeyId,
      force_path_style: r.destination.forcePathStyle,
    },
    replicate_deletes: r.replicateDeletes,
    replicate_existing: r.replicateExisting,
    created_at: new Date(r.createdAt).toISOString(),
  };
}

export function replicationStatusOut(s: ReplicationRuleStatus) {
  return {
    rule_id: s.ruleId,
    enabled: s.enabled,
    pending: s.pending,
    failed: s.failed,
    replicated: s.replicated,
    last_replicated_at: s.lastReplicatedAt?.toISOString() ?? null,
    lag_seconds: s.lagSeconds,
    last_error: s.lastError,
  };
}
