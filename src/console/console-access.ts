import { Injectable } from '@nestjs/common';
import type { ConsolePrincipal } from '../auth/auth.types';
import { DomainError } from '../common/domain-error';
import { UsersService, UserView } from '../iam/users.service';
import { TenantsService, TenantView } from '../tenants/tenants.service';

/** Can `p` manage `user`: a global admin anyone, a tenant admin the users of their tenant. */
export function canManageUser(p: ConsolePrincipal, user: Pick<UserView, 'tenantId'>): boolean {
  if (p.role === 'admin') return true;
  return p.role === 'tenant-admin' && p.tenantId !== null && user.tenantId === p.tenantId;
}

/** Can `p` see the tenant: a global admin any, everyone else their own. */
export function canSeeTenant(p: ConsolePrincipal, tenantId: string | null): boolean {
  return p.role === 'admin' || (tenantId !== null && tenantId === p.tenantId);
}

export const denied = (what: string) => new DomainError('AccessDenied', what);

/**
 * The role and tenant rules of the console, in one place. Routes check the coarse role with
 * @Roles(); these check the resource: a global admin sees all, a tenant admin manages their
 * tenant, a user manages themselves. A resource of another tenant answers 403 and no data.
 */
@Injectable()
export class ConsoleAccess {
  constructor(
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
  ) {}

  /**
   * The tenant filter of a list: for a global admin the requested tenant (id or name) or
   * undefined (all tenants); for anyone else their own tenant, and 403 if they ask for another.
   */
  async tenantScope(p: ConsolePrincipal, requested?: string): Promise<string | undefined> {
    if (p.role === 'admin') return requested !== undefined ? (await this.tenants.get(requested)).id : undefined;
    if (p.tenantId === null) throw denied('You belong to no tenant');
    if (requested !== undefined && requested !== p.tenantId && requested !== p.tenantName) throw denied('You can only see your own tenant');
    return p.tenantId;
  }

  /** A user (id or username) the caller may manage; 404 if there is none, 403 if it is not theirs to manage. */
  async manageableUser(p: ConsolePrincipal, idOrName: string): Promise<UserView> {
    const user = await this.users.get(idOrName);
    if (!canManageUser(p, user)) throw denied(`You cannot manage user ${idOrName}`);
    return user;
  }

  /** A user the caller may read: themselves, or one they manage. */
  async readableUser(p: ConsolePrincipal, idOrName: string): Promise<UserView> {
    const user = await this.users.get(idOrName);
    if (user.id !== p.userId && !canManageUser(p, user)) throw denied(`You cannot see user ${idOrName}`);
    return user;
  }

  /** A tenant (id or name) the caller may see. */
  async visibleTenant(p: ConsolePrincipal, idOrName: string): Promise<TenantView> {
    const tenant = await this.tenants.get(idOrName);
    if (!canSeeTenant(p, tenant.id)) throw denied(`You cannot see tenant ${idOrName}`);
    return tenant;
  }
}
