/**
 * Every S3 error code the server emits, with its HTTP status and AWS's default message.
 * Nothing else may produce an S3 error code: add a line here first.
 */
export const S3_ERRORS = {
  AccessDenied: { status: 403, message: 'Access Denied' },
  AccessControlListNotSupported: { status: 400, message: 'The bucket does not allow ACLs' },
  /** A CORS preflight that no rule allows (S3 writes the reason after `CORSResponse: `). */
  AccessForbidden: { status: 403, message: 'CORSResponse: This CORS request is not allowed.' },
  AuthorizationHeaderMalformed: {
    status: 400,
    message: 'The authorization header is malformed.',
  },
  AuthorizationQueryParametersError: {
    status: 400,
    message: 'Error parsing the X-Amz-Credential parameter.',
  },
  AmbiguousGrantByEmailAddress: {
    status: 400,
    message: 'The email address you provided is associated with more than one account.',
  },
  BadRequest: { status: 400, message: 'Bad Request' },
  BadDigest: {
    status: 400,
    message: 'The Content-MD5 you specified did not match what we received.',
  },
  BucketAlreadyExists: {
    status: 409,
    message:
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
  },
  BucketAlreadyOwnedByYou: {
    status: 409,
    message: 'Your previous request to create the named bucket succeeded and you already own it.',
  },
  BucketNotEmpty: { status: 409, message: 'The bucket you tried to delete is not empty.' },
  EntityTooLarge: {
    status: 400,
    message: 'Your proposed upload exceeds the maximum allowed object size.',
  },
  EntityTooSmall: {
    status: 400,
    message: 'Your proposed upload is smaller than the minimum allowed object size.',
  },
  ExpiredToken: { status: 400, message: 'The provided token has expired.' },
  IncompleteBody: {
    status: 400,
    message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.',
  },
  InternalError: {
    status: 500,
    message: 'We encountered an internal error. Please try again.',
  },
  InvalidAccessKeyId: {
    status: 403,
    message: 'The AWS Access Key Id you provided does not exist in our records.',
  },
  InvalidArgument: { status: 400, message: 'Invalid Argument' },
  InvalidBucketName: { status: 400, message: 'The specified bucket is not valid.' },
  InvalidBucketState: { status: 409, message: 'The request is not valid with the current state of the bucket.' },
  /** SSE-KMS with a KMS key that is disabled (writes and reads). */
  'KMS.DisabledException': { status: 400, message: 'The KMS key is disabled.' },
  /** SSE-KMS with a KMS key id, ARN or alias that names no key. */
  'KMS.NotFoundException': { status: 400, message: 'Invalid keyId' },
  InvalidEncryptionAlgorithmError: {
    status: 400,
    message: 'The encryption request you specified is not valid. The valid value is AES256.',
  },
  InvalidBucketAclWithObjectOwnership: {
    status: 400,
    message: "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
  },
  InvalidPolicyDocument: { status: 400, message: 'The content of the form does not meet the conditions specified in the policy document.' },
  MaxPostPreDataLengthExceededError: {
    status: 400,
    message: 'Your POST request fields preceding the upload file were too large.',
  },
  MalformedPOSTRequest: { status: 400, message: 'The body of your POST request is not well-formed multipart/form-data.' },
  IncorrectNumberOfFilesInPostRequest: { status: 400, message: 'POST requires exactly one file upload per request.' },
  InvalidDigest: {
    status: 400,
    message: 'The Content-MD5 or checksum value that you specified is not valid.',
  },
  InvalidLocationConstraint: {
    status: 400,
    message: 'The specified location-constraint is not valid.',
  },
  InvalidPart: {
    status: 400,
    message:
      "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.",
  },
  InvalidPartOrder: {
    status: 400,
    message: 'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
  },
  InvalidPartNumber: { status: 416, message: 'The requested partnumber is not satisfiable' },
  InvalidURI: { status: 400, message: "Couldn't parse the specified URI." },
  InvalidRetentionPeriod: { status: 400, message: 'Default retention period must be a positive integer value.' },
  InvalidRange: { status: 416, message: 'The requested range is not satisfiable' },
  InvalidRequest: { status: 400, message: 'Invalid Request' },
  InvalidStorageClass: {
    status: 400,
    message: 'The storage class you specified is not valid.',
  },
  InvalidTag: {
    status: 400,
    message: 'The tag provided was not a valid tag. This error can occur if the tag did not pass input validation.',
  },
  KeyTooLongError: { status: 400, message: 'Your key is too long.' },
  MalformedPolicy: { status: 400, message: "Policies must be valid JSON and the first byte must be '{'" },
  MalformedACLError: {
    status: 400,
    message: 'The XML you provided was not well-formed or did not validate against our published schema.',
  },
  NoSuchBucketPolicy: { status: 404, message: 'The bucket policy does not exist' },
  MalformedXML: {
    status: 400,
    message: 'The XML you provided was not well-formed or did not validate against our published schema.',
  },
  MaxMessageLengthExceeded: {
    status: 400,
    message: 'Your request was too big.',
  },
  MetadataTooLarge: {
    status: 400,
    message: 'Your metadata headers exceed the maximum allowed metadata size.',
  },
  MethodNotAllowed: {
    status: 405,
    message: 'The specified method is not allowed against this resource.',
  },
  MissingContentLength: {
    status: 411,
    message: 'You must provide the Content-Length HTTP header.',
  },
  MissingSecurityHeader: {
    status: 400,
    message: 'Your request is missing a required header.',
  },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist.' },
  NoSuchCORSConfiguration: { status: 404, message: 'The CORS configuration does not exist' },
  NoSuchWebsiteConfiguration: { status: 404, message: 'The specified bucket does not have a website configuration' },
  NoSuchPublicAccessBlockConfiguration: { status: 404, message: 'The public access block configuration was not found' },
  ServerSideEncryptionConfigurationNotFoundError: { status: 404, message: 'The server side encryption configuration was not found' },
  ReplicationConfigurationNotFoundError: { status: 404, message: 'The replication configuration was not found' },
  OwnershipControlsNotFoundError: { status: 404, message: 'The bucket ownership controls were not found' },
  NoSuchLifecycleConfiguration: { status: 404, message: 'The lifecycle configuration does not exist' },
  NoSuchTagSet: { status: 404, message: 'The TagSet does not exist' },
  NoSuchKey: { status: 404, message: 'The specified key does not exist.' },
  NoSuchUpload: {
    status: 404,
    message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  },
  NoSuchObjectLockConfiguration: { status: 404, message: 'The specified object does not have a ObjectLock configuration' },
  NoSuchVersion: { status: 404, message: 'The specified version does not exist.' },
  NotImplemented: {
    status: 501,
    message: 'A header you provided implies functionality that is not implemented.',
  },
  NotModified: { status: 304, message: 'Not Modified' },
  /** The API reference's code for changes a retention forbids (deletes of locked versions answer AccessDenied, as S3). */
  ObjectLocked: { status: 403, message: 'Object is WORM protected and cannot be overwritten.' },
  ObjectLockConfigurationNotFoundError: { status: 404, message: 'Object Lock configuration does not exist for this bucket' },
  PreconditionFailed: {
    status: 412,
    message: 'At least one of the pre-conditions you specified did not hold.',
  },
  QuotaExceeded: { status: 403, message: 'The quota for this account has been exceeded.' },
  RequestTimeTooSkewed: {
    status: 403,
    message: "The difference between the request time and the server's time is too large.",
  },
  ServiceUnavailable: { status: 503, message: 'Please reduce your request rate.' },
  /** Too many uploads in flight from one client (S3's throttling answer; SDKs retry it). */
  SlowDown: { status: 503, message: 'Please reduce your request rate.' },
  /** No room left on the disk for a write (MinIO's answer; not in AWS's list, which never runs out). */
  InsufficientStorage: {
    status: 507,
    message: 'Storage backend has reached its minimum free drive threshold. Please delete a few objects to proceed.',
  },
  /** The client stopped sending its body. */
  RequestTimeout: {
    status: 400,
    message:
      'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.',
  },
  SignatureDoesNotMatch: {
    status: 403,
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  },
  UnresolvableGrantByEmailAddress: {
    status: 400,
    message: 'The email address you provided does not match any account on record.',
  },
  XAmzContentSHA256Mismatch: {
    status: 400,
    message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
  },
  XAmzContentChecksumMismatch: {
    status: 400,
    message: 'The provided checksum does not match what was computed.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type S3ErrorCode = keyof typeof S3_ERRORS;
