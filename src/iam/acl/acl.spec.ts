import {
  aclAllows,
  aclPermissionFor,
  AclError,
  type AclGrant,
  cannedAclGrants,
  grantsFromHeaders,
  GROUP_ALL_USERS,
  GROUP_AUTHENTICATED_USERS,
} from './acl';

describe('ACLs', () => {
  const anon = { userId: null };
  const alice = { userId: 'alice-id' };
  const bob = { userId: 'bob-id' };

  it.each([
    ['private', alice, 'READ', true],
    ['private', bob, 'READ', false],
    ['private', anon, 'READ', false],
    ['public-read', anon, 'READ', true],
    ['public-read', anon, 'WRITE', false],
    ['public-read-write', anon, 'WRITE', true],
    ['authenticated-read', anon, 'READ', false],
    ['authenticated-read', bob, 'READ', true],
    ['authenticated-read', bob, 'WRITE', false],
    ['private', alice, 'WRITE_ACP', true],
  ] as const)('%s grants %j %s: %s', (canned, who, permission, expected) => {
    expect(aclAllows(cannedAclGrants(canned, 'alice-id'), who, permission)).toBe(expected);
  });

  it('gives the bucket owner access with bucket-owner-full-control', () => {
    const grants = cannedAclGrants('bucket-owner-full-control', 'writer-id', 'bucket-owner-id');
    expect(aclAllows(grants, { userId: 'bucket-owner-id' }, 'READ')).toBe(true);
    expect(
      aclAllows(cannedAclGrants('bucket-owner-read', 'writer-id', 'bucket-owner-id'), { userId: 'bucket-owner-id' }, 'WRITE_ACP'),
    ).toBe(false);
  });

  it('refuses an unknown canned ACL', () => {
    expect(() => cannedAclGrants('public', 'x')).toThrow(AclError);
  });

  it('parses x-amz-grant-* headers into exactly the listed grants (no owner grant added)', () => {
    const grants = grantsFromHeaders({
      'x-amz-grant-read': `uri="${GROUP_ALL_USERS}", id="bob-id"`,
      'x-amz-grant-write': 'id=carol-id',
      'x-amz-grant-read-acp': 'emailAddress="dan@example.com"',
    });
    expect(grants).toEqual([
      { grantee: { type: 'Group', uri: GROUP_ALL_USERS }, permission: 'READ' },
      { grantee: { type: 'CanonicalUser', id: 'bob-id' }, permission: 'READ' },
      { grantee: { type: 'CanonicalUser', id: 'carol-id' }, permission: 'WRITE' },
      { grantee: { type: 'AmazonCustomerByEmail', email: 'dan@example.com' }, permission: 'READ_ACP' },
    ]);
    expect(grantsFromHeaders({})).toBeNull();
    expect(() => grantsFromHeaders({ 'x-amz-grant-read': 'uri="http://example.com/group"' })).toThrow(AclError);
    expect(() => grantsFromHeaders({ 'x-amz-grant-read': 'name="x"' })).toThrow(AclError);
    const authenticated = grantsFromHeaders({ 'x-amz-grant-read': `uri="${GROUP_AUTHENTICATED_USERS}"` }) as AclGrant[];
    expect(aclAllows(authenticated, { userId: 'z' }, 'READ')).toBe(true);
    expect(aclAllows(authenticated, { userId: null }, 'READ')).toBe(false);
  });

  it('maps actions to the permission ACLs can grant', () => {
    expect(aclPermissionFor('s3:ListBucket', 'bucket')).toEqual({ on: 'bucket', permission: 'READ' });
    expect(aclPermissionFor('s3:PutObject', 'object')).toEqual({ on: 'bucket', permission: 'WRITE' });
    expect(aclPermissionFor('s3:GetObject', 'object')).toEqual({ on: 'object', permission: 'READ' });
    expect(aclPermissionFor('s3:PutBucketPolicy', 'bucket')).toBeNull();
  });
});
