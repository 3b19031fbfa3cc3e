/**
 * S3 access control lists: canned ACLs, x-amz-grant-* headers and the permission check.
 * Pure functions; the grants are stored as JSON on buckets and objects.
 */
export const ACL_PERMISSIONS = ['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'] as const;
export type AclPermission = (typeof ACL_PERMISSIONS)[number];

export const GROUP_ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const GROUP_AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
export const GROUP_LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
const GROUPS = [GROUP_ALL_USERS, GROUP_AUTHENTICATED_USERS, GROUP_LOG_DELIVERY];

export type AclGrantee = { type: 'CanonicalUser'; id: string; displayName?: string } | { type: 'Group'; uri: string };

export interface AclGrant {
  grantee: AclGrantee;
  permission: AclPermission;
}

/** A grant as a request names it: by canonical id, group, or email address (resolved to a user before it is stored). */
export interface RequestedGrant {
  grantee: AclGrantee | { type: 'AmazonCustomerByEmail'; email: string };
  permission: AclPermission;
}

export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'aws-exec-read',
  'log-delivery-write',
] as const;
export type CannedAcl = (typeof CANNED_ACLS)[number];

export class AclError extends Error {}

const owner = (id: string): AclGrant => ({ grantee: { type: 'CanonicalUser', id }, permission: 'FULL_CONTROL' });
const group = (uri: string, permission: AclPermission): AclGrant => ({ grantee: { type: 'Group', uri }, permission });

/** The grants of a canned ACL. `bucketOwnerId` matters for the bucket-owner-* ACLs of objects. */
export function cannedAclGrants(name: string, ownerId: string, bucketOwnerId?: string): AclGrant[] {
  switch (name as CannedAcl) {
    case 'private':
    case 'aws-exec-read':
      return [owner(ownerId)];
    case 'public-read':
      return [owner(ownerId), group(GROUP_ALL_USERS, 'READ')];
    case 'public-read-write':
      return [owner(ownerId), group(GROUP_ALL_USERS, 'READ'), group(GROUP_ALL_USERS, 'WRITE')];
    case 'authenticated-read':
      return [owner(ownerId), group(GROUP_AUTHENTICATED_USERS, 'READ')];
    case 'bucket-owner-read':
      return bucketOwnerId && bucketOwnerId !== ownerId
        ? [owner(ownerId), { grantee: { type: 'CanonicalUser', id: bucketOwnerId }, permission: 'READ' }]
        : [owner(ownerId)];
    case 'bucket-owner-full-control':
      return bucketOwnerId && bucketOwnerId !== ownerId ? [owner(ownerId), owner(bucketOwnerId)] : [owner(ownerId)];
    case 'log-delivery-write':
      return [owner(ownerId), group(GROUP_LOG_DELIVERY, 'WRITE'), group(GROUP_LOG_DELIVERY, 'READ_ACP')];
    default:
      throw new AclError(`Unknown canned ACL: ${name}`);
  }
}

const GRANT_HEADERS: Record<string, AclPermission> = {
  'x-amz-grant-read': 'READ',
  'x-amz-grant-write': 'WRITE',
  'x-amz-grant-read-acp': 'READ_ACP',
  'x-amz-grant-write-acp': 'WRITE_ACP',
  'x-amz-grant-full-control': 'FULL_CONTROL',
};

/**
 * Parses `x-amz-grant-*: id="…", uri="…", emailAddress="…"` headers; null when none is present.
 * The result is exactly the listed grants, as S3 stores them (the owner gets no grant it was not given).
 */
export function grantsFromHeaders(headers: Record<string, string | string[] | undefined>): RequestedGrant[] | null {
  const grants: RequestedGrant[] = [];
  let any = false;
  for (const [header, permission] of Object.entries(GRANT_HEADERS)) {
    const raw = headers[header];
    if (raw === undefined) continue;
    any = true;
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    for (const part of value.split(',')) {
      const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(part);
      if (!m) throw new AclError(`Invalid grantee in ${header}: ${part.trim()}`);
      const kind = m[1].toLowerCase();
      const grantee: RequestedGrant['grantee'] =
        kind === 'id'
          ? { type: 'CanonicalUser', id: m[2] }
          : kind === 'uri'
            ? validGroup(m[2])
            : { type: 'AmazonCustomerByEmail', email: m[2] };
      grants.push({ grantee, permission });
    }
  }
  return any ? grants : null;
}

export function validGroup(uri: string): AclGrantee {
  if (!GROUPS.includes(uri)) throw new AclError(`Unknown group: ${uri}`);
  return { type: 'Group', uri };
}

export interface AclRequester {
  /** null for anonymous */
  userId: string | null;
}

/** Whether the grants give `who` the permission (FULL_CONTROL implies every permission). */
export function aclAllows(grants: readonly AclGrant[], who: AclRequester, permission: AclPermission): boolean {
  return grants.some((g) => {
    if (g.permission !== permission && g.permission !== 'FULL_CONTROL') return false;
    const t = g.grantee;
    if (t.type === 'Group') {
      if (t.uri === GROUP_ALL_USERS) return true;
      if (t.uri === GROUP_AUTHENTICATED_USERS) return who.userId !== null;
      return false;
    }
    return who.userId !== null && t.id === who.userId;
  });
}

/** True when the grants let anyone at all read or write (GetBucketPolicyStatus-like checks, console). */
export function aclIsPublic(grants: readonly AclGrant[] | null): boolean {
  return (grants ?? []).some(
    (g) => g.grantee.type === 'Group' && (g.grantee.uri === GROUP_ALL_USERS || g.grantee.uri === GROUP_AUTHENTICATED_USERS),
  );
}

/** The ACL permission an S3 action needs, on the bucket or on the object; null when ACLs cannot grant it. */
export function aclPermissionFor(
  action: string,
  scope: 'bucket' | 'object',
): { on: 'bucket' | 'object'; permission: AclPermission } | null {
  switch (action) {
    case 's3:ListBucket':
    case 's3:ListBucketVersions':
    case 's3:ListBucketMultipartUploads':
      return { on: 'bucket', permission: 'READ' };
    case 's3:PutObject':
    case 's3:DeleteObject':
    case 's3:DeleteObjectVersion':
    case 's3:AbortMultipartUpload':
    case 's3:ListMultipartUploadParts':
      return { on: 'bucket', permission: 'WRITE' };
    case 's3:GetBucketAcl':
      return { on: 'bucket', permission: 'READ_ACP' };
    case 's3:PutBucketAcl':
      return { on: 'bucket', permission: 'WRITE_ACP' };
    case 's3:GetObject':
    case 's3:GetObjectVersion':
      return scope === 'object' ? { on: 'object', permission: 'READ' } : null;
    case 's3:GetObjectAcl':
    case 's3:GetObjectVersionAcl':
      return { on: 'object', permission: 'READ_ACP' };
    case 's3:PutObjectAcl':
    case 's3:PutObjectVersionAcl':
      return { on: 'object', permission: 'WRITE_ACP' };
    default:
      return null;
  }
}
