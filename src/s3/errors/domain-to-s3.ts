import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { H } from '../http/headers';
import { S3Error } from './s3-error';
import { S3ErrorCode } from './s3-error-catalog';

/** Every domain error has an S3 code: the compiler refuses a new DomainErrorCode without one. */
export const DOMAIN_TO_S3: Record<DomainErrorCode, S3ErrorCode> = {
  BucketNotFound: 'NoSuchBucket',
  BucketAlreadyExists: 'BucketAlreadyExists',
  BucketAlreadyOwnedByYou: 'BucketAlreadyOwnedByYou',
  BucketNotEmpty: 'BucketNotEmpty',
  InvalidBucketName: 'InvalidBucketName',
  ObjectNotFound: 'NoSuchKey',
  InvalidObjectKey: 'InvalidArgument',
  KeyTooLong: 'KeyTooLongError',
  ObjectTooLarge: 'EntityTooLarge',
  PreconditionFailed: 'PreconditionFailed',
  NotModified: 'NotModified',
  InvalidRange: 'InvalidRange',
  InvalidPartNumber: 'InvalidPartNumber',
  BadDigest: 'BadDigest',
  ChecksumMismatch: 'BadDigest',
  ContentSha256Mismatch: 'XAmzContentSHA256Mismatch',
  IncompleteBody: 'IncompleteBody',
  InvalidArgument: 'InvalidArgument',
  InvalidRequest: 'InvalidRequest',
  UploadNotFound: 'NoSuchUpload',
  InvalidPart: 'InvalidPart',
  InvalidPartOrder: 'InvalidPartOrder',
  EntityTooSmall: 'EntityTooSmall',
  AccessKeyNotFound: 'InvalidAccessKeyId',
  TenantNotFound: 'AccessDenied',
  TenantAlreadyExists: 'InvalidArgument',
  TenantNotEmpty: 'InvalidRequest',
  QuotaExceeded: 'QuotaExceeded',
  UserNotFound: 'AccessDenied',
  UserAlreadyExists: 'InvalidArgument',
  AccessKeyAlreadyExists: 'InvalidArgument',
  PolicyNotFound: 'InvalidArgument',
  MalformedPolicy: 'MalformedPolicy',
  BucketPolicyNotFound: 'NoSuchBucketPolicy',
  MalformedAcl: 'MalformedACLError',
  UnresolvableGrantByEmailAddress: 'UnresolvableGrantByEmailAddress',
  AmbiguousGrantByEmailAddress: 'AmbiguousGrantByEmailAddress',
  InvalidInput: 'InvalidArgument',
  VersionNotFound: 'NoSuchVersion',
  MethodNotAllowed: 'MethodNotAllowed',
  InvalidBucketState: 'InvalidBucketState',
  ObjectLockConfigurationNotFound: 'ObjectLockConfigurationNotFoundError',
  NoSuchObjectLockConfiguration: 'NoSuchObjectLockConfiguration',
  // S3 refuses deleting a locked version with AccessDenied ("... protected by object lock.").
  ProtectedByObjectLock: 'AccessDenied',
  ObjectLocked: 'ObjectLocked',
  InvalidTag: 'InvalidTag',
  CorsConfigurationNotFound: 'NoSuchCORSConfiguration',
  TagSetNotFound: 'NoSuchTagSet',
  LifecycleConfigurationNotFound: 'NoSuchLifecycleConfiguration',
  EncryptionConfigurationNotFound: 'ServerSideEncryptionConfigurationNotFoundError',
  ReplicationRuleNotFound: 'ReplicationConfigurationNotFoundError',
  OwnershipControlsNotFound: 'OwnershipControlsNotFoundError',
  PublicAccessBlockNotFound: 'NoSuchPublicAccessBlockConfiguration',
  AclNotSupported: 'AccessControlListNotSupported',
  InvalidBucketAclWithObjectOwnership: 'InvalidBucketAclWithObjectOwnership',
  TooManyTags: 'BadRequest',
  MalformedConfiguration: 'MalformedXML',
  AccessDenied: 'AccessDenied',
  // Identity providers are console-only; S3 never raises these.
  IdentityProviderNotFound: 'InvalidArgument',
  IdentityProviderAlreadyExists: 'InvalidArgument',
  GroupMappingNotFound: 'InvalidArgument',
  GroupMappingAlreadyExists: 'InvalidArgument',
  IdentityProviderError: 'InternalError',
  ClusterNodeNotFound: 'InternalError',
  ClusterMigrationNotFound: 'InternalError',
  ClusterConflict: 'ServiceUnavailable',
  ClusterNodeUnavailable: 'ServiceUnavailable',
  BucketMigrating: 'ServiceUnavailable',
};

/** Domain messages that are safe and useful to show; others use the catalog's text. */
const KEEP_MESSAGE = new Set<DomainErrorCode>([
  'ClusterNodeUnavailable',
  'BucketMigrating',
  'InvalidBucketName',
  'InvalidArgument',
  'InvalidRequest',
  'ChecksumMismatch',
  'InvalidPart',
  'InvalidBucketState',
  'ProtectedByObjectLock',
  'ObjectLocked',
  'InvalidTag',
  'TooManyTags',
  'MalformedPolicy',
  'MalformedAcl',
  'QuotaExceeded',
]);

export function domainToS3(err: DomainError): S3Error {
  const code = DOMAIN_TO_S3[err.code];
  const fields: Record<string, string | number> = {};
  const headers: Record<string, string> = {};
  const d = err.details;
  if (d.bucket !== undefined) fields.BucketName = d.bucket;
  if (d.key !== undefined) fields.Key = d.key;
  if (d.argumentName !== undefined) fields.ArgumentName = d.argumentName;
  if (d.argumentValue !== undefined) fields.ArgumentValue = d.argumentValue;
  if (err.code === 'InvalidRange') {
    fields.ActualObjectSize = d.size;
    if (d.range) fields.RangeRequested = d.range;
    headers['Content-Range'] = `bytes */${d.size}`;
  }
  if (err.code === 'ObjectTooLarge') {
    fields.ProposedSize = d.size;
    fields.MaxSizeAllowed = d.max;
  }
  if (err.code === 'PreconditionFailed' && d.condition) fields.Condition = d.condition;
  if (err.code === 'NotModified') {
    headers.ETag = `"${d.etag}"`;
    headers['Last-Modified'] = new Date(Number(d.lastModified)).toUTCString();
  }
  if (err.code === 'EntityTooSmall') {
    if (d.proposedSize !== undefined) fields.ProposedSize = d.proposedSize;
    if (d.minSizeAllowed !== undefined) fields.MinSizeAllowed = d.minSizeAllowed;
  }
  if (err.code === 'InvalidPart' || err.code === 'EntityTooSmall') {
    if (d.partNumber !== undefined) fields.PartNumber = d.partNumber;
    if (d.etag !== undefined) fields.ETag = d.etag;
  }
  if (d.retryAfter !== undefined) headers['Retry-After'] = String(d.retryAfter);
  if (err.code === 'UploadNotFound' && d.uploadId !== undefined) fields.UploadId = d.uploadId;
  if (err.code === 'VersionNotFound' && d.versionId !== undefined) fields.VersionId = d.versionId;
  // A delete marker answered instead of an object: NoSuchKey (current) or MethodNotAllowed (by version id).
  if (d.deleteMarker !== undefined) {
    headers[H.amzDeleteMarker] = 'true';
    if (d.versionId !== undefined) headers[H.amzVersionId] = String(d.versionId);
    if (d.markerLastModified !== undefined) headers['Last-Modified'] = new Date(Number(d.markerLastModified)).toUTCString();
    if (err.code === 'MethodNotAllowed') headers.Allow = 'DELETE';
  }
  return new S3Error(code, { message: KEEP_MESSAGE.has(err.code) ? err.message : undefined, fields, headers });
}
