import type { LifecycleRule } from '../buckets/lifecycle-configuration';
import {
  currentExpiration,
  dueAfterDays,
  effectiveFilter,
  expiredDeleteMarkerDue,
  filterMatches,
  noncurrentExpiration,
  scanPrefix,
  uploadAbortDue,
} from './lifecycle-rules';

const t = (iso: string) => Date.parse(iso);
const rule = (r: Partial<LifecycleRule> & { id: string }): LifecycleRule => ({ status: 'Enabled', filter: {}, ...r });

describe('dueAfterDays (S3: add the days, round up to the next midnight UTC)', () => {
  it.each([
    // the user guide's example: created 1/15/2014 10:30 UTC, 3 days → 1/19/2014 00:00 UTC
    ['2014-01-15T10:30:00Z', 3, '2014-01-19T00:00:00.000Z'],
    // the troubleshooting page: 00:05 on January 2, 1 day → 00:00 on January 4
    ['2024-01-02T00:05:00Z', 1, '2024-01-04T00:00:00.000Z'],
    ['2024-01-02T23:59:59.999Z', 1, '2024-01-04T00:00:00.000Z'],
    // a time at midnight exactly goes to the next one
    ['2024-01-02T00:00:00Z', 1, '2024-01-04T00:00:00.000Z'],
    // the worked noncurrent example: noncurrent 1/2/2014 11:30, 5 days → 1/8/2014 00:00
    ['2014-01-02T11:30:00Z', 5, '2014-01-08T00:00:00.000Z'],
    // across a month and a leap day
    ['2024-02-28T12:00:00Z', 1, '2024-03-01T00:00:00.000Z'],
    // 2024 has 366 days: 365 of them from New Year's Eve 2023 end on December 30
    ['2023-12-31T18:00:00Z', 365, '2024-12-31T00:00:00.000Z'],
  ])('%s + %i day(s) → %s', (since, days, expected) => {
    expect(new Date(dueAfterDays(t(since), days)).toISOString()).toBe(expected);
  });
});

describe('effectiveFilter and filterMatches', () => {
  const o = (key: string, size = 100, tags: Record<string, string> | null = null) => ({ key, size, tags });
  const table: Array<[string, LifecycleRule, ReturnType<typeof o>, boolean]> = [
    ['empty filter, any key', rule({ id: 'a' }), o('x'), true],
    ['legacy rule-level prefix', rule({ id: 'a', filter: undefined, prefix: 'logs/' }), o('logs/1'), true],
    ['legacy prefix, other key', rule({ id: 'a', filter: undefined, prefix: 'logs/' }), o('log/1'), false],
    ['prefix', rule({ id: 'a', filter: { prefix: 'tmp/' } }), o('tmp/a'), true],
    ['prefix is not a substring match', rule({ id: 'a', filter: { prefix: 'tmp/' } }), o('x/tmp/a'), false],
    ['tag, same value', rule({ id: 'a', filter: { tag: { key: 'k', value: 'v' } } }), o('x', 1, { k: 'v', other: '1' }), true],
    ['tag, other value', rule({ id: 'a', filter: { tag: { key: 'k', value: 'v' } } }), o('x', 1, { k: 'w' }), false],
    ['tag, untagged object', rule({ id: 'a', filter: { tag: { key: 'k', value: 'v' } } }), o('x'), false],
    ['tag with an empty value', rule({ id: 'a', filter: { tag: { key: 'k', value: '' } } }), o('x', 1, { k: '' }), true],
    ['greater than is exclusive', rule({ id: 'a', filter: { objectSizeGreaterThan: 100 } }), o('x', 100), false],
    ['greater than', rule({ id: 'a', filter: { objectSizeGreaterThan: 100 } }), o('x', 101), true],
    ['less than is exclusive', rule({ id: 'a', filter: { objectSizeLessThan: 100 } }), o('x', 100), false],
    ['less than', rule({ id: 'a', filter: { objectSizeLessThan: 100 } }), o('x', 99), true],
    [
      'And: every predicate',
      rule({
        id: 'a',
        filter: {
          and: {
            prefix: 'a/',
            tags: [
              { key: 'k', value: 'v' },
              { key: 'j', value: 'w' },
            ],
            objectSizeLessThan: 50,
          },
        },
      }),
      o('a/1', 10, { k: 'v', j: 'w' }),
      true,
    ],
    [
      'And: one tag differs',
      rule({
        id: 'a',
        filter: {
          and: {
            prefix: 'a/',
            tags: [
              { key: 'k', value: 'v' },
              { key: 'j', value: 'w' },
            ],
          },
        },
      }),
      o('a/1', 10, { k: 'v', j: 'x' }),
      false,
    ],
    ['And: too big', rule({ id: 'a', filter: { and: { prefix: 'a/', tags: [], objectSizeLessThan: 50 } } }), o('a/1', 50), false],
    ['a tag named like an Object property', rule({ id: 'a', filter: { tag: { key: 'constructor', value: 'v' } } }), o('x', 1, {}), false],
  ];
  it.each(table)('%s', (_name, r, candidate, expected) => {
    expect(filterMatches(effectiveFilter(r), candidate)).toBe(expected);
  });
});

describe('currentExpiration', () => {
  const lastModified = t('2025-03-10T15:00:00Z');
  it('is the earliest of the matching enabled rules, by Days or Date', () => {
    const rules = [
      rule({ id: 'long', expiration: { days: 30 } }),
      rule({ id: 'short', filter: { prefix: 'tmp/' }, expiration: { days: 2 } }),
      rule({ id: 'off', status: 'Disabled', expiration: { days: 1 } }),
      rule({ id: 'date', filter: { prefix: 'dated/' }, expiration: { date: '2025-04-01T00:00:00.000Z' } }),
      rule({ id: 'abort-only', abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }),
    ];
    expect(currentExpiration(rules, { key: 'tmp/x', size: 1, lastModified })).toEqual({ at: t('2025-03-13T00:00:00Z'), ruleId: 'short' });
    expect(currentExpiration(rules, { key: 'other', size: 1, lastModified })).toEqual({ at: t('2025-04-10T00:00:00Z'), ruleId: 'long' });
    expect(currentExpiration(rules, { key: 'dated/x', size: 1, lastModified })).toEqual({ at: t('2025-04-01T00:00:00Z'), ruleId: 'date' });
  });

  it('names the rule listed first when two fall due together', () => {
    const rules = [
      rule({ id: 'first', expiration: { days: 7 } }),
      rule({ id: 'second', filter: { prefix: 'a' }, expiration: { days: 7 } }),
    ];
    expect(currentExpiration(rules, { key: 'a', size: 1, lastModified })?.ruleId).toBe('first');
  });

  it('is undefined when no rule applies', () => {
    expect(
      currentExpiration([rule({ id: 'x', filter: { prefix: 'p/' }, expiration: { days: 1 } })], { key: 'q', size: 1, lastModified }),
    ).toBeUndefined();
    expect(
      currentExpiration([rule({ id: 'm', expiration: { expiredObjectDeleteMarker: true } })], { key: 'q', size: 1, lastModified }),
    ).toBeUndefined();
    expect(currentExpiration([], { key: 'q', size: 1, lastModified })).toBeUndefined();
  });
});

describe('uploadAbortDue', () => {
  const rules = [
    rule({ id: 'all', abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }),
    rule({ id: 'fast', filter: { prefix: 'big/' }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }),
  ];
  it.each([
    ['big/x', 'fast', '2025-01-03T00:00:00Z'],
    ['small/x', 'all', '2025-01-09T00:00:00Z'],
  ])('%s → %s at %s', (key, ruleId, at) => {
    expect(uploadAbortDue(rules, { key, initiated: t('2025-01-01T08:00:00Z') })).toEqual({ at: t(at), ruleId });
  });
  it('ignores rules without the action', () => {
    expect(uploadAbortDue([rule({ id: 'e', expiration: { days: 1 } })], { key: 'k', initiated: 0 })).toBeUndefined();
  });
});

describe('noncurrentExpiration', () => {
  const since = t('2025-01-01T08:00:00Z');
  it('counts NoncurrentDays from when the version became noncurrent', () => {
    const rules = [rule({ id: 'nc', noncurrentVersionExpiration: { noncurrentDays: 3 } })];
    expect(noncurrentExpiration(rules, { key: 'k', size: 1, noncurrentSince: since, newerNoncurrent: 0 })).toEqual({
      at: t('2025-01-05T00:00:00Z'),
      ruleId: 'nc',
    });
  });
  it.each([
    [0, false],
    [1, false],
    [2, true],
    [5, true],
  ])('keeps 2 newer noncurrent versions: with %i newer ones, due=%s', (newer, due) => {
    const rules = [rule({ id: 'keep2', noncurrentVersionExpiration: { noncurrentDays: 1, newerNoncurrentVersions: 2 } })];
    expect(noncurrentExpiration(rules, { key: 'k', size: 1, noncurrentSince: since, newerNoncurrent: newer }) !== undefined).toBe(due);
  });
});

describe('expiredDeleteMarkerDue', () => {
  const lastModified = t('2025-01-01T08:00:00Z');
  it('is immediate under ExpiredObjectDeleteMarker, Days-old under an age rule', () => {
    expect(
      expiredDeleteMarkerDue([rule({ id: 'm', expiration: { expiredObjectDeleteMarker: true } })], { key: 'k', lastModified }),
    ).toEqual({
      at: lastModified,
      ruleId: 'm',
    });
    expect(expiredDeleteMarkerDue([rule({ id: 'd', expiration: { days: 2 } })], { key: 'k', lastModified })).toEqual({
      at: t('2025-01-04T00:00:00Z'),
      ruleId: 'd',
    });
  });
  it('never under a tag filter, a false flag or a Date rule', () => {
    const rules = [
      rule({ id: 'tag', filter: { tag: { key: 'a', value: 'b' } }, expiration: { days: 1 } }),
      rule({ id: 'false', expiration: { expiredObjectDeleteMarker: false } }),
      rule({ id: 'date', expiration: { date: '2020-01-01T00:00:00.000Z' } }),
    ];
    expect(expiredDeleteMarkerDue(rules, { key: 'k', lastModified })).toBeUndefined();
  });
});

describe('scanPrefix', () => {
  it.each([
    [[], ''],
    [['logs/2024/', 'logs/2025/'], 'logs/202'],
    [['logs/', ''], ''],
    [['a'], 'a'],
    [['\u{1F600}a', '\u{1F600}b'], '\u{1F600}'],
    [['\u{1F600}', '\u{1F601}'], ''],
  ])('%j → %j', (prefixes, expected) => {
    expect(scanPrefix(prefixes.map((p, i) => rule({ id: String(i), filter: { prefix: p } })))).toBe(expected);
  });
});
