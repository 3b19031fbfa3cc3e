import { s3ResourceArn, userArn } from './arn';
import { parseConditionOperator, parseDate } from './conditions';
import { cidrContains, parseCidr, parseIp } from './ip';
import { S3_ACTIONS, canonicalS3Action } from './s3-actions';
import { compilePattern, matchTokens, substituteVariables, wildcardMatch } from './wildcard';

describe('wildcardMatch', () => {
  const table: Array<[string, string, boolean, boolean]> = [
    ['*', '', false, true],
    ['a*c', 'abbbc', false, true],
    ['a*c', 'abbbd', false, false],
    ['a?c', 'abc', false, true],
    ['a?c', 'ac', false, false],
    ['*/*', 'bucket/key', false, true],
    ['*/*', 'bucket', false, false],
    ['a*b*c', 'axxbyybzc', false, true],
    ['S3:Get*', 's3:getobject', true, true],
    ['S3:Get*', 's3:getobject', false, false],
    ['ü?', 'üß', false, true],
  ];
  it.each(table)('%s ~ %s (ignoreCase %s) → %s', (pattern, value, ignoreCase, expected) => {
    expect(wildcardMatch(pattern, value, ignoreCase)).toBe(expected);
  });
});

describe('policy variables', () => {
  const vars = (name: string) => ({ 'aws:username': 'alice', 's3:prefix': 'a*' })[name.toLowerCase()];
  it('substitutes, escapes and defaults', () => {
    expect(substituteVariables('home/${aws:username}/', vars)).toBe('home/alice/');
    expect(substituteVariables("${aws:userid, 'none'}", vars)).toBe('none');
    expect(substituteVariables('${*}${?}${$}', vars)).toBe('*?$');
    expect(substituteVariables('${aws:userid}', vars)).toBeUndefined();
    expect(substituteVariables('${aws:username}', undefined)).toBe('${aws:username}');
    expect(substituteVariables('unterminated ${aws:username', vars)).toBe('unterminated ${aws:username');
  });
  it('keeps substituted values literal in patterns', () => {
    const tokens = compilePattern('x/${s3:prefix}', vars);
    expect(tokens && matchTokens(tokens, 'x/a*')).toBe(true);
    expect(tokens && matchTokens(tokens, 'x/abc')).toBe(false);
  });
});

describe('IP addresses', () => {
  const table: Array<[string, string, boolean]> = [
    ['192.0.2.0/24', '192.0.2.255', true],
    ['192.0.2.0/24', '192.0.3.0', false],
    ['192.0.2.1/24', '192.0.2.9', true], // host bits in the block are ignored
    ['203.0.113.7', '203.0.113.7', true],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::/0', '::1', true],
    ['192.0.2.0/24', '::ffff:192.0.2.1', true],
    ['::ffff:0:0/96', '192.0.2.1', true],
    ['192.0.2.0/24', '2001:db8::1', false],
    ['2001:db8::/32', '192.0.2.1', false],
  ];
  it.each(table)('%s contains %s → %s', (cidr, ip, expected) => {
    const block = parseCidr(cidr);
    const addr = parseIp(ip);
    expect(block && addr && cidrContains(block, addr)).toBe(expected);
  });
  it('rejects malformed input', () => {
    expect(parseCidr('192.0.2.0/33')).toBeUndefined();
    expect(parseCidr('::/129')).toBeUndefined();
    expect(parseCidr('300.0.0.0/8')).toBeUndefined();
    expect(parseCidr('1.2.3.4/8/9')).toBeUndefined();
    expect(parseIp('not-an-ip')).toBeUndefined();
  });
});

describe('condition operators and dates', () => {
  it('parses qualifiers and IfExists case-insensitively', () => {
    expect(parseConditionOperator('foranyvalue:stringequalsignorecaseifexists')).toMatchObject({
      name: 'ForAnyValue:StringEqualsIgnoreCaseIfExists',
      qualifier: 'ForAnyValue',
      ifExists: true,
    });
    expect(parseConditionOperator('StringEqualz')).toBeUndefined();
    expect(parseConditionOperator('NullIfExists')).toBeUndefined();
  });
  it('reads ISO 8601 and epoch dates as the same instant', () => {
    expect(parseDate('2020-01-01T00:00:00Z')).toBe(Date.UTC(2020, 0, 1));
    expect(parseDate('2020-01-01')).toBe(Date.UTC(2020, 0, 1));
    expect(parseDate('2020-01-01T02:00:00+0200')).toBe(Date.UTC(2020, 0, 1));
    expect(parseDate('1577836800')).toBe(Date.UTC(2020, 0, 1));
    expect(parseDate('yesterday')).toBeUndefined();
  });
});

describe('ARNs and actions', () => {
  it('builds S3 and user ARNs', () => {
    expect(s3ResourceArn()).toBe('arn:aws:s3:::');
    expect(s3ResourceArn('b')).toBe('arn:aws:s3:::b');
    expect(s3ResourceArn('b', 'dir/key.txt')).toBe('arn:aws:s3:::b/dir/key.txt');
    expect(userArn('111122223333', 'alice')).toBe('arn:aws:iam::111122223333:user/alice');
  });
  it('lists the S3 actions the brief names and canonicalizes case', () => {
    for (const a of [
      's3:GetObject',
      's3:ListAllMyBuckets',
      's3:GetBucketPolicyStatus',
      's3:BypassGovernanceRetention',
      's3:GetBucketRequestPayment',
    ]) {
      expect(S3_ACTIONS).toContain(a);
    }
    expect(canonicalS3Action('S3:GETOBJECT')).toBe('s3:GetObject');
    expect(canonicalS3Action('s3:GetObjekt')).toBeUndefined();
  });
});
