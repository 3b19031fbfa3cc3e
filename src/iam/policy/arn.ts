/** ARNs the server builds for the evaluator. */

/** `arn:aws:s3:::` — every S3 resource ARN starts with it. */
export const S3_ARN_PREFIX = 'arn:aws:s3:::';

/**
 * The S3 resource ARN of a request:
 * - no bucket (ListAllMyBuckets): `arn:aws:s3:::` (matched by `"*"` and `"arn:aws:s3:::*"`, as in AWS examples);
 * - bucket only: `arn:aws:s3:::<bucket>`;
 * - bucket and key: `arn:aws:s3:::<bucket>/<key>` (the key verbatim, not URL-encoded).
 */
export function s3ResourceArn(bucket?: string, key?: string): string {
  if (bucket === undefined || bucket === '') return S3_ARN_PREFIX;
  return key === undefined ? `${S3_ARN_PREFIX}${bucket}` : `${S3_ARN_PREFIX}${bucket}/${key}`;
}

/** The ARN of a user: `arn:aws:iam::<account>:user/<name>`. */
export function userArn(account: string, username: string): string {
  return `arn:aws:iam::${account}:user/${username}`;
}

/** The ARN standing for "every principal of this account": `arn:aws:iam::<account>:root`. */
export function accountRootArn(account: string): string {
  return `arn:aws:iam::${account}:root`;
}
