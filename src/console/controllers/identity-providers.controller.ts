import { Body, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { DomainError } from '../../common/domain-error';
import { IdentityProvidersService } from '../../idp/identity-providers.service';
import { IdpAccountsService } from '../../idp/idp-accounts.service';
import { IdpSyncService } from '../../idp/idp-sync.service';
import { toExternalAccount } from '../../idp/ldap-authenticator';
import { AUDIT_ACTION as A, AUDIT_RESOURCE as R } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal, Roles } from '../decorators';
import {
  CreateGroupMappingDto,
  CreateIdentityProviderDto,
  DirectorySearchDto,
  ImportUserDto,
  toDirectoryGroupDto,
  toDirectoryUserDto,
  toGroupMappingDto,
  toIdentityProviderDto,
  UpdateGroupMappingDto,
  UpdateIdentityProviderDto,
} from '../dto/identity-provider.dto';
import { PageQueryDto } from '../dto/pagination.dto';
import { toUserDto } from '../dto/user.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { noteAudit } from '../http/console-request';
import { ok, paged, paginate } from '../http/responses';

/**
 * Identity providers (OIDC, LDAP) and their group mappings. Global admins manage all of them;
 * a tenant admin manages the providers of their own tenant, whose mappings stay inside it.
 */
@ConsoleController('identity-providers', 'identity-providers')
@Roles('admin', 'tenant-admin')
export class IdentityProvidersController {
  constructor(
    private readonly providers: IdentityProvidersService,
    private readonly accounts: IdpAccountsService,
    private readonly sync: IdpSyncService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Identity providers (a tenant admin sees those of their tenant)' })
  async list(@CurrentPrincipal() p: ConsolePrincipal, @Query() q: PageQueryDto) {
    const all = (await this.providers.list(p)).map(toIdentityProviderDto);
    const { items, pagination } = paginate(all, q.page, q.page_size);
    return paged(items, pagination, { providers: items });
  }

  @Post()
  @Audit(R.identityProvider, A.create)
  @ApiOperation({ summary: 'Create an OIDC or LDAP provider (the client secret / bind password is stored encrypted and never returned)' })
  async create(@CurrentPrincipal() p: ConsolePrincipal, @Body() dto: CreateIdentityProviderDto) {
    const v = await this.providers.create(p, {
      name: dto.name,
      type: dto.type,
      status: dto.status,
      tenant: dto.tenant_id !== undefined ? dto.tenant_id : dto.tenantId,
      config: dto.config,
    });
    return ok(toIdentityProviderDto(v));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One provider (id or name)' })
  async get(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string) {
    return ok(toIdentityProviderDto(await this.providers.get(p, id)));
  }

  @Put(':id')
  @Audit(R.identityProvider, A.update)
  @ApiOperation({ summary: 'Change name, status or settings (settings not given are kept)' })
  async update(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string, @Body() dto: UpdateIdentityProviderDto) {
    return ok(toIdentityProviderDto(await this.providers.update(p, id, { name: dto.name, status: dto.status, config: dto.config })));
  }

  @Delete(':id')
  @HttpCode(204)
  @Audit(R.identityProvider, A.delete)
  @ApiOperation({ summary: 'Delete a provider with its mappings; the users it linked are deactivated' })
  async delete(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string, @Req() req: Request): Promise<void> {
    const { deactivatedUserIds } = await this.providers.delete(p, id);
    noteAudit(req, { details: { deactivated_users: deactivatedUserIds.length } });
  }

  @Post(':id/test')
  @HttpCode(200)
  @Audit(R.identityProvider, A.test)
  @ApiOperation({ summary: 'OIDC: discovery and JWKS fetch. LDAP: connect and bind with the service account' })
  async test(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string) {
    const r = await this.providers.test(p, id);
    return ok({ success: r.success, message: r.message, details: r.details });
  }

  @Post(':id/search-users')
  @HttpCode(200)
  @Audit(R.identityProvider, A.search)
  @ApiOperation({ summary: 'LDAP: users whose username, email or name contains the query' })
  async searchUsers(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string, @Body() dto: DirectorySearchDto) {
    const provider = await this.providers.manageable(p, id);
    const found = await this.providers.directory(provider).searchUsers(dto.query ?? dto.q ?? '', dto.limit ?? 100);
    const users = await Promise.all(
      found.map(async (a) => toDirectoryUserDto(a, (await this.accounts.linkFor(provider.id, a.dn))?.userId ?? null)),
    );
    return ok(users, { users, total: users.length });
  }

  @Post(':id/search-groups')
  @HttpCode(200)
  @Audit(R.identityProvider, A.search)
  @ApiOperation({ summary: 'LDAP: groups whose name contains the query' })
  async searchGroups(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string, @Body() dto: DirectorySearchDto) {
    const provider = await this.providers.manageable(p, id);
    const groups = (await this.providers.directory(provider).searchGroups(dto.query ?? dto.q ?? '', dto.limit ?? 100)).map(
      toDirectoryGroupDto,
    );
    return ok(groups, { groups, total: groups.length });
  }

  @Post(':id/import-user')
  @HttpCode(200)
  @Audit(R.identityProvider, A.import)
  @ApiOperation({
    summary: 'LDAP: create local users (no password) linked to directory entries; role and tenant from the group mappings, or given',
  })
  async importUser(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string, @Body() dto: ImportUserDto) {
    const provider = await this.providers.manageable(p, id);
    const dir = this.providers.directory(provider);
    const wanted = importTargets(dto);
    const manual = dto.role
      ? { ...(await this.providers.mappingTarget(p, provider, dto.role, dto.tenant_id)), mappingId: null }
      : undefined;
    const results = [];
    for (const w of wanted) {
      try {
        const entry = w.externalId ? await dir.readUser(w.externalId) : await dir.findUser(w.username!);
        if (!entry) {
          results.push({
            username: w.username ?? null,
            external_id: w.externalId ?? null,
            status: 'error',
            error: 'not found in the directory',
          });
          continue;
        }
        const r = await this.accounts.importAccount(provider, toExternalAccount(entry), manual);
        results.push({ username: entry.username, external_id: entry.dn, status: r.status, user: toUserDto(r.user) });
      } catch (err) {
        if (!(err instanceof DomainError) || err.code === 'IdentityProviderError') throw err;
        results.push({ username: w.username ?? null, external_id: w.externalId ?? null, status: 'error', error: err.message });
      }
    }
    const imported = results.filter((r) => r.status === 'imported').length;
    return ok(results, { results, imported, errors: results.filter((r) => r.status === 'error').length });
  }

  @Post(':id/sync')
  @HttpCode(200)
  @Audit(R.identityProvider, A.sync)
  @ApiOperation({
    summary: "Re-read every linked user's groups now (LDAP) or re-apply the mappings (OIDC); users gone from the directory are deactivated",
  })
  async syncAll(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string) {
    const provider = await this.providers.manageable(p, id);
    return ok(await this.sync.syncProvider(provider));
  }

  // ---- group mappings ----

  @Get(':id/group-mappings')
  @ApiOperation({ summary: 'Group mappings of a provider' })
  async listMappings(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string, @Query() q: PageQueryDto) {
    const all = (await this.providers.listMappings(p, id)).map(toGroupMappingDto);
    const { items, pagination } = paginate(all, q.page, q.page_size);
    return paged(items, pagination, { mappings: items });
  }

  @Post(':id/group-mappings')
  @Audit(R.groupMapping, A.create)
  @ApiOperation({ summary: 'Map an external group to a role (admin | tenant-admin | user) in a tenant' })
  async createMapping(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string, @Body() dto: CreateGroupMappingDto) {
    const v = await this.providers.createMapping(p, id, {
      externalGroup: dto.external_group,
      externalGroupName: dto.external_group_name,
      role: dto.role,
      tenant: dto.tenant_id !== undefined ? dto.tenant_id : dto.tenantId,
      priority: dto.priority,
    });
    return ok(toGroupMappingDto(v));
  }

  @Put(':id/group-mappings/:mapId')
  @Audit(R.groupMapping, A.update)
  @ApiOperation({ summary: 'Change a group mapping' })
  async updateMapping(
    @CurrentPrincipal() p: ConsolePrincipal,
    @Param('id') id: string,
    @Param('mapId') mapId: string,
    @Body() dto: UpdateGroupMappingDto,
  ) {
    const v = await this.providers.updateMapping(p, id, mapId, {
      externalGroup: dto.external_group,
      externalGroupName: dto.external_group_name,
      role: dto.role,
      tenant: dto.tenant_id !== undefined ? dto.tenant_id : dto.tenantId,
      priority: dto.priority,
    });
    return ok(toGroupMappingDto(v));
  }

  @Delete(':id/group-mappings/:mapId')
  @HttpCode(204)
  @Audit(R.groupMapping, A.delete)
  @ApiOperation({ summary: 'Delete a group mapping (users keep their role until the next login or sync)' })
  async deleteMapping(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string, @Param('mapId') mapId: string): Promise<void> {
    await this.providers.deleteMapping(p, id, mapId);
  }

  @Post(':id/group-mappings/:mapId/sync')
  @HttpCode(200)
  @Audit(R.groupMapping, A.sync)
  @ApiOperation({ summary: "Sync one mapping: LDAP reads the group's members (importing new ones when the provider creates users)" })
  async syncMapping(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string, @Param('mapId') mapId: string) {
    const { provider, mapping } = await this.providers.getMapping(p, id, mapId);
    return ok(await this.sync.syncMapping(provider, mapping));
  }
}

function importTargets(dto: ImportUserDto): Array<{ username?: string; externalId?: string }> {
  const out: Array<{ username?: string; externalId?: string }> = [];
  if (dto.username || dto.external_id) out.push({ username: dto.username, externalId: dto.external_id });
  for (const [i, u] of (dto.users ?? []).entries()) {
    const username = typeof u?.username === 'string' && u.username !== '' ? u.username : undefined;
    const externalId = typeof u?.external_id === 'string' && u.external_id !== '' ? u.external_id : undefined;
    if (!username && !externalId) throw new ConsoleValidationError({ [`users.${i}`]: [`users.${i} needs username or external_id`] });
    out.push({ username, externalId });
  }
  if (out.length === 0) throw new ConsoleValidationError({ username: ['username, external_id or users is required'] });
  if (out.length > 1000) throw new ConsoleValidationError({ users: ['at most 1000 users at a time'] });
  return out;
}
