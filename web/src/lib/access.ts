import type { Role, User } from '../api/types';

/** Who may open a page: everyone signed in, tenant admins and global admins, or global admins only. */
export type Audience = 'any' | 'admins' | 'global';

export function isGlobalAdmin(u: Pick<User, 'role' | 'tenant_id'> | null | undefined): boolean {
  return !!u && u.role === 'admin' && !u.tenant_id;
}

export function canSee(u: Pick<User, 'role' | 'tenant_id'> | null | undefined, audience: Audience): boolean {
  if (!u) return false;
  if (audience === 'any') return true;
  if (audience === 'global') return isGlobalAdmin(u);
  return isGlobalAdmin(u) || u.role === 'tenant-admin' || (u.role === 'admin' && !!u.tenant_id);
}

export interface NavItem {
  to: string;
  label: string;
  audience: Audience;
  group: 'Storage' | 'Identity' | 'Operations' | 'Account';
}

/** The navigation, in order; each page checks the same audience (a URL opened directly included). */
export const NAV: NavItem[] = [
  { to: '/', label: 'Dashboard', audience: 'any', group: 'Storage' },
  { to: '/buckets', label: 'Buckets', audience: 'any', group: 'Storage' },
  { to: '/shares', label: 'Share links', audience: 'any', group: 'Storage' },
  { to: '/users', label: 'Users', audience: 'admins', group: 'Identity' },
  { to: '/access-keys', label: 'Access keys', audience: 'any', group: 'Identity' },
  { to: '/tenants', label: 'Tenants', audience: 'global', group: 'Identity' },
  { to: '/identity-providers', label: 'Identity providers', audience: 'admins', group: 'Identity' },
  { to: '/audit', label: 'Audit log', audience: 'admins', group: 'Operations' },
  { to: '/security', label: 'Security', audience: 'admins', group: 'Operations' },
  { to: '/settings', label: 'Settings', audience: 'global', group: 'Operations' },
  { to: '/monitoring', label: 'Monitoring', audience: 'global', group: 'Operations' },
  { to: '/cluster', label: 'Cluster', audience: 'global', group: 'Operations' },
  { to: '/profile', label: 'My account', audience: 'any', group: 'Account' },
  { to: '/server', label: 'About this server', audience: 'any', group: 'Account' },
];

export function navFor(u: Pick<User, 'role' | 'tenant_id'> | null): NavItem[] {
  return NAV.filter((n) => canSee(u, n.audience));
}

export const ROLE_LABEL: Record<Role, string> = { admin: 'Administrator', 'tenant-admin': 'Tenant admin', user: 'User' };
