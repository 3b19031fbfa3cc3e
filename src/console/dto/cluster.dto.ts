import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import type { HealthEventView, ClusterNodeView } from '../../cluster/cluster-nodes.service';
import { PageQueryDto } from './pagination.dto';

const URL_NO_PATH = /^https?:\/\/[^/\s]+\/?$/;

export class JoinClusterDto {
  @ApiPropertyOptional({ description: "MaxIOFS field; when sent, must equal this cluster's CLUSTER_SECRET (403 otherwise)" })
  @IsOptional()
  @IsString()
  cluster_token?: string;

  @ApiPropertyOptional({ description: 'MaxIOFS field; ignored: nodes reach each other through the registry in PostgreSQL' })
  @IsOptional()
  @IsString()
  node_endpoint?: string;
}

export class InitializeClusterDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  node_name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  region?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  local_endpoint?: string;
}

export class AddClusterNodeDto {
  @ApiPropertyOptional({ description: 'Node id (the NODE_ID it will boot with); default: name' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'id must be 1-64 characters of A-Z a-z 0-9 . _ -' })
  id?: string;

  @ApiProperty()
  @IsString()
  @Length(1, 128)
  name!: string;

  @ApiProperty({ description: 'S3 URL of the node, e.g. http://node-2:9000' })
  @Matches(URL_NO_PATH, { message: 'endpoint must be an http(s) URL without a path' })
  endpoint!: string;

  @ApiPropertyOptional({ description: 'URL other nodes call (default: endpoint)' })
  @IsOptional()
  @Matches(URL_NO_PATH, { message: 'internal_endpoint must be an http(s) URL without a path' })
  internal_endpoint?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 64)
  zone?: string;

  @ApiPropertyOptional({ description: 'Bytes the node offers' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  capacity_total?: number;
}

export class UpdateClusterNodeDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 128)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(URL_NO_PATH, { message: 'endpoint must be an http(s) URL without a path' })
  endpoint?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(URL_NO_PATH, { message: 'internal_endpoint must be an http(s) URL without a path' })
  internal_endpoint?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 64)
  zone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  capacity_total?: number;

  @ApiPropertyOptional({ enum: ['active', 'left'] })
  @IsOptional()
  @IsIn(['active', 'left'])
  status?: 'active' | 'left';
}

export class ClearCacheQueryDto {
  @ApiPropertyOptional({ description: 'Only this bucket' })
  @IsOptional()
  @IsString()
  bucket?: string;
}

export class ClearCacheBodyDto {
  @ApiPropertyOptional({ description: 'Only this bucket (MaxIOFS body)' })
  @IsOptional()
  @IsString()
  bucket?: string;
}

export class HealthHistoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only the events of this node' })
  @IsOptional()
  @IsString()
  node_id?: string;
}

export interface ClusterNodeDto {
  id: string;
  name: string;
  endpoint: string;
  api_url: string;
  internal_endpoint: string;
  zone: string;
  capacity_total: number;
  status: string;
  health_status: string;
  last_heartbeat: string | null;
  last_seen: string | null;
  started_at: string | null;
  latency_ms: number | null;
  created_at: string;
  updated_at: string;
  is_local: boolean;
}

export function toClusterNodeDto(n: ClusterNodeView): ClusterNodeDto {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: n.id,
    name: n.name,
    endpoint: n.s3Endpoint,
    api_url: n.s3Endpoint,
    internal_endpoint: n.internalEndpoint,
    zone: n.zone,
    capacity_total: n.capacityBytes,
    status: n.status,
    health_status: n.health,
    last_heartbeat: iso(n.lastHeartbeat),
    last_seen: iso(n.lastHeartbeat),
    started_at: iso(n.startedAt),
    latency_ms: n.latencyMs,
    created_at: n.createdAt.toISOString(),
    updated_at: n.updatedAt.toISOString(),
    is_local: n.isLocal,
  };
}

export function toHealthEventDto(e: HealthEventView) {
  return { id: e.id, node_id: e.nodeId, event: e.event, observed_by: e.observedBy, detail: e.detail, at: e.at.toISOString() };
}
