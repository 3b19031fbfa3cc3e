import { Body, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { TenantsService } from '../../tenants/tenants.service';
import { ConsoleAccess } from '../console-access';
import { AUDIT_ACTION as A, AUDIT_RESOURCE as R } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal, Roles } from '../decorators';
import { PageQueryDto } from '../dto/pagination.dto';
import { CreateTenantDto, profileOf, quotasOf, toTenantDto, toTenantStatsDto, UpdateTenantDto } from '../dto/tenant.dto';
import { ok, paged, paginate } from '../http/responses';

/** Tenants, by id or name: global admins manage them; a tenant's members see their own. */
@ConsoleController('tenants', 'tenants')
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly access: ConsoleAccess,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List tenants (others than global admins see their own only)' })
  async list(@CurrentPrincipal() p: ConsolePrincipal, @Query() q: PageQueryDto) {
    const all = p.role === 'admin' ? await this.tenants.list() : p.tenantId ? [await this.tenants.get(p.tenantId)] : [];
    const { items, pagination } = paginate(all.map(toTenantDto), q.page, q.page_size);
    return paged(items, pagination, { tenants: items });
  }

  @Post()
  @Roles('admin')
  @Audit(R.tenant, A.create)
  @ApiOperation({ summary: 'Create a tenant with optional quotas, display name and description' })
  async create(@Body() dto: CreateTenantDto) {
    const tenant = toTenantDto(await this.tenants.create(dto.name, quotasOf(dto), profileOf(dto)));
    return ok(tenant, { tenant });
  }

  @Get(':id')
  @ApiOperation({ summary: 'A tenant' })
  async get(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string) {
    const tenant = toTenantDto(await this.access.visibleTenant(p, id));
    return ok(tenant, { tenant });
  }

  @Put(':id')
  @Roles('admin')
  @Audit(R.tenant, A.update)
  @ApiOperation({
    summary: 'Change quotas (null = unlimited), display name, description or status (active | suspended: its users and keys stop working)',
  })
  async update(@Param('id') id: string, @Body() dto: UpdateTenantDto) {
    const tenant = toTenantDto(await this.tenants.update(id, { ...quotasOf(dto), ...profileOf(dto), status: dto.status }));
    return ok(tenant, { tenant });
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @Audit(R.tenant, A.delete)
  @ApiOperation({ summary: 'Delete a tenant with no buckets and no users left (204; 409 otherwise)' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.tenants.delete(id);
  }

  @Get(':id/stats')
  @ApiOperation({ summary: "A tenant's usage: buckets, users, keys, objects, bytes, and quota use" })
  async stats(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string) {
    const tenant = await this.access.visibleTenant(p, id);
    const stats = toTenantStatsDto(await this.tenants.stats(tenant.id));
    return ok(stats, { stats });
  }
}
