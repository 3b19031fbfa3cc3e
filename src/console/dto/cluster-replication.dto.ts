import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import type { ReplicationRuleView } from '../../cluster/cluster-replication.service';
import { PageQueryDto } from './pagination.dto';

/** The target nodes of a rule: MaxIOFS names one (`destination_node_id`); a rule here may name several. */
class ReplicationTargetsDto {
  @ApiPropertyOptional({ description: 'Node that receives a copy of every object version (MaxIOFS field)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  destination_node_id?: string;

  @ApiPropertyOptional({ type: [String], description: 'Several target nodes (added to destination_node_id)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsString({ each: true })
  destination_node_ids?: string[];

  @ApiPropertyOptional({ description: 'Only keys starting with this' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  prefix?: string;

  @ApiPropertyOptional({ description: "Deleted versions' copies are dropped on the targets (default true)" })
  @IsOptional()
  @IsBoolean()
  replicate_deletes?: boolean;
}

/** What a rule may change after its creation. */
export class UpdateClusterReplicationDto extends ReplicationTargetsDto {
  @ApiPropertyOptional({ description: 'Default true' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'MaxIOFS field; metadata is always current on every node (one shared catalog)' })
  @IsOptional()
  @IsBoolean()
  replicate_metadata?: boolean;

  @ApiPropertyOptional({ description: 'MaxIOFS field, kept as given; copies are queued at every change, not on an interval' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  sync_interval_seconds?: number;
}

export class CreateClusterReplicationDto extends UpdateClusterReplicationDto {
  @ApiPropertyOptional({ description: 'The bucket to replicate (MaxIOFS field; `bucket` is accepted too)' })
  @IsOptional()
  @IsString()
  @Length(1, 63)
  source_bucket?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 63)
  bucket?: string;

  @ApiPropertyOptional({
    description: 'MaxIOFS field: a replica has the same name on every node; when sent, it must equal the source bucket',
  })
  @IsOptional()
  @IsString()
  destination_bucket?: string;
}

export class BulkClusterReplicationDto extends ReplicationTargetsDto {
  @ApiPropertyOptional({ description: 'Only the buckets this node holds (default: every bucket)' })
  @IsOptional()
  @IsString()
  source_node_id?: string;
}

export class ClusterReplicationQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only the rules of this bucket' })
  @IsOptional()
  @IsString()
  bucket?: string;
}

/** The target node ids a body names (destination_node_id first). */
export function targetsOf(dto: ReplicationTargetsDto): string[] | undefined {
  if (dto.destination_node_id === undefined && dto.destination_node_ids === undefined) return undefined;
  return [...(dto.destination_node_id ? [dto.destination_node_id] : []), ...(dto.destination_node_ids ?? [])];
}

export class ClusterReplicationRuleDto {
  @ApiProperty() id!: string;
  @ApiProperty() source_bucket!: string;
  @ApiProperty() destination_bucket!: string;
  @ApiProperty() destination_node_id!: string;
  @ApiProperty({ type: [String] }) destination_node_ids!: string[];
  @ApiProperty() prefix!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() replicate_deletes!: boolean;
  @ApiProperty() replicate_metadata!: boolean;
  @ApiProperty() sync_interval_seconds!: number;
  @ApiProperty({ description: 'Copies still to make, all targets' }) pending_objects!: number;
  @ApiProperty({ description: 'Copies still to make, per target node', type: 'object', additionalProperties: { type: 'number' } })
  pending_by_node!: Record<string, number>;
  @ApiProperty({ description: 'Every target holds every version (nothing pending)' }) in_sync!: boolean;
  @ApiProperty({ nullable: true, type: String }) last_sync_at!: string | null;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
}

export function toReplicationRuleDto(r: ReplicationRuleView): ClusterReplicationRuleDto {
  const pending = Object.values(r.pending).reduce((a, b) => a + b, 0);
  return {
    id: r.id,
    source_bucket: r.bucket,
    destination_bucket: r.bucket,
    destination_node_id: r.targetNodeIds[0],
    destination_node_ids: r.targetNodeIds,
    prefix: r.prefix,
    enabled: r.enabled,
    replicate_deletes: r.replicateDeletes,
    replicate_metadata: true,
    sync_interval_seconds: r.syncIntervalSeconds,
    pending_objects: pending,
    pending_by_node: r.pending,
    in_sync: pending === 0,
    last_sync_at: r.lastSyncAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
