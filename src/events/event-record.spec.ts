import { buildRecord, encodeEventKey, eventMatches, filterMatches, matchingRules, Sequencer } from './event-record';
import { backoffMs } from './event-dispatcher';

describe('event records', () => {
  it.each([
    ['photos/red flower.jpg', 'photos/red+flower.jpg'],
    ['a+b=c&d', 'a%2Bb%3Dc%26d'],
    ['dir/ünï (1).txt', 'dir/%C3%BCn%C3%AF+%281%29.txt'],
    ['plain-key_1.txt', 'plain-key_1.txt'],
  ])('encodes the key %j as S3 does: %j', (key, encoded) => {
    expect(encodeEventKey(key)).toBe(encoded);
  });

  it.each([
    [['s3:ObjectCreated:*'], 'ObjectCreated:Put', true],
    [['s3:ObjectCreated:Put'], 'ObjectCreated:Put', true],
    [['s3:ObjectCreated:Copy'], 'ObjectCreated:Put', false],
    [['s3:ObjectRemoved:*'], 'ObjectRemoved:DeleteMarkerCreated', true],
    [['s3:ObjectRemoved:Delete'], 'ObjectRemoved:DeleteMarkerCreated', false],
    [['s3:ObjectRemoved:*'], 'LifecycleExpiration:Delete', false],
    [['s3:LifecycleExpiration:*'], 'LifecycleExpiration:DeleteMarkerCreated', true],
  ] as const)('%j matches %s: %s', (patterns, name, expected) => {
    expect(eventMatches(patterns, name)).toBe(expected);
  });

  it('filters by prefix and suffix', () => {
    expect(filterMatches({ prefix: 'logs/', suffix: '.gz' }, 'logs/a.gz')).toBe(true);
    expect(filterMatches({ prefix: 'logs/', suffix: '.gz' }, 'logs/a.txt')).toBe(false);
    expect(filterMatches({ prefix: 'logs/' }, 'other/a.gz')).toBe(false);
    expect(filterMatches(undefined, 'x')).toBe(true);
    const rules = [
      { id: 'a', target: { type: 'webhook' as const, url: 'http://h' }, events: ['s3:ObjectCreated:*'], filter: { prefix: 'a/' } },
      { id: 'b', target: { type: 'webhook' as const, url: 'http://h' }, events: ['s3:ObjectRemoved:*'] },
    ];
    expect(matchingRules(rules, { eventName: 'ObjectCreated:Put', key: 'a/x' }).map((r) => r.id)).toEqual(['a']);
    expect(matchingRules(rules, { eventName: 'ObjectCreated:Put', key: 'b/x' })).toEqual([]);
  });

  it('sequencers increase, also within one millisecond', () => {
    const s = new Sequencer();
    const a = s.next(1000);
    const b = s.next(1000);
    const c = s.next(999); // a clock step back does not reorder
    const d = s.next(2000);
    expect([a, b, c, d]).toEqual([...[a, b, c, d]].sort());
    expect(new Set([a, b, c, d]).size).toBe(4);
  });

  it('builds a delete record without size and eTag, fields in S3 order', () => {
    const r = buildRecord({
      region: 'us-east-1',
      time: new Date('2026-01-02T03:04:05.006Z'),
      bucket: { name: 'b', ownerId: 'owner' },
      change: { eventName: 'ObjectRemoved:DeleteMarkerCreated', key: 'k', versionId: 'v1' },
      origin: { principalId: 'AKID', sourceIp: '10.0.0.1', requestId: 'REQ', hostId: 'HOST' },
      configurationId: 'cfg',
      sequencer: '00AA',
    });
    expect(JSON.stringify(r)).toBe(
      '{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-01-02T03:04:05.006Z",' +
        '"eventName":"ObjectRemoved:DeleteMarkerCreated","userIdentity":{"principalId":"AKID"},' +
        '"requestParameters":{"sourceIPAddress":"10.0.0.1"},"responseElements":{"x-amz-request-id":"REQ","x-amz-id-2":"HOST"},' +
        '"s3":{"s3SchemaVersion":"1.0","configurationId":"cfg","bucket":{"name":"b","ownerIdentity":{"principalId":"owner"},' +
        '"arn":"arn:aws:s3:::b"},"object":{"key":"k","versionId":"v1","sequencer":"00AA"}}}',
    );
  });

  it('backs off exponentially, capped', () => {
    expect([1, 2, 3, 4, 10, 100].map((n) => backoffMs(n, 1000, 60_000))).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
  });
});
