import { FilterParser } from 'ldapts';

const parseFilter = (f: string) => FilterParser.parseString(f);
import { escapeFilterValue, memberFilter, substringFilter, userLookupFilter } from './ldap-filter';

describe('escapeFilterValue (RFC 4515)', () => {
  it.each([
    ['alice', 'alice'],
    ['*', '\\2a'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['a\\b', 'a\\5cb'],
    ['nul\0x', 'nul\\00x'],
    ['(cn=x)', '\\28cn=x\\29'],
    ["Jürgen O'Brien", "Jürgen O'Brien"],
  ])('%j → %j', (input, expected) => {
    expect(escapeFilterValue(input)).toBe(expected);
  });
});

describe('filters built from hostile input stay one equality test', () => {
  const hostile = ['*', '*)(uid=*', '*)(|(uid=*', 'admin)(&)', 'x)(objectClass=*))(|(uid=x', '\\2a', '*))%00'];

  it.each(hostile)('user lookup of %j', (name) => {
    const f = userLookupFilter('(objectClass=inetOrgPerson)', 'uid', name);
    const parsed = parseFilter(f);
    expect(parsed.constructor.name).toBe('AndFilter');
    const filters = (parsed as unknown as { filters: Array<{ constructor: { name: string }; attribute: string; value: string }> }).filters;
    expect(filters).toHaveLength(2);
    expect(filters[1].constructor.name).toBe('EqualityFilter');
    expect(filters[1].attribute).toBe('uid');
    // The whole name is the value, byte for byte: no wildcard, no extra clause.
    expect(String(filters[1].value)).toBe(name);
  });

  it('replaces a {username} placeholder with the escaped value', () => {
    expect(userLookupFilter('(&(objectClass=user)(sAMAccountName={username}))', 'uid', '*)(cn=*')).toBe(
      '(&(objectClass=user)(sAMAccountName=\\2a\\29\\28cn=\\2a))',
    );
  });

  it('keeps a search term inside its substring', () => {
    const f = substringFilter('(objectClass=person)', ['uid', 'cn'], '*)(uid=*');
    expect(f).toBe('(&(objectClass=person)(|(uid=*\\2a\\29\\28uid=\\2a*)(cn=*\\2a\\29\\28uid=\\2a*)))');
    expect(() => parseFilter(f)).not.toThrow();
    expect(substringFilter('(objectClass=person)', ['uid'], '  ')).toBe('(objectClass=person)');
  });

  it('escapes a member DN', () => {
    expect(memberFilter('(objectClass=groupOfNames)', 'member', 'cn=a\\,b (x),dc=org')).toBe(
      '(&(objectClass=groupOfNames)(member=cn=a\\5c,b \\28x\\29,dc=org))',
    );
  });
});
