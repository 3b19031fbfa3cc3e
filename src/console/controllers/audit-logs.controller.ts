import { Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AuditFilter, AuditService } from '../../audit/audit.service';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { ConsoleAccess, denied } from '../console-access';
import { ConsoleController, CurrentPrincipal, Roles } from '../decorators';
import { ListAuditLogsQueryDto, parseQueryDate, toAuditLogDto } from '../dto/audit-log.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { ok, pageInfo, paged } from '../http/responses';

/** The audit trail: global admins see every record, tenant admins their tenant's. */
@ConsoleController('audit-logs', 'audit-logs')
@Roles('admin', 'tenant-admin')
export class AuditLogsController {
  constructor(
    private readonly audit: AuditService,
    private readonly access: ConsoleAccess,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Audit records, newest first, with filters' })
  async list(@CurrentPrincipal() p: ConsolePrincipal, @Query() q: ListAuditLogsQueryDto) {
    const filter: AuditFilter = {
      tenantId: await this.access.tenantScope(p, q.tenant_id),
      userId: q.user_id,
      eventType: q.event_type,
      resourceType: q.resource_type,
      action: q.action,
      status: q.status,
    };
    if (q.start_date !== undefined) filter.from = dateOf('start_date', q.start_date);
    if (q.end_date !== undefined) filter.to = dateOf('end_date', q.end_date);
    if (filter.from && filter.to && filter.from > filter.to)
      throw new ConsoleValidationError({ end_date: ['end_date must not be before start_date'] });
    const { items, total } = await this.audit.list(filter, q.page, q.page_size);
    const logs = items.map(toAuditLogDto);
    return paged(logs, pageInfo(total, q.page, q.page_size), { logs, total });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One audit record' })
  async get(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string) {
    const record = await this.audit.get(id);
    if (!record) throw new NotFoundException(`audit record ${id} does not exist`);
    if (p.role !== 'admin' && record.tenantId !== p.tenantId) throw denied('This record belongs to another tenant');
    return ok(toAuditLogDto(record));
  }
}

function dateOf(field: string, v: string): Date {
  const d = parseQueryDate(v);
  if (!d) throw new ConsoleValidationError({ [field]: [`${field} is not a valid date`] });
  return d;
}
