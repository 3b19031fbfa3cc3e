/**
 * The pure AWS IAM policy evaluator for S3: parse and validate bucket/identity policies, evaluate requests
 * against them, and tell whether a bucket policy is public. No Nest, no DB, no I/O.
 *
 * Typical use by the S3 authorizer:
 * ```ts
 * const doc = parsePolicy(json, 'bucket', { bucket });            // at PutBucketPolicy (throws PolicyError)
 * const decision = evaluate(
 *   [...identityDocs.map((document) => ({ kind: 'identity', document })), { kind: 'bucket', document: doc }],
 *   { action: 's3:GetObject', resource: s3ResourceArn(bucket, key), principal, context: { 'aws:SourceIp': ip } },
 * );
 * ```
 */
export * from './policy.types';
export { PolicyError } from './policy.errors';
export { parsePolicy, parsePolicyObject, MAX_BUCKET_POLICY_BYTES, POLICY_MESSAGES, type ParsePolicyOptions } from './parse-policy';
export {
  evaluate,
  evaluateWithReason,
  evaluateStatement,
  principalMatches,
  type EvaluationResult,
  type StatementOutcome,
} from './evaluate';
export { isPublicPolicy, isPublicStatement } from './public-policy';
export { s3ResourceArn, userArn, accountRootArn, S3_ARN_PREFIX } from './arn';
export {
  S3_ACTIONS,
  S3_ACTION_RESOURCE_TYPES,
  canonicalS3Action,
  s3ActionResourceType,
  type S3Action,
  type S3ResourceType,
} from './s3-actions';
export { CONDITION_OPERATORS } from './conditions';
