import { s3ResourceArn, userArn } from './arn';
import { evaluate, evaluateStatement, evaluateWithReason } from './evaluate';
import { parsePolicy } from './parse-policy';
import type { ContextValue, Decision, PolicyInput, RequestContext, RequestPrincipal } from './policy.types';

// Policies below follow AWS's documented bucket-policy and identity-policy examples
// (S3 User Guide "Examples of Amazon S3 bucket policies", IAM User Guide "Example policies").
const BUCKET = 'DOC-EXAMPLE-BUCKET';
const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';

function user(name: string, account = ACCOUNT): RequestPrincipal {
  return {
    kind: 'user',
    arn: userArn(account, name),
    account,
    username: name,
    userId: `AIDA${name.toUpperCase()}`,
    canonicalId: `canon-${name}`,
  };
}
const alice = user('alice');
const bob = user('bob');
const carol = user('carol', OTHER_ACCOUNT);
const anonymous: RequestPrincipal = { kind: 'anonymous' };

function bucketPolicy(statement: object | object[], version = '2012-10-17'): PolicyInput {
  const doc = parsePolicy(JSON.stringify({ Version: version, Statement: statement }), 'bucket', { bucket: BUCKET });
  return { kind: 'bucket', document: doc };
}
/** `version: null` leaves the Version element out. */
function identityPolicy(statement: object | object[], version: string | null = '2012-10-17'): PolicyInput {
  const doc = parsePolicy(JSON.stringify({ ...(version ? { Version: version } : {}), Statement: statement }), 'identity');
  return { kind: 'identity', document: doc };
}
function req(
  action: string,
  key: string | undefined,
  principal: RequestPrincipal,
  context: Record<string, ContextValue> = {},
): RequestContext {
  return { action, resource: s3ResourceArn(BUCKET, key), principal, context };
}

const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const OBJECTS_ARN = `arn:aws:s3:::${BUCKET}/*`;
const allowAllIdentity = identityPolicy({ Effect: 'Allow', Action: 's3:*', Resource: '*' });

// ---- AWS examples -------------------------------------------------------------------------------------------------

/** "Granting read-only permission to a public anonymous user". */
const publicRead = bucketPolicy({
  Sid: 'PublicRead',
  Effect: 'Allow',
  Principal: '*',
  Action: ['s3:GetObject', 's3:GetObjectVersion'],
  Resource: [OBJECTS_ARN],
});

/** "Restricting access to HTTPS requests" (deny when aws:SecureTransport is false). */
const httpsOnly = bucketPolicy({
  Sid: 'RestrictToTLSRequestsOnly',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [BUCKET_ARN, OBJECTS_ARN],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

/** "Managing access based on specific IP addresses" (IPv4 and IPv6). */
const ipRestricted = bucketPolicy({
  Sid: 'IPAllow',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [BUCKET_ARN, OBJECTS_ARN],
  Condition: { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '2001:DB8:1234:5678::/64'] } },
});

/** IAM "Allows IAM users to access their own home directory in Amazon S3". */
const homeDirectory = (version: string | null = '2012-10-17') =>
  identityPolicy(
    [
      {
        Sid: 'AllowListingOfUserFolder',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [BUCKET_ARN],
        Condition: { StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:username}/*'] } },
      },
      { Sid: 'AllowAllS3ActionsInUserFolder', Effect: 'Allow', Action: ['s3:*'], Resource: [`${BUCKET_ARN}/home/\${aws:username}/*`] },
    ],
    version,
  );

/** Deny object deletion under a prefix, for everyone. */
const protectPrefix = bucketPolicy({ Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: `${BUCKET_ARN}/protected/*` });

/** "Granting cross-account permissions to upload objects while ensuring the bucket owner has full control". */
const requireOwnerFullControl = bucketPolicy({
  Sid: 'AllowCarolUploadWithOwnerControl',
  Effect: 'Allow',
  Principal: { AWS: userArn(OTHER_ACCOUNT, 'carol') },
  Action: 's3:PutObject',
  Resource: OBJECTS_ARN,
  Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
});
const denyWithoutOwnerFullControl = bucketPolicy({
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:PutObject',
  Resource: OBJECTS_ARN,
  Condition: { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
});

/** IAM "Allows access within specific dates" (aws:CurrentTime window). */
const dateWindow = identityPolicy({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: OBJECTS_ARN,
  Condition: {
    DateGreaterThan: { 'aws:CurrentTime': '2020-04-01T00:00:00Z' },
    DateLessThan: { 'aws:CurrentTime': '2020-06-30T23:59:59Z' },
  },
});

/** "Limiting the maximum number of keys" (s3:max-keys). */
const maxKeys = bucketPolicy({
  Effect: 'Allow',
  Principal: { AWS: ACCOUNT },
  Action: 's3:ListBucket',
  Resource: BUCKET_ARN,
  Condition: { NumericLessThanEquals: { 's3:max-keys': '10' } },
});

/** "Requiring server-side encryption" with the Null operator. */
const requireSse = bucketPolicy({
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:PutObject',
  Resource: OBJECTS_ARN,
  Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
});

/** Tag-based access: "s3:ExistingObjectTag/<key>". */
const productionTagOnly = identityPolicy({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: OBJECTS_ARN,
  Condition: { StringEquals: { 's3:ExistingObjectTag/environment': 'production' } },
});

/** "Restricting object tag keys that users can add" (ForAllValues) / "require at least one" (ForAnyValue). */
const allowedTagKeys = identityPolicy({
  Effect: 'Allow',
  Action: 's3:PutObjectTagging',
  Resource: OBJECTS_ARN,
  Condition: { 'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['Owner', 'CreationDate'] } },
});
const someTagKey = identityPolicy({
  Effect: 'Allow',
  Action: 's3:PutObjectTagging',
  Resource: OBJECTS_ARN,
  Condition: { 'ForAnyValue:StringEquals': { 's3:RequestObjectTagKeys': ['Owner'] } },
});

// ---- the table ----------------------------------------------------------------------------------------------------

interface Case {
  name: string;
  policies: PolicyInput[];
  request: RequestContext;
  expected: Decision;
}

const cases: Case[] = [
  // public read
  {
    name: 'public read: anonymous GetObject',
    policies: [publicRead],
    request: req('s3:GetObject', 'a/b.txt', anonymous),
    expected: 'Allow',
  },
  {
    name: 'public read: a user also matches Principal "*"',
    policies: [publicRead],
    request: req('s3:GetObject', 'x', alice),
    expected: 'Allow',
  },
  {
    name: 'public read: anonymous PutObject',
    policies: [publicRead],
    request: req('s3:PutObject', 'x', anonymous),
    expected: 'ImplicitDeny',
  },
  {
    name: 'public read: ListBucket is a bucket resource',
    policies: [publicRead],
    request: req('s3:ListBucket', undefined, anonymous),
    expected: 'ImplicitDeny',
  },
  {
    name: 'public read: another bucket',
    policies: [publicRead],
    request: { action: 's3:GetObject', resource: s3ResourceArn('other', 'x'), principal: anonymous, context: {} },
    expected: 'ImplicitDeny',
  },
  { name: 'no policy at all', policies: [], request: req('s3:GetObject', 'x', alice), expected: 'ImplicitDeny' },

  // HTTPS only
  {
    name: 'https only: plain HTTP is denied',
    policies: [allowAllIdentity, httpsOnly],
    request: req('s3:GetObject', 'x', alice, { 'aws:SecureTransport': 'false' }),
    expected: 'ExplicitDeny',
  },
  {
    name: 'https only: TLS is allowed',
    policies: [allowAllIdentity, httpsOnly],
    request: req('s3:GetObject', 'x', alice, { 'aws:SecureTransport': 'true' }),
    expected: 'Allow',
  },
  {
    name: 'https only: Bool on a missing key is false',
    policies: [allowAllIdentity, httpsOnly],
    request: req('s3:GetObject', 'x', alice),
    expected: 'Allow',
  },
  {
    name: 'https only: condition keys are case-insensitive',
    policies: [allowAllIdentity, httpsOnly],
    request: req('s3:ListBucket', undefined, alice, { 'AWS:SECURETRANSPORT': 'false' }),
    expected: 'ExplicitDeny',
  },

  // IP ranges
  {
    name: 'ip: inside the IPv4 range',
    policies: [allowAllIdentity, ipRestricted],
    request: req('s3:GetObject', 'x', alice, { 'aws:SourceIp': '192.0.2.77' }),
    expected: 'Allow',
  },
  {
    name: 'ip: outside the IPv4 range',
    policies: [allowAllIdentity, ipRestricted],
    request: req('s3:GetObject', 'x', alice, { 'aws:SourceIp': '198.51.100.1' }),
    expected: 'ExplicitDeny',
  },
  {
    name: 'ip: inside the IPv6 range (case-insensitive hex)',
    policies: [allowAllIdentity, ipRestricted],
    request: req('s3:GetObject', 'x', alice, { 'aws:SourceIp': '2001:db8:1234:5678:abcd::1' }),
    expected: 'Allow',
  },
  {
    name: 'ip: outside the IPv6 range',
    policies: [allowAllIdentity, ipRestricted],
    request: req('s3:GetObject', 'x', alice, { 'aws:SourceIp': '2001:db8:1234:9999::1' }),
    expected: 'ExplicitDeny',
  },
  {
    name: 'ip: IPv4-mapped IPv6 source counts as IPv4',
    policies: [allowAllIdentity, ipRestricted],
    request: req('s3:GetObject', 'x', alice, { 'aws:SourceIp': '::ffff:192.0.2.5' }),
    expected: 'Allow',
  },
  {
    name: 'ip: NotIpAddress on a missing key is true',
    policies: [allowAllIdentity, ipRestricted],
    request: req('s3:GetObject', 'x', alice),
    expected: 'ExplicitDeny',
  },

  // home directory with ${aws:username}
  {
    name: 'home: list own prefix',
    policies: [homeDirectory()],
    request: req('s3:ListBucket', undefined, alice, { 's3:prefix': 'home/alice/', 's3:delimiter': '/' }),
    expected: 'Allow',
  },
  {
    name: 'home: list the top level',
    policies: [homeDirectory()],
    request: req('s3:ListBucket', undefined, alice, { 's3:prefix': '' }),
    expected: 'Allow',
  },
  {
    name: 'home: list another user prefix',
    policies: [homeDirectory()],
    request: req('s3:ListBucket', undefined, alice, { 's3:prefix': 'home/bob/' }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'home: list without s3:prefix',
    policies: [homeDirectory()],
    request: req('s3:ListBucket', undefined, alice),
    expected: 'ImplicitDeny',
  },
  {
    name: 'home: get own object',
    policies: [homeDirectory()],
    request: req('s3:GetObject', 'home/alice/notes.txt', alice),
    expected: 'Allow',
  },
  {
    name: 'home: put into another home',
    policies: [homeDirectory()],
    request: req('s3:PutObject', 'home/alice/x', bob),
    expected: 'ImplicitDeny',
  },
  {
    name: 'home: Version 2008-10-17 takes ${aws:username} literally',
    policies: [homeDirectory('2008-10-17')],
    request: req('s3:GetObject', 'home/alice/notes.txt', alice),
    expected: 'ImplicitDeny',
  },
  {
    name: 'home: no Version means 2008-10-17',
    policies: [homeDirectory(null)],
    request: { ...req('s3:GetObject', '', alice), resource: `${BUCKET_ARN}/home/\${aws:username}/x` },
    expected: 'Allow',
  },

  // deny under a prefix, deny precedence
  {
    name: 'prefix deny: delete under protected/',
    policies: [allowAllIdentity, protectPrefix],
    request: req('s3:DeleteObject', 'protected/a', alice),
    expected: 'ExplicitDeny',
  },
  {
    name: 'prefix deny: delete elsewhere',
    policies: [allowAllIdentity, protectPrefix],
    request: req('s3:DeleteObject', 'public/a', alice),
    expected: 'Allow',
  },
  {
    name: 'prefix deny: other actions still allowed',
    policies: [allowAllIdentity, protectPrefix],
    request: req('s3:GetObject', 'protected/a', alice),
    expected: 'Allow',
  },
  {
    name: 'deny precedence: identity Deny beats bucket Allow',
    policies: [identityPolicy({ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }), publicRead],
    request: req('s3:GetObject', 'x', alice),
    expected: 'ExplicitDeny',
  },
  {
    name: 'deny precedence: bucket Deny beats identity Allow even listed first',
    policies: [protectPrefix, allowAllIdentity],
    request: req('s3:DeleteObject', 'protected/x', bob),
    expected: 'ExplicitDeny',
  },

  // canned ACL requirement
  {
    name: 'acl: cross-account upload with bucket-owner-full-control',
    policies: [requireOwnerFullControl],
    request: req('s3:PutObject', 'in/x', carol, { 's3:x-amz-acl': 'bucket-owner-full-control' }),
    expected: 'Allow',
  },
  {
    name: 'acl: upload without the ACL header',
    policies: [requireOwnerFullControl],
    request: req('s3:PutObject', 'in/x', carol),
    expected: 'ImplicitDeny',
  },
  {
    name: 'acl: values are case-sensitive for StringEquals',
    policies: [requireOwnerFullControl],
    request: req('s3:PutObject', 'in/x', carol, { 's3:x-amz-acl': 'Bucket-Owner-Full-Control' }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'acl: another principal',
    policies: [requireOwnerFullControl],
    request: req('s3:PutObject', 'in/x', alice, { 's3:x-amz-acl': 'bucket-owner-full-control' }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'acl: StringNotEquals on a missing key denies',
    policies: [allowAllIdentity, denyWithoutOwnerFullControl],
    request: req('s3:PutObject', 'x', alice),
    expected: 'ExplicitDeny',
  },
  {
    name: 'acl: StringNotEquals with the right value does not deny',
    policies: [allowAllIdentity, denyWithoutOwnerFullControl],
    request: req('s3:PutObject', 'x', alice, { 's3:x-amz-acl': 'bucket-owner-full-control' }),
    expected: 'Allow',
  },

  // dates
  {
    name: 'date: inside the window',
    policies: [dateWindow],
    request: req('s3:GetObject', 'x', alice, { 'aws:CurrentTime': '2020-05-15T12:00:00Z' }),
    expected: 'Allow',
  },
  {
    name: 'date: before the window',
    policies: [dateWindow],
    request: req('s3:GetObject', 'x', alice, { 'aws:CurrentTime': '2020-03-31T23:59:59Z' }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'date: after the window',
    policies: [dateWindow],
    request: req('s3:GetObject', 'x', alice, { 'aws:CurrentTime': '2020-07-01T00:00:00Z' }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'date: aws:CurrentTime derived from aws:EpochTime',
    policies: [dateWindow],
    request: req('s3:GetObject', 'x', alice, { 'aws:EpochTime': String(Date.UTC(2020, 4, 15) / 1000) }),
    expected: 'Allow',
  },
  { name: 'date: no time in the request', policies: [dateWindow], request: req('s3:GetObject', 'x', alice), expected: 'ImplicitDeny' },
  {
    name: 'date: DateEquals compares instants (epoch seconds vs ISO with offset)',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { DateEquals: { 'aws:EpochTime': '2020-01-01T01:00:00+01:00' } },
      }),
    ],
    request: req('s3:GetObject', 'x', alice, { 'aws:EpochTime': String(Date.UTC(2020, 0, 1) / 1000) }),
    expected: 'Allow',
  },
  {
    name: 'date: DateNotEquals on a missing key is true',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { DateNotEquals: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' } },
      }),
    ],
    request: req('s3:GetObject', 'x', alice),
    expected: 'Allow',
  },

  // wildcards in Action / Resource, NotAction, NotResource
  {
    name: 'action: s3:Get* covers GetObjectTagging',
    policies: [identityPolicy({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' })],
    request: req('s3:GetObjectTagging', 'x', alice),
    expected: 'Allow',
  },
  {
    name: 'action: matching is case-insensitive',
    policies: [identityPolicy({ Effect: 'Allow', Action: 'S3:getobject', Resource: '*' })],
    request: req('s3:GetObject', 'x', alice),
    expected: 'Allow',
  },
  {
    name: 'action: ? matches exactly one character',
    policies: [identityPolicy({ Effect: 'Allow', Action: 's3:?etObject', Resource: '*' })],
    request: req('s3:PutObject', 'x', alice),
    expected: 'ImplicitDeny',
  },
  {
    name: 'action: "*" matches everything',
    policies: [identityPolicy({ Effect: 'Allow', Action: '*', Resource: '*' })],
    request: { action: 's3:ListAllMyBuckets', resource: s3ResourceArn(), principal: alice, context: {} },
    expected: 'Allow',
  },
  {
    name: 'resource: arn:aws:s3:::* covers ListAllMyBuckets (AWS example)',
    policies: [identityPolicy({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::*' })],
    request: { action: 's3:ListAllMyBuckets', resource: s3ResourceArn(), principal: alice, context: {} },
    expected: 'Allow',
  },
  {
    name: 'resource: matching is case-sensitive',
    policies: [identityPolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/Photos/*` })],
    request: req('s3:GetObject', 'photos/cat.jpg', alice),
    expected: 'ImplicitDeny',
  },
  {
    name: 'resource: ? in a key pattern',
    policies: [identityPolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/log-202?-*.txt` })],
    request: req('s3:GetObject', 'log-2024-01.txt', alice),
    expected: 'Allow',
  },
  {
    name: 'resource: a bucket ARN does not cover its objects',
    policies: [identityPolicy({ Effect: 'Allow', Action: 's3:*', Resource: BUCKET_ARN })],
    request: req('s3:GetObject', 'x', alice),
    expected: 'ImplicitDeny',
  },
  {
    name: 'NotAction: everything but deletes',
    policies: [identityPolicy({ Effect: 'Allow', NotAction: 's3:Delete*', Resource: '*' })],
    request: req('s3:PutObject', 'x', alice),
    expected: 'Allow',
  },
  {
    name: 'NotAction: the excluded action is not granted',
    policies: [identityPolicy({ Effect: 'Allow', NotAction: 's3:Delete*', Resource: '*' })],
    request: req('s3:DeleteObjectVersion', 'x', alice),
    expected: 'ImplicitDeny',
  },
  {
    name: 'NotResource: deny everything outside public/',
    policies: [
      allowAllIdentity,
      bucketPolicy({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', NotResource: `${BUCKET_ARN}/public/*` }),
    ],
    request: req('s3:GetObject', 'private/x', alice),
    expected: 'ExplicitDeny',
  },
  {
    name: 'NotResource: inside public/ is not denied',
    policies: [
      allowAllIdentity,
      bucketPolicy({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', NotResource: `${BUCKET_ARN}/public/*` }),
    ],
    request: req('s3:GetObject', 'public/x', alice),
    expected: 'Allow',
  },

  // principals
  {
    name: 'principal: account id matches every user of the account',
    policies: [bucketPolicy({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:GetObject', Resource: OBJECTS_ARN })],
    request: req('s3:GetObject', 'x', bob),
    expected: 'Allow',
  },
  {
    name: 'principal: account root ARN matches every user of the account',
    policies: [
      bucketPolicy({
        Effect: 'Allow',
        Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`] },
        Action: 's3:GetObject',
        Resource: OBJECTS_ARN,
      }),
    ],
    request: req('s3:GetObject', 'x', alice),
    expected: 'Allow',
  },
  {
    name: 'principal: account does not match another account',
    policies: [bucketPolicy({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:GetObject', Resource: OBJECTS_ARN })],
    request: req('s3:GetObject', 'x', carol),
    expected: 'ImplicitDeny',
  },
  {
    name: 'principal: account does not match anonymous',
    policies: [bucketPolicy({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:GetObject', Resource: OBJECTS_ARN })],
    request: req('s3:GetObject', 'x', anonymous),
    expected: 'ImplicitDeny',
  },
  {
    name: 'principal: a user ARN matches only that user',
    policies: [
      bucketPolicy({ Effect: 'Allow', Principal: { AWS: userArn(ACCOUNT, 'alice') }, Action: 's3:GetObject', Resource: OBJECTS_ARN }),
    ],
    request: req('s3:GetObject', 'x', bob),
    expected: 'ImplicitDeny',
  },
  {
    name: 'principal: {"AWS": "*"} includes anonymous',
    policies: [bucketPolicy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: OBJECTS_ARN })],
    request: req('s3:GetObject', 'x', anonymous),
    expected: 'Allow',
  },
  {
    name: 'principal: CanonicalUser matches the canonical id',
    policies: [bucketPolicy({ Effect: 'Allow', Principal: { CanonicalUser: 'canon-bob' }, Action: 's3:GetObject', Resource: OBJECTS_ARN })],
    request: req('s3:GetObject', 'x', bob),
    expected: 'Allow',
  },
  {
    name: 'NotPrincipal: the named user is exempt from the deny',
    policies: [
      allowAllIdentity,
      bucketPolicy({
        Effect: 'Deny',
        NotPrincipal: { AWS: [userArn(ACCOUNT, 'alice')] },
        Action: 's3:*',
        Resource: [BUCKET_ARN, OBJECTS_ARN],
      }),
    ],
    request: req('s3:GetObject', 'x', alice),
    expected: 'Allow',
  },
  {
    name: 'NotPrincipal: everyone else is denied',
    policies: [
      allowAllIdentity,
      bucketPolicy({
        Effect: 'Deny',
        NotPrincipal: { AWS: [userArn(ACCOUNT, 'alice')] },
        Action: 's3:*',
        Resource: [BUCKET_ARN, OBJECTS_ARN],
      }),
    ],
    request: req('s3:GetObject', 'x', bob),
    expected: 'ExplicitDeny',
  },
  {
    name: 'NotPrincipal: anonymous is not named, so the deny applies',
    policies: [publicRead, bucketPolicy({ Effect: 'Deny', NotPrincipal: { AWS: ACCOUNT }, Action: 's3:GetObject', Resource: OBJECTS_ARN })],
    request: req('s3:GetObject', 'x', anonymous),
    expected: 'ExplicitDeny',
  },

  // numeric, null, tags, set operators, IfExists
  {
    name: 'numeric: max-keys within the limit',
    policies: [maxKeys],
    request: req('s3:ListBucket', undefined, alice, { 's3:max-keys': '10' }),
    expected: 'Allow',
  },
  {
    name: 'numeric: max-keys over the limit',
    policies: [maxKeys],
    request: req('s3:ListBucket', undefined, alice, { 's3:max-keys': '1000' }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'numeric: not a number never matches',
    policies: [maxKeys],
    request: req('s3:ListBucket', undefined, alice, { 's3:max-keys': 'ten' }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'numeric: NumericNotEquals',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: '*',
        Condition: { NumericNotEquals: { 's3:max-keys': ['0', '1'] } },
      }),
    ],
    request: req('s3:ListBucket', undefined, alice, { 's3:max-keys': '1.0' }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'numeric: NumericGreaterThanEquals with a JSON number',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: '*',
        Condition: { NumericGreaterThanEquals: { 's3:max-keys': 5 } },
      }),
    ],
    request: req('s3:ListBucket', undefined, alice, { 's3:max-keys': '5' }),
    expected: 'Allow',
  },
  {
    name: 'Null "true": deny when the SSE header is missing',
    policies: [allowAllIdentity, requireSse],
    request: req('s3:PutObject', 'x', alice),
    expected: 'ExplicitDeny',
  },
  {
    name: 'Null "true": header present, no deny',
    policies: [allowAllIdentity, requireSse],
    request: req('s3:PutObject', 'x', alice, { 's3:x-amz-server-side-encryption': 'AES256' }),
    expected: 'Allow',
  },
  {
    name: 'Null "false": key must be present',
    policies: [
      identityPolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Null: { 's3:VersionId': 'false' } } }),
    ],
    request: req('s3:GetObject', 'x', alice),
    expected: 'ImplicitDeny',
  },
  {
    name: 'tags: existing object tag matches',
    policies: [productionTagOnly],
    request: req('s3:GetObject', 'x', alice, { 's3:ExistingObjectTag/environment': 'production' }),
    expected: 'Allow',
  },
  {
    name: 'tags: existing object tag differs',
    policies: [productionTagOnly],
    request: req('s3:GetObject', 'x', alice, { 's3:ExistingObjectTag/environment': 'staging' }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'ForAllValues: every requested tag key is allowed',
    policies: [allowedTagKeys],
    request: req('s3:PutObjectTagging', 'x', alice, { 's3:RequestObjectTagKeys': ['Owner'] }),
    expected: 'Allow',
  },
  {
    name: 'ForAllValues: one tag key is not allowed',
    policies: [allowedTagKeys],
    request: req('s3:PutObjectTagging', 'x', alice, { 's3:RequestObjectTagKeys': ['Owner', 'Secret'] }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'ForAllValues: a missing key is true',
    policies: [allowedTagKeys],
    request: req('s3:PutObjectTagging', 'x', alice),
    expected: 'Allow',
  },
  {
    name: 'ForAnyValue: one matching value is enough',
    policies: [someTagKey],
    request: req('s3:PutObjectTagging', 'x', alice, { 's3:RequestObjectTagKeys': ['Project', 'Owner'] }),
    expected: 'Allow',
  },
  {
    name: 'ForAnyValue: a missing key is false',
    policies: [someTagKey],
    request: req('s3:PutObjectTagging', 'x', alice),
    expected: 'ImplicitDeny',
  },
  {
    name: 'ForAnyValue: an empty set is false',
    policies: [someTagKey],
    request: req('s3:PutObjectTagging', 'x', alice, { 's3:RequestObjectTagKeys': [] }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'IfExists: a missing key passes',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: '*',
        Condition: { StringEqualsIfExists: { 's3:x-amz-storage-class': 'STANDARD' } },
      }),
    ],
    request: req('s3:PutObject', 'x', alice),
    expected: 'Allow',
  },
  {
    name: 'IfExists: a present key must still match',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: '*',
        Condition: { StringEqualsIfExists: { 's3:x-amz-storage-class': 'STANDARD' } },
      }),
    ],
    request: req('s3:PutObject', 'x', alice, { 's3:x-amz-storage-class': 'GLACIER' }),
    expected: 'ImplicitDeny',
  },

  {
    name: 'ForAnyValue + IfExists: a missing key passes',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:PutObjectTagging',
        Resource: '*',
        Condition: { 'ForAnyValue:StringLikeIfExists': { 's3:RequestObjectTagKeys': 'team-*' } },
      }),
    ],
    request: req('s3:PutObjectTagging', 'x', alice),
    expected: 'Allow',
  },
  {
    name: 'ForAllValues:StringNotEquals: no requested tag key may be forbidden',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:PutObjectTagging',
        Resource: '*',
        Condition: { 'ForAllValues:StringNotEquals': { 's3:RequestObjectTagKeys': ['Secret'] } },
      }),
    ],
    request: req('s3:PutObjectTagging', 'x', alice, { 's3:RequestObjectTagKeys': ['Owner', 'Secret'] }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'multi-valued key without a qualifier: one matching value is enough for a positive operator',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:PutObjectTagging',
        Resource: '*',
        Condition: { StringEquals: { 's3:RequestObjectTagKeys': 'Owner' } },
      }),
    ],
    request: req('s3:PutObjectTagging', 'x', alice, { 's3:RequestObjectTagKeys': ['Owner', 'Other'] }),
    expected: 'Allow',
  },

  // strings and ARNs
  {
    name: 'StringEqualsIgnoreCase',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringEqualsIgnoreCase: { 'aws:UserAgent': 'AWS-CLI' } },
      }),
    ],
    request: req('s3:GetObject', 'x', alice, { 'aws:UserAgent': 'aws-cli' }),
    expected: 'Allow',
  },
  {
    name: 'StringNotEqualsIgnoreCase',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringNotEqualsIgnoreCase: { 'aws:UserAgent': 'AWS-CLI' } },
      }),
    ],
    request: req('s3:GetObject', 'x', alice, { 'aws:UserAgent': 'aws-cli' }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'StringNotLike: referer outside the site is denied (AWS "Restricting access to a specific HTTP referer")',
    policies: [
      publicRead,
      bucketPolicy({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: OBJECTS_ARN,
        Condition: { StringNotLike: { 'aws:Referer': ['http://www.example.com/*', 'http://example.com/*'] } },
      }),
    ],
    request: req('s3:GetObject', 'x', anonymous, { 'aws:Referer': 'http://evil.example.net/page' }),
    expected: 'ExplicitDeny',
  },
  {
    name: 'StringNotLike: referer of the site passes (values OR together)',
    policies: [
      publicRead,
      bucketPolicy({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: OBJECTS_ARN,
        Condition: { StringNotLike: { 'aws:Referer': ['http://www.example.com/*', 'http://example.com/*'] } },
      }),
    ],
    request: req('s3:GetObject', 'x', anonymous, { 'aws:Referer': 'http://example.com/gallery' }),
    expected: 'Allow',
  },
  {
    name: 'ArnLike: aws:PrincipalArn with a wildcard in the resource part',
    policies: [
      bucketPolicy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: OBJECTS_ARN,
        Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/a*` } },
      }),
    ],
    request: req('s3:GetObject', 'x', alice),
    expected: 'Allow',
  },
  {
    name: 'ArnLike: wildcards do not cross ARN parts',
    policies: [
      bucketPolicy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: OBJECTS_ARN,
        Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*' } },
      }),
    ],
    request: req('s3:GetObject', 'x', alice),
    expected: 'ImplicitDeny',
  },
  {
    name: 'ArnNotEquals: anonymous has no aws:PrincipalArn, so the negated operator is true',
    policies: [
      bucketPolicy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: OBJECTS_ARN,
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': userArn(ACCOUNT, 'bob') } },
      }),
    ],
    request: req('s3:GetObject', 'x', anonymous),
    expected: 'Allow',
  },
  {
    name: 'ArnNotEquals: the named principal is excluded',
    policies: [
      bucketPolicy({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: OBJECTS_ARN,
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': userArn(ACCOUNT, 'bob') } },
      }),
    ],
    request: req('s3:GetObject', 'x', bob),
    expected: 'ImplicitDeny',
  },

  // AND / OR structure
  {
    name: 'keys of one operator AND together',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: '*',
        Condition: { StringEquals: { 's3:prefix': 'docs/', 's3:delimiter': '/' } },
      }),
    ],
    request: req('s3:ListBucket', undefined, alice, { 's3:prefix': 'docs/' }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'operators AND together',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: '*',
        Condition: { StringEquals: { 's3:prefix': 'docs/' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      }),
    ],
    request: req('s3:ListBucket', undefined, alice, { 's3:prefix': 'docs/', 'aws:SourceIp': '10.1.2.3' }),
    expected: 'Allow',
  },

  // policy variables
  {
    name: 'variables: ${aws:username} in a condition value',
    policies: [
      identityPolicy({
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: '*',
        Condition: { StringEquals: { 's3:prefix': '${aws:username}/' } },
      }),
    ],
    request: req('s3:ListBucket', undefined, bob, { 's3:prefix': 'bob/' }),
    expected: 'Allow',
  },
  {
    name: 'variables: ${aws:userid} in a resource',
    policies: [identityPolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/\${aws:userid}/*` })],
    request: req('s3:GetObject', 'AIDAALICE/x', alice),
    expected: 'Allow',
  },
  {
    name: 'variables: a default value applies when the key is absent',
    policies: [
      bucketPolicy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/drop/\${aws:username, 'guest'}/*` }),
    ],
    request: req('s3:GetObject', 'drop/guest/file', anonymous),
    expected: 'Allow',
  },
  {
    name: 'variables: an absent key without default matches nothing',
    policies: [
      bucketPolicy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/drop/\${aws:username}/*` }),
    ],
    request: req('s3:GetObject', 'drop/${aws:username}/file', anonymous),
    expected: 'ImplicitDeny',
  },
  {
    name: 'variables: ${*} is a literal star, not a wildcard',
    policies: [identityPolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/star\${*}` })],
    request: req('s3:GetObject', 'starX', alice),
    expected: 'ImplicitDeny',
  },
  {
    name: 'variables: ${*} matches a literal star',
    policies: [identityPolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/star\${*}\${?}\${$}` })],
    request: req('s3:GetObject', 'star*?$', alice),
    expected: 'Allow',
  },
  {
    name: 'variables: a substituted value is literal (a * in s3:prefix is not a wildcard)',
    policies: [identityPolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET_ARN}/\${s3:prefix}` })],
    request: req('s3:GetObject', 'anything', alice, { 's3:prefix': '*' }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'variables: aws:PrincipalType is derived for anonymous callers',
    policies: [
      bucketPolicy({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: OBJECTS_ARN,
        Condition: { StringEquals: { 'aws:PrincipalType': 'Anonymous' } },
      }),
    ],
    request: req('s3:PutObject', 'x', anonymous),
    expected: 'ExplicitDeny',
  },
];

describe('evaluate (AWS policy evaluation logic)', () => {
  it('has a substantial table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('$name → $expected', ({ policies, request, expected }) => {
    expect(evaluate(policies, request)).toBe(expected);
  });
});

describe('evaluateWithReason', () => {
  it('names the deciding Deny statement', () => {
    const result = evaluateWithReason([allowAllIdentity, httpsOnly], req('s3:GetObject', 'x', alice, { 'aws:SecureTransport': 'false' }));
    expect(result).toEqual({
      decision: 'ExplicitDeny',
      matched: { policyIndex: 1, statementIndex: 0, kind: 'bucket', sid: 'RestrictToTLSRequestsOnly' },
    });
  });

  it('names the first Allow statement and reports implicit deny without one', () => {
    expect(evaluateWithReason([homeDirectory()], req('s3:GetObject', 'home/alice/x', alice)).matched).toMatchObject({
      statementIndex: 1,
      sid: 'AllowAllS3ActionsInUserFolder',
    });
    expect(evaluateWithReason([homeDirectory()], req('s3:GetObject', 'home/bob/x', alice))).toEqual({ decision: 'ImplicitDeny' });
  });
});

describe('evaluateStatement', () => {
  it('returns the effect of an applicable statement and NotApplicable otherwise', () => {
    const statement = publicRead.document.Statement[0];
    expect(evaluateStatement(statement, req('s3:GetObject', 'x', anonymous), { kind: 'bucket' })).toBe('Allow');
    expect(evaluateStatement(statement, req('s3:DeleteObject', 'x', anonymous), { kind: 'bucket' })).toBe('NotApplicable');
  });

  it('ignores the principal check for identity statements', () => {
    const statement = allowAllIdentity.document.Statement[0];
    expect(evaluateStatement(statement, req('s3:GetObject', 'x', bob), { kind: 'identity' })).toBe('Allow');
  });
});
