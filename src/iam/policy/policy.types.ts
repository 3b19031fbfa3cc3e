/**
 * Types of the pure AWS IAM policy evaluator (bucket policies and identity policies for S3).
 *
 * A {@link PolicyDocument} is what {@link parsePolicy} returns: the JSON the user sent, validated and
 * normalized so that every element that AWS allows as "a string or an array of strings" is an array.
 * Nothing in this folder touches Nest, the database or the network.
 */

/** Which side of AWS's evaluation a policy sits on. */
export type PolicyKind = 'bucket' | 'identity';

/** The two policy language versions AWS accepts. Policy variables are substituted only under 2012-10-17. */
export const POLICY_VERSION_2012 = '2012-10-17';
export const POLICY_VERSION_2008 = '2008-10-17';

/**
 * `Principal` / `NotPrincipal` of a bucket-policy statement. `'*'` is the string form `"Principal": "*"`;
 * the object form keeps its values as arrays (`{"AWS": "*"}` becomes `{ AWS: ['*'] }`).
 * AWS values are `"*"`, an account id, `arn:aws:iam::<account>:root`, or a user ARN.
 */
export type PrincipalSpec = '*' | { AWS?: string[]; CanonicalUser?: string[]; Service?: string[]; Federated?: string[] };

/** Names of the principal types allowed in the object form of `Principal`. */
export type PrincipalType = 'AWS' | 'CanonicalUser' | 'Service' | 'Federated';

/**
 * `Condition`: operator (canonical spelling, e.g. `ForAnyValue:StringLikeIfExists`) → condition key (as written;
 * looked up case-insensitively) → values (numbers and booleans in the JSON are turned into strings).
 */
export type ConditionBlock = Record<string, Record<string, string[]>>;

/** One normalized statement. Exactly one of Action/NotAction and one of Resource/NotResource is set. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  /** Bucket policies only (exactly one of Principal/NotPrincipal); identity policies never have one. */
  Principal?: PrincipalSpec;
  NotPrincipal?: PrincipalSpec;
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Condition?: ConditionBlock;
}

/** A normalized policy. `Version` is `'2008-10-17'` when the JSON had none (AWS's default). */
export interface PolicyDocument {
  Version: string;
  Id?: string;
  Statement: PolicyStatement[];
}

/** The caller of a request, as the evaluator sees it. */
export type RequestPrincipal =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      /** `arn:aws:iam::<account>:user/<name>` (see {@link userArn}). */
      arn: string;
      /** The account (tenant) the user belongs to; matches `"AWS": "<account>"` and `arn:aws:iam::<account>:root`. */
      account: string;
      username: string;
      /** Stable unique id; the value of `aws:userid`. */
      userId: string;
      /** Canonical user id, if the server has one; matches `"CanonicalUser": "<id>"`. */
      canonicalId?: string;
    };

/** A condition-context value: one string, several (multi-valued keys such as `aws:TagKeys`), or absent. */
export type ContextValue = string | string[] | undefined;

/** Everything the evaluator needs to know about one request. */
export interface RequestContext {
  /** The IAM action, e.g. `s3:GetObject`. Matched case-insensitively, as IAM does. */
  action: string;
  /** The resource ARN, e.g. `arn:aws:s3:::bucket/key` (see {@link s3ResourceArn}). Matched case-sensitively. */
  resource: string;
  principal: RequestPrincipal;
  /**
   * Condition context keys → values; key lookup is case-insensitive and a missing key (or `undefined`) is absent.
   * Typical keys: aws:SourceIp, aws:SecureTransport ('true'|'false'), aws:CurrentTime (ISO 8601), aws:EpochTime,
   * aws:Referer, aws:UserAgent, s3:prefix, s3:delimiter, s3:max-keys, s3:x-amz-acl, s3:ExistingObjectTag/<key>,
   * s3:RequestObjectTag/<key>, s3:VersionId, s3:signatureversion, s3:authType, …
   *
   * Derived from {@link RequestContext.principal} when not given here: aws:username, aws:userid, aws:PrincipalType
   * ('User' | 'Anonymous'), aws:PrincipalArn, aws:PrincipalAccount. aws:EpochTime is derived from aws:CurrentTime
   * and vice versa. The evaluator never reads the clock itself: pass the time in.
   */
  context: Record<string, ContextValue>;
}

/** The outcome of evaluating every applicable policy for one request. */
export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** One policy handed to {@link evaluate}. */
export interface PolicyInput {
  kind: PolicyKind;
  document: PolicyDocument;
}
