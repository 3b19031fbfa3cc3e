import { DomainError } from '../common/domain-error';
import { aclIsPublic, AclGrant } from '../iam/acl/acl';

/** S3 Object Ownership of a bucket (PutBucketOwnershipControls; x-amz-object-ownership on CreateBucket). */
export const OBJECT_OWNERSHIPS = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] as const;
export type ObjectOwnership = (typeof OBJECT_OWNERSHIPS)[number];

export const isObjectOwnership = (v: string): v is ObjectOwnership => (OBJECT_OWNERSHIPS as readonly string[]).includes(v);

/** A bucket's public access block (PutPublicAccessBlock); a missing flag is false. */
export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

/** What these rules need of a bucket. */
export interface BucketControls {
  ownerId: string;
  objectOwnership: ObjectOwnership | null;
  publicAccessBlock: PublicAccessBlock | null;
  /** The tenant's account-level block (BucketsService fills it in when it reads the row). */
  accountPublicAccessBlock?: PublicAccessBlock | null;
}

/** The block in force: each flag set on the bucket or on its account (tenant), as S3 combines them. */
export function effectivePublicAccessBlock(
  b: Pick<BucketControls, 'publicAccessBlock' | 'accountPublicAccessBlock'>,
): PublicAccessBlock | null {
  const own = b.publicAccessBlock;
  const account = b.accountPublicAccessBlock;
  if (!account) return own;
  if (!own) return account;
  return {
    blockPublicAcls: own.blockPublicAcls || account.blockPublicAcls,
    ignorePublicAcls: own.ignorePublicAcls || account.ignorePublicAcls,
    blockPublicPolicy: own.blockPublicPolicy || account.blockPublicPolicy,
    restrictPublicBuckets: own.restrictPublicBuckets || account.restrictPublicBuckets,
  };
}

/** ACLs are disabled: only grants equivalent to "the owner has full control" are accepted, and none is evaluated. */
export const aclsDisabled = (b: Pick<BucketControls, 'objectOwnership'>): boolean => b.objectOwnership === 'BucketOwnerEnforced';

/** Grants that only give FULL_CONTROL to named users (`private`, `bucket-owner-full-control`): what S3 takes when ACLs are disabled. */
export function ownerOnlyGrants(grants: readonly AclGrant[] | null): boolean {
  return (grants ?? []).every((g) => g.grantee.type === 'CanonicalUser' && g.permission === 'FULL_CONTROL');
}

/**
 * Refuses an ACL written to the bucket or one of its objects, as S3 does: ACLs disabled
 * (BucketOwnerEnforced) and the ACL grants more than owner full control → AccessControlListNotSupported;
 * BlockPublicAcls and the ACL is public (AllUsers / AuthenticatedUsers) → AccessDenied.
 */
export function assertAclWritable(
  bucket: Pick<BucketControls, 'objectOwnership' | 'publicAccessBlock' | 'accountPublicAccessBlock'>,
  grants: readonly AclGrant[] | null,
): void {
  if (aclsDisabled(bucket) && !ownerOnlyGrants(grants)) throw new DomainError('AclNotSupported');
  if (effectivePublicAccessBlock(bucket)?.blockPublicAcls && aclIsPublic(grants)) {
    throw new DomainError('AccessDenied', "Access Denied (the bucket's public access block forbids public ACLs)");
  }
}

/** The grants an access decision may use: none when ACLs are disabled, no public group grants under IgnorePublicAcls. */
export function effectiveGrants(
  bucket: Pick<BucketControls, 'objectOwnership' | 'publicAccessBlock' | 'accountPublicAccessBlock'>,
  grants: readonly AclGrant[] | null,
): AclGrant[] {
  if (aclsDisabled(bucket)) return [];
  const list = [...(grants ?? [])];
  return effectivePublicAccessBlock(bucket)?.ignorePublicAcls ? list.filter((g) => !aclIsPublic([g])) : list;
}

/**
 * Who owns a new object: the bucket owner under BucketOwnerEnforced, and under BucketOwnerPreferred
 * when the writer gave the bucket owner full control (`bucket-owner-full-control`); else the writer.
 */
export function objectOwnerOf(bucket: BucketControls, writerId: string, grants?: readonly AclGrant[] | null): string {
  if (bucket.objectOwnership === 'BucketOwnerEnforced') return bucket.ownerId;
  if (
    bucket.objectOwnership === 'BucketOwnerPreferred' &&
    grants?.some((g) => g.grantee.type === 'CanonicalUser' && g.grantee.id === bucket.ownerId && g.permission === 'FULL_CONTROL')
  ) {
    return bucket.ownerId;
  }
  return writerId;
}
