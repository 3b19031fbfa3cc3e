import { CorsRule, validateCorsRules } from './cors-configuration';
import { LifecycleRuleInput, validateLifecycleRules } from './lifecycle-configuration';
import { validateBucketTags } from './tags';

const cors = (r: Partial<CorsRule> = {}): CorsRule => ({
  allowedOrigins: ['*'],
  allowedMethods: ['GET'],
  allowedHeaders: [],
  exposeHeaders: [],
  ...r,
});

describe('validateCorsRules', () => {
  it('accepts 1 to 100 rules of the five methods', () => {
    expect(() => validateCorsRules([cors({ allowedMethods: ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'] })])).not.toThrow();
    expect(() => validateCorsRules(Array.from({ length: 100 }, () => cors()))).not.toThrow();
    expect(() => validateCorsRules([cors({ allowedOrigins: ['http://*.example.com'], allowedHeaders: ['x-amz-*'] })])).not.toThrow();
  });

  it.each<[string, CorsRule[], string, string?]>([
    ['no rule', [], 'MalformedConfiguration'],
    ['101 rules', Array.from({ length: 101 }, () => cors()), 'MalformedConfiguration'],
    ['a rule without origin', [cors({ allowedOrigins: [] })], 'MalformedConfiguration'],
    ['a rule without method', [cors({ allowedMethods: [] })], 'MalformedConfiguration'],
    [
      'OPTIONS',
      [cors({ allowedMethods: ['OPTIONS'] })],
      'InvalidRequest',
      'Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS',
    ],
    ['a lower-case method', [cors({ allowedMethods: ['get'] })], 'InvalidRequest'],
    [
      'two wildcards in an origin',
      [cors({ allowedOrigins: ['*example*.com'] })],
      'InvalidRequest',
      'AllowedOrigin "*example*.com" can not have more than one wildcard.',
    ],
    [
      'two wildcards in a header',
      [cors({ allowedHeaders: ['x-*-*'] })],
      'InvalidRequest',
      'AllowedHeader "x-*-*" can not have more than one wildcard.',
    ],
    ['a wildcard in ExposeHeader', [cors({ exposeHeaders: ['*'] })], 'InvalidRequest'],
    ['an ID of 256 characters', [cors({ id: 'i'.repeat(256) })], 'InvalidArgument'],
    ['a negative MaxAgeSeconds', [cors({ maxAgeSeconds: -1 })], 'MalformedConfiguration'],
    // (a rest parameter: jest would take a fourth declared parameter for its `done` callback)
  ])('refuses %s', (_name, rules, code, ...message) => {
    expect(() => validateCorsRules(rules)).toThrow(expect.objectContaining({ code, ...(message[0] ? { message: message[0] } : {}) }));
  });
});

describe('validateBucketTags', () => {
  it('accepts up to 50 tags, empty values, and the allowed characters', () => {
    expect(() => validateBucketTags(Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: '' })))).not.toThrow();
    expect(() =>
      validateBucketTags([
        { key: 'Ünïcode key_.:/=+-@ 1', value: 'v'.repeat(256) },
        { key: 'k'.repeat(128), value: '' },
      ]),
    ).not.toThrow();
  });

  it.each<[string, Array<{ key: string; value: string }>, string, string]>([
    [
      '51 tags',
      Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
      'TooManyTags',
      'Bucket tag count cannot be greater than 50',
    ],
    ['an empty key', [{ key: '', value: 'v' }], 'InvalidTag', 'The TagKey you have provided is invalid'],
    ['a 129-character key', [{ key: 'k'.repeat(129), value: 'v' }], 'InvalidTag', 'The TagKey you have provided is invalid'],
    ['a 257-character value', [{ key: 'k', value: 'v'.repeat(257) }], 'InvalidTag', 'The TagValue you have provided is invalid'],
    ['a key with braces', [{ key: '{k}', value: 'v' }], 'InvalidTag', 'The TagKey you have provided is invalid'],
    ['an aws: key', [{ key: 'AWS:cloudformation', value: 'v' }], 'InvalidTag', 'System tags cannot be added/updated by requester'],
    [
      'a repeated key',
      [
        { key: 'k', value: '1' },
        { key: 'k', value: '2' },
      ],
      'InvalidTag',
      'Cannot provide multiple Tags with the same key',
    ],
  ])('refuses %s', (_name, tags, code, message) => {
    expect(() => validateBucketTags(tags)).toThrow(expect.objectContaining({ code, message }));
  });
});

describe('validateLifecycleRules', () => {
  const rule = (r: Partial<LifecycleRuleInput> = {}): LifecycleRuleInput => ({
    status: 'Enabled',
    filter: {},
    expiration: { days: 1 },
    ...r,
  });

  it('accepts every documented form', () => {
    expect(() =>
      validateLifecycleRules([
        rule({ id: 'a' }),
        rule({ filter: { prefix: 'logs/' }, expiration: { date: '2030-01-01T00:00:00.000Z' } }),
        rule({ filter: { tag: { key: 'k', value: 'v' } } }),
        rule({ filter: { objectSizeGreaterThan: 0 } }),
        rule({ filter: { and: { prefix: '', tags: [{ key: 'k', value: 'v' }] } } }),
        rule({ filter: { and: { tags: [], objectSizeGreaterThan: 1, objectSizeLessThan: 2 } } }),
        rule({
          expiration: { expiredObjectDeleteMarker: true },
          noncurrentVersionExpiration: { noncurrentDays: 1, newerNoncurrentVersions: 3 },
        }),
        rule({ expiration: undefined, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 }, filter: { prefix: 'uploads/' } }),
        rule({ status: 'Disabled' }),
      ]),
    ).not.toThrow();
    expect(() => validateLifecycleRules([{ status: 'Enabled', prefix: 'old/', expiration: { days: 3 } }])).not.toThrow();
    expect(() => validateLifecycleRules(Array.from({ length: 1000 }, () => rule()))).not.toThrow();
  });

  it.each<[string, LifecycleRuleInput[], string, string?]>([
    ['no rule', [], 'MalformedConfiguration'],
    [
      '1001 rules',
      Array.from({ length: 1001 }, () => rule()),
      'InvalidRequest',
      'The number of lifecycle rules must not exceed the allowed limit of 1000 rules.',
    ],
    ['an ID of 256 characters', [rule({ id: 'x'.repeat(256) })], 'InvalidArgument', 'ID length should not exceed allowed limit of 255'],
    [
      'a repeated ID',
      [rule({ id: 'a' }), rule({ id: 'a' })],
      'InvalidArgument',
      'Rule ID must be unique. Found same ID for more than one rule',
    ],
    ['status enabled', [rule({ status: 'enabled' as 'Enabled' })], 'MalformedConfiguration'],
    ['neither Filter nor Prefix', [rule({ filter: undefined })], 'MalformedConfiguration'],
    ['both Filter and Prefix', [rule({ prefix: 'a' })], 'MalformedConfiguration'],
    ['a rule-level Prefix after a Filter', [rule(), { status: 'Enabled', prefix: 'a', expiration: { days: 1 } }], 'InvalidRequest'],
    [
      'a Filter after a rule-level Prefix',
      [{ status: 'Enabled', prefix: 'a', expiration: { days: 1 } }, rule()],
      'InvalidRequest',
      'Filter element can only be used in Lifecycle V2.',
    ],
    ['two predicates in a Filter', [rule({ filter: { prefix: 'a', objectSizeGreaterThan: 1 } })], 'MalformedConfiguration'],
    ['And with one predicate', [rule({ filter: { and: { prefix: 'a', tags: [] } } })], 'MalformedConfiguration'],
    [
      'And with a repeated tag key',
      [
        rule({
          filter: {
            and: {
              tags: [
                { key: 'k', value: '1' },
                { key: 'k', value: '2' },
              ],
            },
          },
        }),
      ],
      'InvalidRequest',
      'Duplicate Tag Keys are not allowed.',
    ],
    ['ObjectSizeLessThan 0', [rule({ filter: { objectSizeLessThan: 0 } })], 'InvalidRequest'],
    [
      'sizes in the wrong order',
      [rule({ filter: { and: { tags: [], objectSizeGreaterThan: 5, objectSizeLessThan: 5 } } })],
      'InvalidRequest',
    ],
    ['no action', [rule({ expiration: undefined })], 'InvalidRequest', 'At least one action needs to be specified in a rule'],
    ['an empty Expiration', [rule({ expiration: {} })], 'MalformedConfiguration'],
    ['Days and Date', [rule({ expiration: { days: 1, date: '2030-01-01T00:00:00.000Z' } })], 'MalformedConfiguration'],
    ['ExpiredObjectDeleteMarker with Days', [rule({ expiration: { days: 1, expiredObjectDeleteMarker: true } })], 'MalformedConfiguration'],
    ['Days 0', [rule({ expiration: { days: 0 } })], 'InvalidArgument', "'Days' for Expiration action must be a positive integer"],
    [
      'a Date that is not midnight',
      [rule({ expiration: { date: '2030-01-01T12:00:00.000Z' } })],
      'InvalidArgument',
      "'Date' must be at midnight GMT",
    ],
    [
      'ExpiredObjectDeleteMarker with a tag filter',
      [rule({ filter: { tag: { key: 'k', value: 'v' } }, expiration: { expiredObjectDeleteMarker: false } })],
      'InvalidRequest',
      'ExpiredObjectDeleteMarker cannot be specified with Tags.',
    ],
    [
      'ExpiredObjectDeleteMarker with a size filter',
      [rule({ filter: { objectSizeLessThan: 9 }, expiration: { expiredObjectDeleteMarker: true } })],
      'InvalidRequest',
      'ExpiredObjectDeleteMarker cannot be specified with Object Size.',
    ],
    ['NoncurrentVersionExpiration without NoncurrentDays', [rule({ noncurrentVersionExpiration: {} })], 'MalformedConfiguration'],
    [
      'NoncurrentDays 0',
      [rule({ noncurrentVersionExpiration: { noncurrentDays: 0 } })],
      'InvalidArgument',
      "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
    ],
    [
      'NewerNoncurrentVersions with a rule-level Prefix',
      [{ status: 'Enabled', prefix: '', noncurrentVersionExpiration: { noncurrentDays: 1, newerNoncurrentVersions: 2 } }],
      'InvalidRequest',
      'NewerNoncurrentVersions element can only be used in Lifecycle V2.',
    ],
    [
      'DaysAfterInitiation 0',
      [rule({ abortIncompleteMultipartUpload: { daysAfterInitiation: 0 } })],
      'InvalidArgument',
      "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
    ],
    [
      'AbortIncompleteMultipartUpload with a tag filter',
      [
        rule({
          filter: { and: { prefix: 'a', tags: [{ key: 'k', value: 'v' }] } },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        }),
      ],
      'InvalidRequest',
      'AbortIncompleteMultipartUpload cannot be specified with Tags.',
    ],
    [
      'AbortIncompleteMultipartUpload with a size filter',
      [rule({ filter: { objectSizeGreaterThan: 1 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } })],
      'InvalidRequest',
      'AbortIncompleteMultipartUpload cannot be specified with Object Size.',
    ],
  ])('refuses %s', (_name, rules, code, ...message) => {
    expect(() => validateLifecycleRules(rules)).toThrow(expect.objectContaining({ code, ...(message[0] ? { message: message[0] } : {}) }));
  });
});
