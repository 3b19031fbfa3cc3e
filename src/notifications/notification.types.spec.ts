import { canReceive } from './notification.types';

describe('canReceive', () => {
  const admin = { role: 'admin' as const, tenantId: null };
  const tenantAdmin = { role: 'tenant-admin' as const, tenantId: 't1' };
  const user = { role: 'user' as const, tenantId: 't1' };

  it.each([
    ['own tenant, admins', { tenantId: 't1', audience: 'admins' as const }, [true, true, false]],
    ['own tenant, all', { tenantId: 't1', audience: 'all' as const }, [true, true, true]],
    ['other tenant, all', { tenantId: 't2', audience: 'all' as const }, [true, false, false]],
    ['server-wide, admins', { tenantId: null, audience: 'admins' as const }, [true, false, false]],
    ['server-wide, all', { tenantId: null, audience: 'all' as const }, [true, true, true]],
  ])('%s', (_, event, [forAdmin, forTenantAdmin, forUser]) => {
    expect(canReceive(admin, event)).toBe(forAdmin);
    expect(canReceive(tenantAdmin, event)).toBe(forTenantAdmin);
    expect(canReceive(user, event)).toBe(forUser);
  });
});
