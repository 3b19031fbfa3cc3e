import { CLUSTER_HEADER, MAX_SKEW_MS, NonceCache, sha256Hex, signInternalRequest, verifyInternalRequest } from './internal-auth';

const SECRET = 'a'.repeat(64);
const parts = { method: 'GET', target: '/_cluster/v1/node', contentSha256: sha256Hex('') };

describe('internal request signing', () => {
  it('accepts a request signed with the cluster secret, once', () => {
    const now = 1_700_000_000_000;
    const headers = signInternalRequest(SECRET, 'node-a', { ...parts, claims: 'abc' }, now);
    const seen = new NonceCache();
    expect(verifyInternalRequest(SECRET, 'GET', parts.target, headers, seen, now + 10)).toEqual({
      ok: true,
      node: 'node-a',
      claims: 'abc',
      contentSha256: parts.contentSha256,
    });
    expect(verifyInternalRequest(SECRET, 'GET', parts.target, headers, seen, now + 20)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('refuses an unsigned request', () => {
    expect(verifyInternalRequest(SECRET, 'GET', parts.target, {}, new NonceCache())).toEqual({ ok: false, reason: 'not signed' });
  });

  it('refuses a request signed with another secret', () => {
    const headers = signInternalRequest('b'.repeat(64), 'node-a', parts);
    expect(verifyInternalRequest(SECRET, 'GET', parts.target, headers, new NonceCache())).toEqual({ ok: false, reason: 'bad signature' });
  });

  it.each([
    ['method', { method: 'DELETE' }],
    ['target', { target: '/_cluster/v1/other' }],
  ])('refuses a request whose %s was changed', (_what, change) => {
    const headers = signInternalRequest(SECRET, 'node-a', parts);
    const c = { method: parts.method, target: parts.target, ...change };
    expect(verifyInternalRequest(SECRET, c.method, c.target, headers, new NonceCache())).toMatchObject({
      ok: false,
      reason: 'bad signature',
    });
  });

  it.each([
    [CLUSTER_HEADER.node, 'node-b'],
    [CLUSTER_HEADER.claims, 'someone-else'],
    [CLUSTER_HEADER.contentSha256, sha256Hex('other body')],
  ])('refuses a request whose %s header was changed', (name, value) => {
    const headers = signInternalRequest(SECRET, 'node-a', { ...parts, claims: 'abc' });
    expect(verifyInternalRequest(SECRET, 'GET', parts.target, { ...headers, [name]: value }, new NonceCache())).toMatchObject({
      ok: false,
    });
  });

  it('refuses a request outside the allowed clock skew', () => {
    const now = 1_700_000_000_000;
    const headers = signInternalRequest(SECRET, 'node-a', parts, now);
    expect(verifyInternalRequest(SECRET, 'GET', parts.target, headers, new NonceCache(), now + MAX_SKEW_MS + 1)).toEqual({
      ok: false,
      reason: 'stale or future date',
    });
  });
});
