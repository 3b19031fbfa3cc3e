import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { AuditRecord, AuditStatus } from '../../audit/audit.service';
import { PageQueryDto } from './pagination.dto';

const STATUSES: AuditStatus[] = ['success', 'failure', 'denied'];
/** ISO 8601 (2026-01-31, 2026-01-31T12:00:00Z) or a Unix time in seconds or milliseconds. */
const DATE = /^(\d{1,13}|\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/;

export class ListAuditLogsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Tenant id (global admins; a tenant admin always sees their own tenant only)' })
  @IsOptional()
  @IsString()
  tenant_id?: string;

  @ApiPropertyOptional({ description: 'User id or username' })
  @IsOptional()
  @IsString()
  user_id?: string;

  @ApiPropertyOptional({ example: 'user.create' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  event_type?: string;

  @ApiPropertyOptional({ example: 'user' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  resource_type?: string;

  @ApiPropertyOptional({ example: 'create' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: AuditStatus;

  @ApiPropertyOptional({ description: 'ISO 8601 date/time or Unix time (s or ms), inclusive' })
  @IsOptional()
  @Matches(DATE, { message: 'start_date must be an ISO 8601 date or a Unix time' })
  start_date?: string;

  @ApiPropertyOptional({ description: 'ISO 8601 date/time or Unix time (s or ms), inclusive' })
  @IsOptional()
  @Matches(DATE, { message: 'end_date must be an ISO 8601 date or a Unix time' })
  end_date?: string;
}

/** A date of the query; null when it does not parse. Unix times below 10^11 are seconds. */
export function parseQueryDate(v: string): Date | null {
  const d = /^\d+$/.test(v) ? new Date(Number(v) < 1e11 ? Number(v) * 1000 : Number(v)) : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export interface AuditLogDto {
  id: string;
  timestamp: string;
  tenant_id: string | null;
  user_id: string | null;
  username: string | null;
  source_ip: string | null;
  user_agent: string | null;
  event_type: string;
  resource_type: string | null;
  resource_name: string | null;
  action: string;
  status: AuditStatus;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

export function toAuditLogDto(r: AuditRecord): AuditLogDto {
  return {
    id: r.id,
    timestamp: r.time.toISOString(),
    tenant_id: r.tenantId,
    user_id: r.userId,
    username: r.username,
    source_ip: r.sourceIp,
    user_agent: r.userAgent,
    event_type: r.eventType,
    resource_type: r.resourceType,
    resource_name: r.resourceName,
    action: r.action,
    status: r.status,
    request_id: r.requestId,
    details: r.details,
  };
}
