/**
 * The S3 IAM actions a policy may name, each with the resource type it applies to (AWS's "Service Authorization
 * Reference" for Amazon S3). The resource type drives the bucket-policy check "Action does not apply to any
 * resource(s) in statement". The list is wider than what the server implements, so that policies copied from AWS
 * documentation parse; an action the server never checks simply never matches a request.
 */
export type S3ResourceType = 'object' | 'bucket' | 'service';

export const S3_ACTION_RESOURCE_TYPES = {
  // service level (Resource "*")
  's3:ListAllMyBuckets': 'service',
  's3:GetAccountPublicAccessBlock': 'service',
  's3:PutAccountPublicAccessBlock': 'service',

  // bucket level (arn:aws:s3:::bucket)
  's3:CreateBucket': 'bucket',
  's3:DeleteBucket': 'bucket',
  's3:ListBucket': 'bucket',
  's3:ListBucketVersions': 'bucket',
  's3:ListBucketMultipartUploads': 'bucket',
  's3:GetBucketLocation': 'bucket',
  's3:GetBucketPolicy': 'bucket',
  's3:PutBucketPolicy': 'bucket',
  's3:DeleteBucketPolicy': 'bucket',
  's3:GetBucketPolicyStatus': 'bucket',
  's3:GetBucketAcl': 'bucket',
  's3:PutBucketAcl': 'bucket',
  's3:GetBucketTagging': 'bucket',
  's3:PutBucketTagging': 'bucket',
  's3:GetBucketVersioning': 'bucket',
  's3:PutBucketVersioning': 'bucket',
  's3:GetBucketCORS': 'bucket',
  's3:PutBucketCORS': 'bucket',
  's3:GetLifecycleConfiguration': 'bucket',
  's3:PutLifecycleConfiguration': 'bucket',
  's3:GetBucketObjectLockConfiguration': 'bucket',
  's3:PutBucketObjectLockConfiguration': 'bucket',
  's3:GetBucketNotification': 'bucket',
  's3:PutBucketNotification': 'bucket',
  's3:GetEncryptionConfiguration': 'bucket',
  's3:PutEncryptionConfiguration': 'bucket',
  's3:GetBucketWebsite': 'bucket',
  's3:PutBucketWebsite': 'bucket',
  's3:DeleteBucketWebsite': 'bucket',
  's3:GetBucketLogging': 'bucket',
  's3:PutBucketLogging': 'bucket',
  's3:GetReplicationConfiguration': 'bucket',
  's3:PutReplicationConfiguration': 'bucket',
  's3:GetBucketOwnershipControls': 'bucket',
  's3:PutBucketOwnershipControls': 'bucket',
  's3:GetBucketPublicAccessBlock': 'bucket',
  's3:PutBucketPublicAccessBlock': 'bucket',
  's3:GetAccelerateConfiguration': 'bucket',
  's3:PutAccelerateConfiguration': 'bucket',
  's3:GetBucketRequestPayment': 'bucket',
  's3:PutBucketRequestPayment': 'bucket',
  's3:GetAnalyticsConfiguration': 'bucket',
  's3:PutAnalyticsConfiguration': 'bucket',
  's3:GetInventoryConfiguration': 'bucket',
  's3:PutInventoryConfiguration': 'bucket',
  's3:GetMetricsConfiguration': 'bucket',
  's3:PutMetricsConfiguration': 'bucket',
  's3:GetIntelligentTieringConfiguration': 'bucket',
  's3:PutIntelligentTieringConfiguration': 'bucket',

  // object level (arn:aws:s3:::bucket/key)
  's3:GetObject': 'object',
  's3:PutObject': 'object',
  's3:DeleteObject': 'object',
  's3:GetObjectVersion': 'object',
  's3:DeleteObjectVersion': 'object',
  's3:GetObjectAcl': 'object',
  's3:PutObjectAcl': 'object',
  's3:GetObjectVersionAcl': 'object',
  's3:PutObjectVersionAcl': 'object',
  's3:GetObjectTagging': 'object',
  's3:PutObjectTagging': 'object',
  's3:DeleteObjectTagging': 'object',
  's3:GetObjectVersionTagging': 'object',
  's3:PutObjectVersionTagging': 'object',
  's3:DeleteObjectVersionTagging': 'object',
  's3:GetObjectRetention': 'object',
  's3:PutObjectRetention': 'object',
  's3:GetObjectLegalHold': 'object',
  's3:PutObjectLegalHold': 'object',
  's3:BypassGovernanceRetention': 'object',
  's3:GetObjectAttributes': 'object',
  's3:GetObjectVersionAttributes': 'object',
  's3:GetObjectTorrent': 'object',
  's3:GetObjectVersionTorrent': 'object',
  's3:GetObjectVersionForReplication': 'object',
  's3:ListMultipartUploadParts': 'object',
  's3:AbortMultipartUpload': 'object',
  's3:RestoreObject': 'object',
  's3:ReplicateObject': 'object',
  's3:ReplicateDelete': 'object',
  's3:ReplicateTags': 'object',
  's3:ObjectOwnerOverrideToBucketOwner': 'object',
} as const satisfies Record<string, S3ResourceType>;

/** A valid S3 IAM action name, in AWS's spelling. */
export type S3Action = keyof typeof S3_ACTION_RESOURCE_TYPES;

/** Every valid S3 action name (AWS spelling). Validation compares case-insensitively. */
export const S3_ACTIONS: readonly S3Action[] = Object.freeze(Object.keys(S3_ACTION_RESOURCE_TYPES) as S3Action[]);

const BY_LOWER: ReadonlyMap<string, S3Action> = new Map(S3_ACTIONS.map((a) => [a.toLowerCase(), a]));

/** The AWS spelling of an S3 action given in any case (`s3:getobject` → `s3:GetObject`), or undefined. */
export function canonicalS3Action(action: string): S3Action | undefined {
  return BY_LOWER.get(action.toLowerCase());
}

/** The resource type an S3 action applies to. */
export function s3ActionResourceType(action: S3Action): S3ResourceType {
  return S3_ACTION_RESOURCE_TYPES[action];
}
