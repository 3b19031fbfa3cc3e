import type { CorsRule } from '../../buckets/cors-configuration';
import { corsResponseHeaders, matchCorsRule, parseRequestHeaders, preflightResponseHeaders, wildcardMatch } from './cors';

const rule = (r: Partial<CorsRule> & Pick<CorsRule, 'allowedOrigins' | 'allowedMethods'>): CorsRule => ({
  allowedHeaders: [],
  exposeHeaders: [],
  ...r,
});

describe('wildcardMatch', () => {
  const table: Array<[string, string, boolean]> = [
    ['https://example.com', 'https://example.com', true],
    ['https://example.com', 'https://EXAMPLE.com', true],
    ['https://example.com', 'http://example.com', false],
    ['https://example.com', 'https://example.com:443', false],
    ['https://example.com', 'https://example.com/', false],
    ['*', 'anything at all', true],
    ['*', '', true],
    ['http://*.example.com', 'http://app.example.com', true],
    ['http://*.example.com', 'http://a.b.example.com', true],
    ['http://*.example.com', 'http://example.com', false],
    ['http://*.example.com', 'https://app.example.com', false],
    // s3-tests' origins: `*` may match nothing; patterns are anchored at both ends.
    ['*suffix', 'foo.suffix', true],
    ['*suffix', 'foo.suffix.get', false],
    ['start*end', 'startend', true],
    ['start*end', 'start12end', true],
    ['start*end', '0start12end', false],
    ['prefix*', 'prefix.suffix', true],
    ['prefix*', 'bla.prefix', false],
    // overlapping head and tail must not share characters
    ['ab*ba', 'aba', false],
    ['x-amz-*', 'X-Amz-Date', true],
    ['x-amz-*', 'content-type', false],
  ];
  it.each(table)('%j ~ %j → %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });
});

describe('parseRequestHeaders', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['content-type', ['content-type']],
    ['Content-Type, X-Amz-Date', ['content-type', 'x-amz-date']],
    ['a,b,,c ', ['a', 'b', 'c']],
  ])('%j → %j', (value, expected) => {
    expect(parseRequestHeaders(value as string | undefined)).toEqual(expected);
  });
});

describe('matchCorsRule', () => {
  const rules: CorsRule[] = [
    rule({ id: 'put', allowedOrigins: ['https://app.example.com'], allowedMethods: ['PUT', 'POST'], allowedHeaders: ['content-*'] }),
    rule({ id: 'sub', allowedOrigins: ['http://*.example.com'], allowedMethods: ['GET'], allowedHeaders: ['*'] }),
    rule({ id: 'any', allowedOrigins: ['*'], allowedMethods: ['GET', 'HEAD'] }),
  ];
  const table: Array<[string, string, string[], string | undefined]> = [
    ['https://app.example.com', 'PUT', [], 'put'],
    ['https://app.example.com', 'PUT', ['content-type', 'Content-MD5'], 'put'],
    ['https://app.example.com', 'PUT', ['content-type', 'x-amz-date'], undefined],
    ['https://app.example.com', 'DELETE', [], undefined],
    ['https://app.example.com', 'GET', [], 'any'],
    ['http://a.example.com', 'GET', ['x-anything'], 'sub'],
    ['http://a.example.com', 'GET', [], 'sub'],
    ['https://elsewhere.test', 'GET', [], 'any'],
    // a rule without AllowedHeader allows no requested header
    ['https://elsewhere.test', 'GET', ['authorization'], undefined],
    ['https://elsewhere.test', 'PUT', [], undefined],
    // methods are compared as given (S3 stores them upper-case)
    ['https://elsewhere.test', 'get', [], undefined],
  ];
  it.each(table)('%s %s %j → %s', (origin, method, headers, expected) => {
    expect(matchCorsRule(rules, origin, method, headers)?.id).toBe(expected);
  });

  it('takes the first rule that matches, in configuration order', () => {
    const two = [
      rule({ id: 'a', allowedOrigins: ['*'], allowedMethods: ['GET'] }),
      rule({ id: 'b', allowedOrigins: ['*'], allowedMethods: ['GET'] }),
    ];
    expect(matchCorsRule(two, 'https://x', 'GET')?.id).toBe('a');
  });
});

describe('CORS response headers', () => {
  it('echoes a specific origin, with credentials, methods, exposed headers, max age and Vary', () => {
    const r = rule({
      allowedOrigins: ['https://app.example.com'],
      allowedMethods: ['GET', 'PUT'],
      exposeHeaders: ['ETag', 'x-amz-meta-a'],
      maxAgeSeconds: 3000,
    });
    expect(corsResponseHeaders(r, 'https://app.example.com')).toEqual({
      'Access-Control-Allow-Origin': 'https://app.example.com',
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Methods': 'GET, PUT',
      'Access-Control-Expose-Headers': 'ETag, x-amz-meta-a',
      'Access-Control-Max-Age': '3000',
      Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    });
  });

  it('answers * without credentials when the rule allows any origin', () => {
    const h = corsResponseHeaders(rule({ allowedOrigins: ['*'], allowedMethods: ['GET'] }), 'http://random:1234');
    expect(h['Access-Control-Allow-Origin']).toBe('*');
    expect(h['Access-Control-Allow-Credentials']).toBeUndefined();
    expect(h['Access-Control-Max-Age']).toBeUndefined();
    expect(h['Access-Control-Expose-Headers']).toBeUndefined();
  });

  it('lists the requested headers, lower-cased, on a preflight', () => {
    const r = rule({ allowedOrigins: ['*'], allowedMethods: ['PUT'], allowedHeaders: ['*'] });
    expect(preflightResponseHeaders(r, 'https://x', parseRequestHeaders('Content-Type,X-Amz-Date'))['Access-Control-Allow-Headers']).toBe(
      'content-type, x-amz-date',
    );
    expect(preflightResponseHeaders(r, 'https://x', [])['Access-Control-Allow-Headers']).toBeUndefined();
  });
});
