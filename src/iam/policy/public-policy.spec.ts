import { parsePolicy } from './parse-policy';
import { isPublicPolicy } from './public-policy';

const BUCKET = 'examplebucket';
const OBJECTS = `arn:aws:s3:::${BUCKET}/*`;

function policy(statement: object): ReturnType<typeof parsePolicy> {
  return parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [statement] }), 'bucket', { bucket: BUCKET });
}
const base = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: OBJECTS };

describe('isPublicPolicy ("The meaning of public")', () => {
  const table: Array<[string, object, boolean]> = [
    ['Principal "*" without condition', base, true],
    ['Principal {"AWS": "*"}', { ...base, Principal: { AWS: '*' } }, true],
    ['a fixed account principal', { ...base, Principal: { AWS: '111122223333' } }, false],
    ['a fixed user principal', { ...base, Principal: { AWS: 'arn:aws:iam::111122223333:user/alice' } }, false],
    ['Deny statements are never public', { ...base, Effect: 'Deny' }, false],
    ['Allow with NotPrincipal', { ...base, Principal: undefined, NotPrincipal: { AWS: '111122223333' } }, true],
    ['narrowed by aws:SourceIp /24', { ...base, Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }, false],
    ['aws:SourceIp 0.0.0.0/0 does not narrow', { ...base, Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }, true],
    [
      'aws:SourceIp wider than /8 does not narrow',
      { ...base, Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '0.0.0.0/1'] } } },
      true,
    ],
    ['aws:SourceIp IPv6 /32 narrows', { ...base, Condition: { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } } }, false],
    ['NotIpAddress does not narrow', { ...base, Condition: { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }, true],
    ['fixed aws:SourceAccount', { ...base, Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }, false],
    [
      'fixed aws:PrincipalAccount (any key case)',
      { ...base, Condition: { StringEquals: { 'AWS:principalaccount': '111122223333' } } },
      false,
    ],
    ['wildcard aws:SourceVpc does not narrow', { ...base, Condition: { StringLike: { 'aws:SourceVpc': 'vpc-*' } } }, true],
    [
      'fixed aws:SourceArn with ArnEquals',
      { ...base, Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/E1' } } },
      false,
    ],
    ['IfExists does not narrow', { ...base, Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' } } }, true],
    ['a policy variable is not a fixed value', { ...base, Condition: { StringEquals: { 'aws:userid': '${aws:username}' } } }, true],
    ['aws:SecureTransport does not narrow', { ...base, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }, true],
  ];

  it.each(table)('%s → %s', (_name, statement, expected) => {
    expect(isPublicPolicy(policy(statement))).toBe(expected);
  });

  it('is public when any one statement is', () => {
    const doc = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ ...base, Principal: { AWS: '111122223333' } }, base] }),
      'bucket',
      { bucket: BUCKET },
    );
    expect(isPublicPolicy(doc)).toBe(true);
  });
});
