/** Every domain error code of the feature modules. Each transport maps all of them (the compiler checks). */
export type DomainErrorCode =
  | 'BucketNotFound'
  | 'BucketAlreadyExists'
  | 'BucketAlreadyOwnedByYou'
  | 'BucketNotEmpty'
  | 'InvalidBucketName'
  | 'ObjectNotFound'
  | 'InvalidObjectKey'
  | 'ObjectTooLarge'
  | 'PreconditionFailed'
  | 'NotModified'
  | 'InvalidRange'
  | 'BadDigest'
  | 'ChecksumMismatch'
  | 'ContentSha256Mismatch'
  | 'IncompleteBody'
  | 'InvalidArgument'
  | 'InvalidRequest'
  | 'InvalidPartNumber'
  | 'KeyTooLong'
  | 'UploadNotFound'
  | 'InvalidPart'
  | 'InvalidPartOrder'
  | 'EntityTooSmall'
  | 'AccessKeyNotFound'
  | 'TenantNotFound'
  | 'TenantAlreadyExists'
  | 'TenantNotEmpty'
  | 'QuotaExceeded'
  | 'UserNotFound'
  | 'UserAlreadyExists'
  | 'AccessKeyAlreadyExists'
  | 'PolicyNotFound'
  | 'MalformedPolicy'
  | 'BucketPolicyNotFound'
  | 'MalformedAcl'
  /** An ACL grant by email address that matches no user, or more than one. */
  | 'UnresolvableGrantByEmailAddress'
  | 'AmbiguousGrantByEmailAddress'
  | 'InvalidInput'
  | 'VersionNotFound'
  | 'MethodNotAllowed'
  | 'InvalidBucketState'
  | 'ObjectLockConfigurationNotFound'
  | 'NoSuchObjectLockConfiguration'
  | 'ProtectedByObjectLock'
  | 'ObjectLocked'
  | 'InvalidTag'
  | 'CorsConfigurationNotFound'
  | 'TagSetNotFound'
  | 'LifecycleConfigurationNotFound'
  | 'EncryptionConfigurationNotFound'
  | 'ReplicationRuleNotFound'
  | 'OwnershipControlsNotFound'
  | 'PublicAccessBlockNotFound'
  /** ACLs are disabled on the bucket (BucketOwnerEnforced). */
  | 'AclNotSupported'
  /** CreateBucket / PutBucketOwnershipControls: BucketOwnerEnforced with an ACL that grants more than the owner. */
  | 'InvalidBucketAclWithObjectOwnership'
  | 'TooManyTags'
  | 'MalformedConfiguration'
  | 'AccessDenied'
  | 'IdentityProviderNotFound'
  | 'IdentityProviderAlreadyExists'
  | 'GroupMappingNotFound'
  | 'GroupMappingAlreadyExists'
  /** An identity provider (LDAP server, OIDC issuer) could not be reached or answered with an error. */
  | 'IdentityProviderError'
  | 'ClusterNodeNotFound'
  | 'ClusterMigrationNotFound'
  /** A cluster operation that conflicts with the cluster's state (remove a live node, cluster mode off…). */
  | 'ClusterConflict'
  /** The node that holds a bucket cannot be reached. */
  | 'ClusterNodeUnavailable'
  /** Writes to a bucket are held back for a moment while it moves to another node (503, Retry-After). */
  | 'BucketMigrating';

/** A rule of the domain was broken. Thrown by services; each transport translates it once. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message?: string,
    /** Extra facts a transport may show (e.g. the actual object size for InvalidRange). */
    readonly details: Record<string, string | number> = {},
  ) {
    super(message ?? code);
    this.name = 'DomainError';
  }
}
