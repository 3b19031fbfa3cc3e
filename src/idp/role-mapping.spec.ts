import { firstRdnValue, groupMatches, MappingRule, resolveAssignment } from './role-mapping';

const m = (
  id: string,
  externalGroup: string,
  role: MappingRule['role'],
  tenantId: string | null,
  priority = 0,
  createdAt = 0,
): MappingRule => ({
  id,
  externalGroup,
  role,
  tenantId,
  priority,
  createdAt,
});

describe('group matching', () => {
  it('matches claim values and DNs without regard to case and DN spacing', () => {
    expect(groupMatches('storage-admins', 'Storage-Admins')).toBe(true);
    expect(groupMatches('cn=admins,ou=groups,dc=example,dc=org', 'CN=Admins, OU=Groups, DC=example, DC=org')).toBe(true);
    expect(groupMatches('admins', 'cn=admins,ou=groups,dc=example,dc=org')).toBe(true);
    expect(groupMatches('admins', 'cn=other,ou=admins,dc=org')).toBe(false);
    expect(groupMatches('admin', 'admins')).toBe(false);
  });

  it('reads the first RDN value of a DN', () => {
    expect(firstRdnValue('cn=Dev Team,ou=groups,dc=x')).toBe('Dev Team');
    expect(firstRdnValue('cn=a\\,b,dc=x')).toBe('a,b');
    expect(firstRdnValue('/admins')).toBeNull();
  });
});

describe('resolveAssignment', () => {
  const mappings = [
    m('m-user', 'devs', 'user', 't-acme'),
    m('m-tadmin', 'leads', 'tenant-admin', 't-acme'),
    m('m-admin', 'ops', 'admin', null),
    m('m-other', 'beta', 'user', 't-beta', 5),
  ];

  it('refuses (null) when no group maps and there is no default', () => {
    expect(resolveAssignment(['sales'], mappings)).toBeNull();
    expect(resolveAssignment([], mappings)).toBeNull();
  });

  it('applies the default only when nothing maps', () => {
    expect(resolveAssignment(['sales'], mappings, { role: 'user', tenantId: 't-def' })).toEqual({
      role: 'user',
      tenantId: 't-def',
      mappingId: null,
    });
    expect(resolveAssignment(['devs'], mappings, { role: 'user', tenantId: 't-def' })).toMatchObject({ mappingId: 'm-user' });
  });

  it('takes the highest role, then the priority, then the oldest mapping', () => {
    expect(resolveAssignment(['devs', 'leads'], mappings)).toEqual({ role: 'tenant-admin', tenantId: 't-acme', mappingId: 'm-tadmin' });
    expect(resolveAssignment(['devs', 'ops'], mappings)).toEqual({ role: 'admin', tenantId: null, mappingId: 'm-admin' });
    expect(resolveAssignment(['devs', 'beta'], mappings)).toMatchObject({ mappingId: 'm-other', tenantId: 't-beta' });
    const tie = [m('new', 'a', 'user', 't1', 0, 20), m('old', 'b', 'user', 't2', 0, 10)];
    expect(resolveAssignment(['a', 'b'], tie)).toMatchObject({ mappingId: 'old' });
  });
});
