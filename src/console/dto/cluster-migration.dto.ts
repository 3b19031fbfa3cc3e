import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { ClusterMigrationEntity, MigrationStatus } from '../../cluster/entities/cluster-migration.entity';
import { PageQueryDto } from './pagination.dto';

const STATUSES: MigrationStatus[] = ['pending', 'copying', 'switching', 'cleanup', 'completed', 'failed'];

export class MigrateBucketDto {
  @ApiProperty({ description: 'The node the bucket moves to (a healthy active node)' })
  @IsString()
  @Length(1, 64)
  target_node_id!: string;

  @ApiPropertyOptional({ description: "Delete the source node's copy after the switch (default true)" })
  @IsOptional()
  @IsBoolean()
  delete_source?: boolean;

  @ApiPropertyOptional({ description: 'Seconds between the switch and the deletion of the source copy (default 30)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  cleanup_delay_seconds?: number;
}

export class MigrationListQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  bucket?: string;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: MigrationStatus;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toMigrationDto(m: ClusterMigrationEntity) {
  return {
    id: m.id,
    bucket: m.bucket,
    source_node_id: m.sourceNode,
    target_node_id: m.targetNode,
    status: m.status,
    delete_source: m.deleteSource,
    objects_total: m.objectsTotal,
    blobs_total: m.blobsTotal,
    blobs_copied: m.blobsCopied,
    bytes_copied: m.bytesCopied,
    passes: m.passes,
    progress_percent:
      m.status === 'cleanup' || m.status === 'completed'
        ? 100
        : m.blobsTotal === 0
          ? 0
          : Math.min(99, Math.floor((m.blobsCopied / m.blobsTotal) * 100)),
    writes_fenced_ms: m.fencedMs,
    error: m.error || null,
    requested_by: m.requestedBy || null,
    cleanup_delay_seconds: m.cleanupDelaySeconds,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    started_at: iso(m.startedAt),
    switched_at: iso(m.switchedAt),
    cleanup_after: iso(m.cleanupAfter),
    completed_at: iso(m.completedAt),
  };
}
