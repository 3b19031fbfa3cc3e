/**
 * The S3 operation table: the one source of truth for routing, IAM actions, metric labels and
 * audit events. An entry without a handler must be marked notImplemented (checked at boot).
 */
export type Scope = 'service' | 'bucket' | 'object';

export interface OperationSpec {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD' | 'OPTIONS';
  scope: Scope;
  /** Query flag(s) that select this operation (all must be present). */
  query?: string[];
  /** A header that selects this operation (e.g. x-amz-copy-source). */
  header?: string;
  /** IAM action. */
  action: string;
  /** Answered with 501 NotImplemented until the issue that builds it lands. */
  notImplemented?: true;
  /**
   * Answered without authentication or authorization: the request carries no credentials by
   * design (a browser's CORS preflight). The handler decides alone what to reveal.
   */
  anonymous?: true;
  /**
   * Credentials come in the request body (a browser form's policy signature): the request is not
   * authenticated from its headers; the handler signs in (`S3Call.signIn`) and authorizes.
   */
  formAuth?: true;
}

const op = (method: OperationSpec['method'], scope: Scope, action: string, extra: Partial<OperationSpec> = {}): OperationSpec => ({
  method,
  scope,
  action,
  ...extra,
});
const NI = { notImplemented: true } as const;

export const OPERATIONS = {
  ListBuckets: op('GET', 'service', 's3:ListAllMyBuckets'),

  CreateBucket: op('PUT', 'bucket', 's3:CreateBucket'),
  DeleteBucket: op('DELETE', 'bucket', 's3:DeleteBucket'),
  HeadBucket: op('HEAD', 'bucket', 's3:ListBucket'),
  ListObjects: op('GET', 'bucket', 's3:ListBucket'),
  ListObjectsV2: op('GET', 'bucket', 's3:ListBucket', { query: ['list-type'] }),
  GetBucketLocation: op('GET', 'bucket', 's3:GetBucketLocation', { query: ['location'] }),
  DeleteObjects: op('POST', 'bucket', 's3:DeleteObject', { query: ['delete'] }),
  // Browser form uploads (presigned POST policies): authenticated from the form's policy signature.
  PostObject: op('POST', 'bucket', 's3:PutObject', { formAuth: true }),
  ListMultipartUploads: op('GET', 'bucket', 's3:ListBucketMultipartUploads', { query: ['uploads'] }),
  ListObjectVersions: op('GET', 'bucket', 's3:ListBucketVersions', { query: ['versions'] }),
  GetBucketVersioning: op('GET', 'bucket', 's3:GetBucketVersioning', { query: ['versioning'] }),
  PutBucketVersioning: op('PUT', 'bucket', 's3:PutBucketVersioning', { query: ['versioning'] }),
  GetBucketCors: op('GET', 'bucket', 's3:GetBucketCORS', { query: ['cors'] }),
  PutBucketCors: op('PUT', 'bucket', 's3:PutBucketCORS', { query: ['cors'] }),
  DeleteBucketCors: op('DELETE', 'bucket', 's3:PutBucketCORS', { query: ['cors'] }),
  GetBucketAcl: op('GET', 'bucket', 's3:GetBucketAcl', { query: ['acl'] }),
  PutBucketAcl: op('PUT', 'bucket', 's3:PutBucketAcl', { query: ['acl'] }),
  GetBucketPolicy: op('GET', 'bucket', 's3:GetBucketPolicy', { query: ['policy'] }),
  PutBucketPolicy: op('PUT', 'bucket', 's3:PutBucketPolicy', { query: ['policy'] }),
  DeleteBucketPolicy: op('DELETE', 'bucket', 's3:DeleteBucketPolicy', { query: ['policy'] }),
  GetBucketPolicyStatus: op('GET', 'bucket', 's3:GetBucketPolicyStatus', { query: ['policyStatus'] }),
  GetBucketTagging: op('GET', 'bucket', 's3:GetBucketTagging', { query: ['tagging'] }),
  PutBucketTagging: op('PUT', 'bucket', 's3:PutBucketTagging', { query: ['tagging'] }),
  DeleteBucketTagging: op('DELETE', 'bucket', 's3:PutBucketTagging', { query: ['tagging'] }),
  GetBucketLifecycleConfiguration: op('GET', 'bucket', 's3:GetLifecycleConfiguration', { query: ['lifecycle'] }),
  PutBucketLifecycleConfiguration: op('PUT', 'bucket', 's3:PutLifecycleConfiguration', { query: ['lifecycle'] }),
  DeleteBucketLifecycle: op('DELETE', 'bucket', 's3:PutLifecycleConfiguration', { query: ['lifecycle'] }),
  // A CORS preflight ("OPTIONS object" in S3's API reference) names no IAM action: it is never authorized.
  OptionsBucket: op('OPTIONS', 'bucket', '', { anonymous: true }),
  GetBucketNotificationConfiguration: op('GET', 'bucket', 's3:GetBucketNotification', { query: ['notification'] }),
  PutBucketNotificationConfiguration: op('PUT', 'bucket', 's3:PutBucketNotification', { query: ['notification'] }),
  GetObjectLockConfiguration: op('GET', 'bucket', 's3:GetBucketObjectLockConfiguration', { query: ['object-lock'] }),
  PutObjectLockConfiguration: op('PUT', 'bucket', 's3:PutBucketObjectLockConfiguration', { query: ['object-lock'] }),
  // Features this server does not offer: reading their configuration answers what S3 answers for a
  // bucket without one (tools such as Terraform read them all); setting one is NotImplemented.
  GetBucketEncryption: op('GET', 'bucket', 's3:GetEncryptionConfiguration', { query: ['encryption'] }),
  PutBucketEncryption: op('PUT', 'bucket', 's3:PutEncryptionConfiguration', { query: ['encryption'] }),
  DeleteBucketEncryption: op('DELETE', 'bucket', 's3:PutEncryptionConfiguration', { query: ['encryption'] }),
  GetBucketWebsite: op('GET', 'bucket', 's3:GetBucketWebsite', { query: ['website'] }),
  PutBucketWebsite: op('PUT', 'bucket', 's3:PutBucketWebsite', { query: ['website'], ...NI }),
  DeleteBucketWebsite: op('DELETE', 'bucket', 's3:DeleteBucketWebsite', { query: ['website'], ...NI }),
  GetBucketLogging: op('GET', 'bucket', 's3:GetBucketLogging', { query: ['logging'] }),
  PutBucketLogging: op('PUT', 'bucket', 's3:PutBucketLogging', { query: ['logging'], ...NI }),
  GetBucketReplication: op('GET', 'bucket', 's3:GetReplicationConfiguration', { query: ['replication'] }),
  PutBucketReplication: op('PUT', 'bucket', 's3:PutReplicationConfiguration', { query: ['replication'] }),
  DeleteBucketReplication: op('DELETE', 'bucket', 's3:PutReplicationConfiguration', { query: ['replication'] }),
  GetBucketOwnershipControls: op('GET', 'bucket', 's3:GetBucketOwnershipControls', { query: ['ownershipControls'] }),
  PutBucketOwnershipControls: op('PUT', 'bucket', 's3:PutBucketOwnershipControls', { query: ['ownershipControls'] }),
  DeleteBucketOwnershipControls: op('DELETE', 'bucket', 's3:PutBucketOwnershipControls', { query: ['ownershipControls'] }),
  GetPublicAccessBlock: op('GET', 'bucket', 's3:GetBucketPublicAccessBlock', { query: ['publicAccessBlock'] }),
  PutPublicAccessBlock: op('PUT', 'bucket', 's3:PutBucketPublicAccessBlock', { query: ['publicAccessBlock'] }),
  DeletePublicAccessBlock: op('DELETE', 'bucket', 's3:PutBucketPublicAccessBlock', { query: ['publicAccessBlock'] }),
  GetBucketAccelerateConfiguration: op('GET', 'bucket', 's3:GetAccelerateConfiguration', { query: ['accelerate'] }),
  GetBucketRequestPayment: op('GET', 'bucket', 's3:GetBucketRequestPayment', { query: ['requestPayment'] }),
  // Bucket analytics, metrics, S3 inventory and Intelligent-Tiering configurations: not offered.
  // Listed so that their requests answer 501 instead of falling through to ListObjects.
  ListBucketAnalyticsConfigurations: op('GET', 'bucket', 's3:GetAnalyticsConfiguration', { query: ['analytics'], ...NI }),
  GetBucketAnalyticsConfiguration: op('GET', 'bucket', 's3:GetAnalyticsConfiguration', { query: ['analytics', 'id'], ...NI }),
  PutBucketAnalyticsConfiguration: op('PUT', 'bucket', 's3:PutAnalyticsConfiguration', { query: ['analytics'], ...NI }),
  DeleteBucketAnalyticsConfiguration: op('DELETE', 'bucket', 's3:PutAnalyticsConfiguration', { query: ['analytics'], ...NI }),
  ListBucketMetricsConfigurations: op('GET', 'bucket', 's3:GetMetricsConfiguration', { query: ['metrics'], ...NI }),
  GetBucketMetricsConfiguration: op('GET', 'bucket', 's3:GetMetricsConfiguration', { query: ['metrics', 'id'], ...NI }),
  PutBucketMetricsConfiguration: op('PUT', 'bucket', 's3:PutMetricsConfiguration', { query: ['metrics'], ...NI }),
  DeleteBucketMetricsConfiguration: op('DELETE', 'bucket', 's3:PutMetricsConfiguration', { query: ['metrics'], ...NI }),
  ListBucketInventoryConfigurations: op('GET', 'bucket', 's3:GetInventoryConfiguration', { query: ['inventory'], ...NI }),
  GetBucketInventoryConfiguration: op('GET', 'bucket', 's3:GetInventoryConfiguration', { query: ['inventory', 'id'], ...NI }),
  PutBucketInventoryConfiguration: op('PUT', 'bucket', 's3:PutInventoryConfiguration', { query: ['inventory'], ...NI }),
  DeleteBucketInventoryConfiguration: op('DELETE', 'bucket', 's3:PutInventoryConfiguration', { query: ['inventory'], ...NI }),
  ListBucketIntelligentTieringConfigurations: op('GET', 'bucket', 's3:GetIntelligentTieringConfiguration', {
    query: ['intelligent-tiering'],
    ...NI,
  }),
  GetBucketIntelligentTieringConfiguration: op('GET', 'bucket', 's3:GetIntelligentTieringConfiguration', {
    query: ['intelligent-tiering', 'id'],
    ...NI,
  }),
  PutBucketIntelligentTieringConfiguration: op('PUT', 'bucket', 's3:PutIntelligentTieringConfiguration', {
    query: ['intelligent-tiering'],
    ...NI,
  }),
  DeleteBucketIntelligentTieringConfiguration: op('DELETE', 'bucket', 's3:PutIntelligentTieringConfiguration', {
    query: ['intelligent-tiering'],
    ...NI,
  }),

  PutObject: op('PUT', 'object', 's3:PutObject'),
  OptionsObject: op('OPTIONS', 'object', '', { anonymous: true }),
  CopyObject: op('PUT', 'object', 's3:PutObject', { header: 'x-amz-copy-source' }),
  GetObject: op('GET', 'object', 's3:GetObject'),
  HeadObject: op('HEAD', 'object', 's3:GetObject'),
  DeleteObject: op('DELETE', 'object', 's3:DeleteObject'),
  CreateMultipartUpload: op('POST', 'object', 's3:PutObject', { query: ['uploads'] }),
  UploadPart: op('PUT', 'object', 's3:PutObject', { query: ['partNumber', 'uploadId'] }),
  UploadPartCopy: op('PUT', 'object', 's3:PutObject', { query: ['partNumber', 'uploadId'], header: 'x-amz-copy-source' }),
  CompleteMultipartUpload: op('POST', 'object', 's3:PutObject', { query: ['uploadId'] }),
  AbortMultipartUpload: op('DELETE', 'object', 's3:AbortMultipartUpload', { query: ['uploadId'] }),
  ListParts: op('GET', 'object', 's3:ListMultipartUploadParts', { query: ['uploadId'] }),
  GetObjectTagging: op('GET', 'object', 's3:GetObjectTagging', { query: ['tagging'] }),
  PutObjectTagging: op('PUT', 'object', 's3:PutObjectTagging', { query: ['tagging'] }),
  DeleteObjectTagging: op('DELETE', 'object', 's3:DeleteObjectTagging', { query: ['tagging'] }),
  GetObjectAcl: op('GET', 'object', 's3:GetObjectAcl', { query: ['acl'] }),
  PutObjectAcl: op('PUT', 'object', 's3:PutObjectAcl', { query: ['acl'] }),
  GetObjectRetention: op('GET', 'object', 's3:GetObjectRetention', { query: ['retention'] }),
  PutObjectRetention: op('PUT', 'object', 's3:PutObjectRetention', { query: ['retention'] }),
  GetObjectLegalHold: op('GET', 'object', 's3:GetObjectLegalHold', { query: ['legal-hold'] }),
  PutObjectLegalHold: op('PUT', 'object', 's3:PutObjectLegalHold', { query: ['legal-hold'] }),
  GetObjectAttributes: op('GET', 'object', 's3:GetObjectAttributes', { query: ['attributes'] }),
  RestoreObject: op('POST', 'object', 's3:RestoreObject', { query: ['restore'], ...NI }),
  SelectObjectContent: op('POST', 'object', 's3:GetObject', { query: ['select'], ...NI }),
  GetObjectTorrent: op('GET', 'object', 's3:GetObject', { query: ['torrent'], ...NI }),
} as const satisfies Record<string, OperationSpec>;

export type OperationName = keyof typeof OPERATIONS;
