import { describe, expect, it } from 'vitest';
import { canSee, isGlobalAdmin, navFor } from './access';

const root = { role: 'admin' as const, tenant_id: null };
const tenantAdmin = { role: 'tenant-admin' as const, tenant_id: 't1' };
const tenantUser = { role: 'user' as const, tenant_id: 't1' };

describe('role-aware navigation', () => {
  it('a global admin sees every page', () => {
    expect(isGlobalAdmin(root)).toBe(true);
    expect(navFor(root).map((n) => n.to)).toEqual(
      expect.arrayContaining(['/users', '/tenants', '/settings', '/cluster', '/audit', '/monitoring', '/server']),
    );
  });

  it('a tenant admin manages their tenant but not the server', () => {
    const pages = navFor(tenantAdmin).map((n) => n.to);
    expect(pages).toEqual(expect.arrayContaining(['/users', '/audit', '/security', '/identity-providers']));
    expect(pages).not.toContain('/tenants');
    expect(pages).not.toContain('/settings');
    expect(pages).not.toContain('/cluster');
    expect(pages).not.toContain('/monitoring');
  });

  it('a tenant user sees no admin page', () => {
    const pages = navFor(tenantUser).map((n) => n.to);
    expect(pages).toEqual(['/', '/buckets', '/shares', '/access-keys', '/profile', '/server']);
    expect(canSee(tenantUser, 'admins')).toBe(false);
    expect(canSee(tenantUser, 'global')).toBe(false);
  });

  it('an "admin" role inside a tenant is not a global admin', () => {
    expect(isGlobalAdmin({ role: 'admin', tenant_id: 't1' })).toBe(false);
    expect(canSee({ role: 'admin', tenant_id: 't1' }, 'global')).toBe(false);
  });

  it('nobody signed in sees nothing', () => {
    expect(navFor(null)).toEqual([]);
  });
});
