import { DomainError } from '../../common/domain-error';
import { MAX_BUCKET_POLICY_BYTES, parsePolicy, parsePolicyObject } from './parse-policy';
import { PolicyError } from './policy.errors';
import type { PolicyKind } from './policy.types';

const BUCKET = 'examplebucket';
const OBJECTS = `arn:aws:s3:::${BUCKET}/*`;

function doc(statement: object | object[], extra: object = { Version: '2012-10-17' }): string {
  return JSON.stringify({ ...extra, Statement: statement });
}
const publicRead = { Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: OBJECTS };
const identityStmt = { Effect: 'Allow', Action: 's3:GetObject', Resource: OBJECTS };

function errorOf(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PolicyError) return err;
    throw err;
  }
  throw new Error('expected a PolicyError');
}

describe('parsePolicy: normalization', () => {
  it('turns single values into arrays and keeps the rest', () => {
    expect(parsePolicy(doc(publicRead, { Version: '2012-10-17', Id: 'P1' }), 'bucket', { bucket: BUCKET })).toEqual({
      Version: '2012-10-17',
      Id: 'P1',
      Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [OBJECTS] }],
    });
  });

  it('accepts a single statement object, principal objects, and JSON numbers/booleans in conditions', () => {
    const parsed = parsePolicy(
      JSON.stringify({
        Version: '2008-10-17',
        Statement: {
          Effect: 'Deny',
          Principal: { AWS: '111122223333' },
          NotAction: 's3:Get*',
          Resource: [`arn:aws:s3:::${BUCKET}`, OBJECTS],
          Condition: { bool: { 'aws:SecureTransport': false }, NumericLessThan: { 's3:max-keys': [10, '20'] } },
        },
      }),
      'bucket',
      { bucket: BUCKET },
    );
    expect(parsed.Statement[0]).toEqual({
      Effect: 'Deny',
      Principal: { AWS: ['111122223333'] },
      NotAction: ['s3:Get*'],
      Resource: [`arn:aws:s3:::${BUCKET}`, OBJECTS],
      Condition: { Bool: { 'aws:SecureTransport': ['false'] }, NumericLessThan: { 's3:max-keys': ['10', '20'] } },
    });
  });

  it('defaults a missing Version to 2008-10-17 (AWS behaviour)', () => {
    expect(parsePolicy(JSON.stringify({ Statement: [identityStmt] }), 'identity').Version).toBe('2008-10-17');
  });

  it('canonicalizes condition operator spelling, with qualifiers and IfExists', () => {
    const parsed = parsePolicy(
      doc({ ...identityStmt, Condition: { 'forallvalues:stringlikeifexists': { 's3:RequestObjectTagKeys': 'a*' } } }),
      'identity',
    );
    expect(Object.keys(parsed.Statement[0].Condition ?? {})).toEqual(['ForAllValues:StringLikeIfExists']);
  });

  it('accepts actions in any case and wildcard actions', () => {
    const parsed = parsePolicy(doc({ ...identityStmt, Action: ['S3:getobject', 's3:List*', 's3:*Object?agging', '*'] }), 'identity');
    expect(parsed.Statement[0].Action).toHaveLength(4);
  });

  it('lets identity policies name other services (they never match S3 requests)', () => {
    expect(() =>
      parsePolicy(doc({ ...identityStmt, Action: ['iam:*', 'sts:GetCallerIdentity'], Resource: '*' }), 'identity'),
    ).not.toThrow();
  });

  it('accepts every documented principal form', () => {
    const principals = [
      '*',
      { AWS: '*' },
      { AWS: ['111122223333', 'arn:aws:iam::111122223333:root', 'arn:aws:iam::111122223333:user/path/alice'] },
      { AWS: 'arn:aws:iam::111122223333:role/reader' },
      { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' },
      { Service: 'logging.s3.amazonaws.com' },
    ];
    for (const Principal of principals) {
      expect(() => parsePolicy(doc({ ...publicRead, Principal }), 'bucket', { bucket: BUCKET })).not.toThrow();
    }
  });

  it('accepts a bucket policy of exactly 20 KiB', () => {
    const base = doc({ ...publicRead, Sid: '' });
    const padded = base.replace('"Sid":""', `"Sid":"${'x'.repeat(MAX_BUCKET_POLICY_BYTES - base.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(MAX_BUCKET_POLICY_BYTES);
    expect(() => parsePolicy(padded, 'bucket', { bucket: BUCKET })).not.toThrow();
  });

  it('parsePolicyObject takes an already parsed body', () => {
    expect(parsePolicyObject({ Version: '2012-10-17', Statement: [identityStmt] }, 'identity').Statement).toHaveLength(1);
  });
});

interface ErrorCase {
  name: string;
  json: string;
  kind: PolicyKind;
  bucket?: string;
  /** The full message (substring match). */
  message: string;
  /** AWS's short MalformedPolicy message. */
  aws: string;
}

const errorCases: ErrorCase[] = [
  {
    name: 'not JSON at all',
    json: 'Version: 2012-10-17',
    kind: 'bucket',
    message: "first byte must be '{'",
    aws: "Policies must be valid JSON and the first byte must be '{'",
  },
  {
    name: 'a JSON array',
    json: '[]',
    kind: 'identity',
    message: "first byte must be '{'",
    aws: "Policies must be valid JSON and the first byte must be '{'",
  },
  {
    name: 'broken JSON',
    json: '{"Version": "2012-10-17",',
    kind: 'bucket',
    message: 'This policy contains invalid Json: ',
    aws: 'This policy contains invalid Json',
  },
  {
    name: 'too large bucket policy',
    json: doc({ ...publicRead, Sid: 'x'.repeat(MAX_BUCKET_POLICY_BYTES) }),
    kind: 'bucket',
    message: 'Policy exceeds the maximum allowed document size',
    aws: 'Policy exceeds the maximum allowed document size',
  },
  {
    name: 'unsupported Version',
    json: doc(publicRead, { Version: '2020-01-01' }),
    kind: 'bucket',
    message: 'Version "2020-01-01" is not 2012-10-17 or 2008-10-17',
    aws: 'The policy must contain a valid version string',
  },
  {
    name: 'missing Statement',
    json: '{"Version":"2012-10-17"}',
    kind: 'bucket',
    message: 'Missing required field Statement',
    aws: 'Missing required field Statement',
  },
  {
    name: 'empty Statement',
    json: doc([]),
    kind: 'identity',
    message: 'Missing required field Statement',
    aws: 'Missing required field Statement',
  },
  {
    name: 'unknown top-level field',
    json: doc([identityStmt], { Version: '2012-10-17', name: 'MyPolicy' }),
    kind: 'identity',
    message: 'Unknown field name',
    aws: 'Unknown field name',
  },
  {
    name: 'unknown statement field',
    json: doc([{ ...identityStmt, Actions: ['s3:GetObject'] }]),
    kind: 'identity',
    message: 'Unknown field Actions: Statement[0]',
    aws: 'Unknown field Actions',
  },
  {
    name: 'missing Effect',
    json: doc([identityStmt, { Action: 's3:GetObject', Resource: '*' }]),
    kind: 'identity',
    message: 'Missing required field Effect: Statement[1]',
    aws: 'Missing required field Effect',
  },
  {
    name: 'lowercase Effect',
    json: doc([{ ...identityStmt, Effect: 'allow' }]),
    kind: 'identity',
    message: 'Invalid effect: allow',
    aws: 'Invalid effect: allow',
  },
  {
    name: 'both Action and NotAction',
    json: doc([{ ...identityStmt, NotAction: 's3:PutObject' }]),
    kind: 'identity',
    message: 'Statement[0]: Action and NotAction cannot both be present',
    aws: 'Invalid policy syntax.',
  },
  {
    name: 'neither Action nor NotAction',
    json: doc([{ Effect: 'Allow', Resource: '*' }]),
    kind: 'identity',
    message: 'Missing required field Action',
    aws: 'Missing required field Action',
  },
  {
    name: 'misspelt S3 action',
    json: doc([publicRead, { ...publicRead, Sid: 'Two', Action: ['s3:GetObjekt'] }]),
    kind: 'bucket',
    bucket: BUCKET,
    message: 'Policy has invalid action: Statement[1]: Action "s3:GetObjekt" is not a valid S3 action',
    aws: 'Policy has invalid action',
  },
  {
    name: 'wildcard action matching no S3 action',
    json: doc([{ ...identityStmt, Action: 's3:Frobnicate*' }]),
    kind: 'identity',
    message: 'Action "s3:Frobnicate*" does not match any S3 action',
    aws: 'Policy has invalid action',
  },
  {
    name: 'another service in a bucket policy',
    json: doc([{ ...publicRead, Action: 'iam:*' }]),
    kind: 'bucket',
    message: 'Action "iam:*" is not an S3 action',
    aws: 'Policy has invalid action',
  },
  {
    name: 'action without a service',
    json: doc([{ ...identityStmt, Action: 'GetObject' }]),
    kind: 'identity',
    message: 'is not of the form "service:action"',
    aws: 'Policy has invalid action',
  },
  {
    name: 'empty action list',
    json: doc([{ ...identityStmt, Action: [] }]),
    kind: 'identity',
    message: 'Action must be a non-empty string',
    aws: 'Policy has invalid action',
  },
  {
    name: 'neither Resource nor NotResource',
    json: doc([{ Effect: 'Allow', Action: 's3:GetObject' }]),
    kind: 'identity',
    message: 'Missing required field Resource',
    aws: 'Missing required field Resource',
  },
  {
    name: 'both Resource and NotResource',
    json: doc([{ ...identityStmt, NotResource: '*' }]),
    kind: 'identity',
    message: 'Resource and NotResource cannot both be present',
    aws: 'Invalid policy syntax.',
  },
  {
    name: 'bucket-policy resource in another bucket',
    json: doc([{ ...publicRead, Resource: ['arn:aws:s3:::otherbucket/*'] }]),
    kind: 'bucket',
    bucket: BUCKET,
    message: 'Policy has invalid resource: Statement[0]: Resource "arn:aws:s3:::otherbucket/*" is outside bucket "examplebucket"',
    aws: 'Policy has invalid resource',
  },
  {
    name: 'bucket-policy resource that merely shares a prefix with the bucket',
    json: doc([{ ...publicRead, Resource: `arn:aws:s3:::${BUCKET}-logs/*` }]),
    kind: 'bucket',
    bucket: BUCKET,
    message: 'is outside bucket',
    aws: 'Policy has invalid resource',
  },
  {
    name: 'bucket-policy resource "*"',
    json: doc([{ ...publicRead, Resource: '*' }]),
    kind: 'bucket',
    bucket: BUCKET,
    message: 'is not an S3 ARN',
    aws: 'Policy has invalid resource',
  },
  {
    name: 'identity-policy resource that is not an ARN',
    json: doc([{ ...identityStmt, Resource: 'examplebucket/*' }]),
    kind: 'identity',
    message: 'must be in ARN format or "*"',
    aws: 'Policy has invalid resource',
  },
  {
    name: 'object action on a bucket resource',
    json: doc([{ ...publicRead, Resource: `arn:aws:s3:::${BUCKET}` }]),
    kind: 'bucket',
    bucket: BUCKET,
    message: 'Action does not apply to any resource(s) in statement',
    aws: 'Action does not apply to any resource(s) in statement',
  },
  {
    name: 'bucket action on an object resource',
    json: doc([{ ...publicRead, Action: ['s3:ListBucket', 's3:GetBucketAcl'] }]),
    kind: 'bucket',
    message: 'Action does not apply to any resource(s) in statement',
    aws: 'Action does not apply to any resource(s) in statement',
  },
  {
    name: 'bucket policy without Principal',
    json: doc([identityStmt]),
    kind: 'bucket',
    message: 'Missing required field Principal',
    aws: 'Missing required field Principal',
  },
  {
    name: 'identity policy with Principal',
    json: doc([{ ...identityStmt, Principal: '*' }]),
    kind: 'identity',
    message: 'Policy document should not specify a principal.',
    aws: 'Policy document should not specify a principal.',
  },
  {
    name: 'Principal and NotPrincipal together',
    json: doc([{ ...publicRead, NotPrincipal: { AWS: '111122223333' } }]),
    kind: 'bucket',
    message: 'Principal and NotPrincipal cannot both be present',
    aws: 'Invalid policy syntax.',
  },
  {
    name: 'partial wildcard in a principal ARN',
    json: doc([{ ...publicRead, Principal: { AWS: 'arn:aws:iam::111122223333:user/*' } }]),
    kind: 'bucket',
    message: 'Invalid principal in policy: Statement[0]: Principal AWS "arn:aws:iam::111122223333:user/*"',
    aws: 'Invalid principal in policy',
  },
  {
    name: 'principal as a plain ARN string',
    json: doc([{ ...publicRead, Principal: 'arn:aws:iam::111122223333:root' }]),
    kind: 'bucket',
    message: 'must be "*" or an object',
    aws: 'Invalid principal in policy',
  },
  {
    name: 'unknown principal type',
    json: doc([{ ...publicRead, Principal: { User: 'alice' } }]),
    kind: 'bucket',
    message: 'unknown principal type "User"',
    aws: 'Invalid principal in policy',
  },
  {
    name: 'unknown condition operator',
    json: doc([{ ...identityStmt, Condition: { StringEqualz: { 's3:prefix': 'a' } } }]),
    kind: 'identity',
    message: 'Invalid Condition type : StringEqualz: Statement[0]: "StringEqualz" is not a condition operator',
    aws: 'Invalid Condition type : StringEqualz',
  },
  {
    name: 'NullIfExists is not an operator',
    json: doc([{ ...identityStmt, Condition: { NullIfExists: { 's3:prefix': 'true' } } }]),
    kind: 'identity',
    message: 'Invalid Condition type : NullIfExists',
    aws: 'Invalid Condition type : NullIfExists',
  },
  {
    name: 'condition key without a service prefix',
    json: doc([{ ...identityStmt, Condition: { StringEquals: { prefix: 'a' } } }]),
    kind: 'identity',
    message: 'key "prefix" is not of the form "service:name"',
    aws: 'Policy has an invalid condition key',
  },
  {
    name: 'malformed CIDR',
    json: doc([{ ...identityStmt, Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/33' } } }]),
    kind: 'identity',
    message: 'IpAddress "aws:SourceIp" value "192.0.2.0/33" is not a valid IpAddress value',
    aws: 'Policy has an invalid condition value',
  },
  {
    name: 'malformed date',
    json: doc([{ ...identityStmt, Condition: { DateLessThan: { 'aws:CurrentTime': 'next tuesday' } } }]),
    kind: 'identity',
    message: 'is not a valid Date value',
    aws: 'Policy has an invalid condition value',
  },
  {
    name: 'malformed number',
    json: doc([{ ...identityStmt, Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } }]),
    kind: 'identity',
    message: 'is not a valid Numeric value',
    aws: 'Policy has an invalid condition value',
  },
  {
    name: 'empty condition value list',
    json: doc([{ ...identityStmt, Condition: { StringEquals: { 's3:prefix': [] } } }]),
    kind: 'identity',
    message: 'needs a string, number or boolean',
    aws: 'Policy has an invalid condition value',
  },
  {
    name: 'duplicate Sid',
    json: doc([
      { ...identityStmt, Sid: 'A' },
      { ...identityStmt, Sid: 'A' },
    ]),
    kind: 'identity',
    message: 'Statement[1]: Sid "A" is used twice',
    aws: 'Statement IDs (SID) in a single policy must be unique.',
  },
];

describe('parsePolicy: errors', () => {
  it.each(errorCases)('$name', ({ json, kind, bucket, message, aws }) => {
    const err = errorOf(() => parsePolicy(json, kind, bucket === undefined ? {} : { bucket }));
    expect(err.message).toContain(message);
    expect(err.awsMessage).toBe(aws);
  });

  it('is a DomainError with code MalformedPolicy and the statement index', () => {
    const err = errorOf(() => parsePolicy(doc([identityStmt, { ...identityStmt, Action: 's3:Nope' }]), 'identity'));
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe('MalformedPolicy');
    expect(err.statementIndex).toBe(1);
    expect(err.details).toEqual({ statementIndex: 1 });
  });
});
