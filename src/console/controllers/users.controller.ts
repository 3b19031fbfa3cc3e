import { Body, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AuthError } from '../../auth/auth.errors';
import { AuthService } from '../../auth/auth.service';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { DomainError } from '../../common/domain-error';
import { UsersService } from '../../iam/users.service';
import { ConsoleAccess, denied } from '../console-access';
import { AUDIT_ACTION as A, AUDIT_RESOURCE as R } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal, Roles } from '../decorators';
import { toCreatedAccessKeyDto } from '../dto/access-key.dto';
import { ChangePasswordDto, CreateUserDto, ListUsersQueryDto, SetUserStatusDto, toUserDto, UpdateUserDto } from '../dto/user.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { ok, paged, paginate } from '../http/responses';

/**
 * Users, addressed by id or username. MaxIOFS and Strix shapes in one: a list answers `data` and
 * `users`; a Strix create (`{"username"}`, no password) also creates a first access key.
 */
@ConsoleController('users', 'users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly access: ConsoleAccess,
  ) {}

  @Get()
  @Roles('admin', 'tenant-admin')
  @ApiOperation({ summary: 'List users (a tenant admin: their tenant only)' })
  async list(@CurrentPrincipal() p: ConsolePrincipal, @Query() q: ListUsersQueryDto) {
    const tenantId = await this.access.tenantScope(p, q.tenant_id);
    const all = (await this.users.list(tenantId === undefined ? {} : { tenantId })).map((u) => toUserDto(u));
    const { items, pagination } = paginate(all, q.page, q.page_size);
    return paged(items, pagination, { users: items });
  }

  @Post()
  @Roles('admin', 'tenant-admin')
  @Audit(R.user, A.create)
  @ApiOperation({ summary: 'Create a user; Strix-shaped ({"username"} only) also answers a first access key' })
  async create(@CurrentPrincipal() p: ConsolePrincipal, @Body() dto: CreateUserDto) {
    let role = dto.role ?? dto.roles?.[0];
    let tenant = dto.tenant_id ?? dto.tenantId;
    // MaxIOFS's `"roles": ["admin"], "tenantId": …` is a tenant's admin: a global admin has no tenant.
    if (role === 'admin' && tenant !== undefined) role = 'tenant-admin';
    if (p.role !== 'admin') {
      if (role === 'admin') throw denied('A tenant admin cannot create global admins');
      if (tenant !== undefined && tenant !== p.tenantId && tenant !== p.tenantName)
        throw denied('A tenant admin creates users in their own tenant only');
      tenant = p.tenantId ?? undefined;
    }
    let user = await this.users.create({ username: dto.username, tenant, role, password: dto.password, email: dto.email });
    if (dto.status === 'inactive') user = await this.users.setStatus(user.id, 'inactive');
    const body = toUserDto(user);
    const withKey = dto.create_access_key ?? dto.password === undefined;
    const key = withKey ? toCreatedAccessKeyDto(await this.users.createKey(user.id)) : undefined;
    return ok(body, { user: body, ...(key ? { access_key: key } : {}) });
  }

  @Get(':id')
  @ApiOperation({ summary: 'A user by id or username (yourself, or a user you manage)' })
  async get(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string) {
    const user = toUserDto(await this.access.readableUser(p, id));
    return ok(user, { ...user });
  }

  @Put(':id')
  @Audit(R.user, A.update)
  @ApiOperation({ summary: 'Update email, role or status (your own email; others as their admin)' })
  async update(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string, @Body() dto: UpdateUserDto) {
    const target = await this.access.readableUser(p, id);
    const role = dto.role ?? dto.roles?.[0];
    const self = target.id === p.userId;
    if ((role !== undefined && role !== target.role) || (dto.status !== undefined && dto.status !== target.status)) {
      if (self) throw denied('You cannot change your own role or status');
      await this.access.manageableUser(p, target.id);
      if (role === 'admin' && p.role !== 'admin') throw denied('Only a global admin grants the admin role');
    } else if (!self) {
      await this.access.manageableUser(p, target.id);
    }
    let user = await this.users.update(target.id, { email: dto.email, role });
    if (dto.status !== undefined && dto.status !== user.status) user = await this.users.setStatus(target.id, dto.status);
    const body = toUserDto(user);
    return ok(body, { user: body });
  }

  @Delete(':id')
  @HttpCode(204)
  @Audit(R.user, A.delete)
  @ApiOperation({ summary: 'Delete a user with their keys and policies (204)' })
  async remove(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string): Promise<void> {
    const user = await this.access.manageableUser(p, id);
    if (user.id === p.userId) throw new DomainError('InvalidInput', 'You cannot delete your own account');
    await this.users.delete(user.id);
  }

  @Put(':id/password')
  @Audit(R.user, A.changePassword)
  @ApiOperation({ summary: "Change a password: your own (with current_password), or a managed user's" })
  async changePassword(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string, @Body() dto: ChangePasswordDto) {
    const target = await this.access.readableUser(p, id);
    const password = dto.new_password ?? dto.newPassword ?? dto.password;
    if (password === undefined) throw new ConsoleValidationError({ new_password: ['new_password is required'] });
    if (target.id === p.userId) {
      const current = dto.current_password ?? dto.currentPassword;
      if (current === undefined)
        throw new ConsoleValidationError({ current_password: ['current_password is required to change your own password'] });
      if (!(await this.auth.verifyPassword(p.userId, current))) throw new AuthError('InvalidCredentials', 'current_password is wrong');
    } else {
      await this.access.manageableUser(p, target.id);
    }
    await this.users.setPassword(target.id, password);
    return ok({ changed: true }, { message: 'Password changed' });
  }

  @Patch(':id/status')
  @Audit(R.user, A.setStatus)
  @ApiOperation({ summary: 'Activate or deactivate a user' })
  async setStatus(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string, @Body() dto: SetUserStatusDto) {
    const target = await this.access.manageableUser(p, id);
    if (target.id === p.userId) throw denied('You cannot change your own status');
    const body = toUserDto(await this.users.setStatus(target.id, dto.status));
    return ok(body, { user: body });
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @Audit(R.user, A.unlock)
  @ApiOperation({ summary: 'End a lockout after failed logins' })
  async unlock(@CurrentPrincipal() p: ConsolePrincipal, @Param('id') id: string) {
    const target = await this.access.manageableUser(p, id);
    await this.auth.unlock(target.id);
    const body = toUserDto(await this.users.get(target.id));
    return ok(body, { user: body });
  }
}
