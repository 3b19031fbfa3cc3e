import { describe, expect, it } from 'vitest';
import { fillPath, queryString, toApiError } from '../api/client';
import { csvField, toCsv } from './csv';
import { formatBytes, formatDuration } from './format';
import { addRule, buildRule, ruleProblems } from './lifecycle';
import { describeEvent } from './notifications';
import { refreshDelay, safeNext, withoutTicket } from './session';
import { batchProgress } from './upload';
import { nearEnd, visibleRange } from './virtual';

describe('session', () => {
  it('renews a minute before expiry, half the lifetime for short tokens, never under 5 s', () => {
    const now = 1_000_000;
    expect(refreshDelay(now + 900_000, now, 900)).toBe(840_000);
    expect(refreshDelay(now + 60_000, now, 60)).toBe(30_000);
    expect(refreshDelay(now + 1_000, now, 900)).toBe(5_000);
  });

  it('only paths of this app are followed after login', () => {
    expect(safeNext('/buckets/x?prefix=a/')).toBe('/buckets/x?prefix=a/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil')).toBe('/');
    expect(safeNext('/login?next=/x')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });

  it('the SSO ticket is dropped from the address, and /console/ maps to the app root', () => {
    expect(withoutTicket('/buckets', '?sso_ticket=abc&x=1')).toBe('/buckets?x=1');
    expect(withoutTicket('/console/', '?sso_ticket=abc')).toBe('/');
    expect(withoutTicket('/console/users', '?sso_ticket=abc')).toBe('/users');
  });
});

describe('API client helpers', () => {
  it('fills path parameters as single segments (keys with slashes included)', () => {
    expect(fillPath('/api/v1/buckets/{bucket}/objects/{key}', { bucket: 'b', key: 'a/b c.txt' })).toBe(
      '/api/v1/buckets/b/objects/a%2Fb%20c.txt',
    );
    expect(() => fillPath('/api/v1/users/{id}', {})).toThrow(/missing path parameter id/);
  });

  it('query strings skip empty values', () => {
    expect(queryString({ a: 1, b: '', c: undefined, d: 'x y' })).toBe('?a=1&d=x+y');
    expect(queryString({})).toBe('');
  });

  it('errors keep the API words, code, request id and Retry-After', () => {
    const e = toApiError(
      429,
      {
        success: false,
        error: 'Too many',
        message: 'Too many login attempts from this address; try again later',
        code: 'TooManyRequests',
        request_id: 'R1',
      },
      '120',
    );
    expect(e.message).toBe('Too many login attempts from this address; try again later');
    expect(e.code).toBe('TooManyRequests');
    expect(e.requestId).toBe('R1');
    expect(e.retryAfter).toBe(120);
    expect(toApiError(502, 'Bad Gateway').message).toBe('Bad Gateway');
    expect(toApiError(500, null).message).toBe('The server answered 500');
  });
});

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks; neutralises spreadsheet formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField(null)).toBe('');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('a header line, then one line per row, CRLF', () => {
    expect(
      toCsv(
        [{ n: 'x', v: 1 }],
        [
          { header: 'name', value: (r) => r.n },
          { header: 'value', value: (r) => r.v },
        ],
      ),
    ).toBe('name,value\r\nx,1\r\n');
  });
});

describe('virtualised list', () => {
  it('renders the rows in view plus overscan, within bounds', () => {
    expect(visibleRange(0, 380, 38, 100_000, 5)).toEqual({ start: 0, end: 16 });
    expect(visibleRange(38 * 50_000, 380, 38, 100_000, 5)).toEqual({ start: 49_995, end: 50_016 });
    expect(visibleRange(38 * 99_999, 380, 38, 100_000, 5).end).toBe(100_000);
    expect(visibleRange(0, 380, 38, 0)).toEqual({ start: 0, end: 0 });
  });

  it('asks for the next page near the end', () => {
    expect(nearEnd(0, 380, 38, 1000)).toBe(false);
    expect(nearEnd(38 * 975, 380, 38, 1000)).toBe(true);
  });
});

describe('uploads', () => {
  it('batch progress weighs files by size; finished files count whole', () => {
    expect(batchProgress([])).toBe(0);
    expect(
      batchProgress([
        { size: 100, loaded: 50, status: 'uploading' },
        { size: 300, loaded: 0, status: 'queued' },
      ]),
    ).toBe(12);
    expect(
      batchProgress([
        { size: 100, loaded: 0, status: 'done' },
        { size: 100, loaded: 100, status: 'uploading' },
      ]),
    ).toBe(100);
    expect(batchProgress([{ size: 0, loaded: 0, status: 'done' }])).toBe(100);
  });
});

describe('lifecycle rule builder', () => {
  const form = { id: 'logs', prefix: 'logs/', expirationDays: '30', noncurrentDays: '', abortDays: '7', enabled: true };
  it('builds an S3 rule from the form', () => {
    expect(buildRule(form)).toEqual({
      ID: 'logs',
      Status: 'Enabled',
      Filter: { Prefix: 'logs/' },
      Expiration: { Days: 30 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
  });
  it('names what is wrong', () => {
    expect(ruleProblems({ ...form, expirationDays: '', abortDays: '' })).toEqual([
      'Give at least one action: expiration, noncurrent expiration or abort of incomplete uploads',
    ]);
    expect(ruleProblems({ ...form, expirationDays: '1.5' })).toEqual(['Expiration days must be a whole number of days, 1 or more']);
  });
  it('adds a rule, or replaces the one with the same ID', () => {
    const one = addRule(null, buildRule(form));
    expect(one.Rules).toHaveLength(1);
    const replaced = addRule(one, buildRule({ ...form, expirationDays: '60' }));
    expect(replaced.Rules).toEqual([expect.objectContaining({ ID: 'logs', Expiration: { Days: 60 } })]);
    expect(addRule(one, buildRule({ ...form, id: 'other' })).Rules).toHaveLength(2);
  });
});

describe('formatting and notifications', () => {
  it('bytes and durations', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20.0 MiB');
    expect(formatBytes(null)).toBe('—');
    expect(formatDuration(30)).toBe('30 s');
    expect(formatDuration(840)).toBe('14 min');
  });
  it('live events read as sentences', () => {
    expect(describeEvent({ type: 'bucket.created', data: { bucket: 'x' } })).toBe('Bucket x created');
    expect(describeEvent({ type: 'maintenance.toggled', data: { enabled: true } })).toMatch(/Maintenance mode is on/);
    expect(describeEvent({ type: 'something.new', data: {} })).toBe('something.new');
  });
});
