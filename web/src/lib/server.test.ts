import { describe, expect, it } from 'vitest';
import { describeOutcome } from '../components/LogTargets';
import { dispositionName, featureLabel } from '../pages/ServerPage';

describe('log target tests in words', () => {
  it('a syslog line sent', () => {
    expect(describeOutcome({ sent: true, protocol: 'udp', host: '127.0.0.1', port: 5514, duration_ms: 2 })).toEqual({
      ok: true,
      text: 'Sent to udp://127.0.0.1:5514 in 2 ms',
    });
  });
  it('a target that cannot be reached, with the error the server got', () => {
    expect(describeOutcome({ sent: false, protocol: 'tcp', host: 'h', port: 1, error: 'connect ECONNREFUSED' })).toEqual({
      ok: false,
      text: 'Not delivered to tcp://h:1: connect ECONNREFUSED',
    });
  });
  it('an HTTP endpoint answering an error status', () => {
    expect(describeOutcome({ sent: true, url: 'http://x/log', ok: false, status: 500, status_text: 'Internal Server Error' }).text).toBe(
      'http://x/log answered 500 Internal Server Error',
    );
    expect(
      describeOutcome({ sent: true, url: 'http://x/log', ok: true, status: 204, status_text: 'No Content', duration_ms: 5 }).text,
    ).toBe('Sent to http://x/log (204 No Content) in 5 ms');
  });
  it('a file line written', () => {
    expect(describeOutcome({ written: true, path: '/data/logs/server.log', bytes: 120 })).toEqual({
      ok: true,
      text: 'Wrote 120 bytes to /data/logs/server.log',
    });
  });
});

describe('server page helpers', () => {
  it('names feature flags in words', () => {
    expect(featureLabel('bucketNotifications')).toBe('bucket notifications');
    expect(featureLabel('acls')).toBe('acls');
  });
  it('takes the file name from Content-Disposition', () => {
    expect(dispositionName('attachment; filename="cpu-2026.cpuprofile"', 'x')).toBe('cpu-2026.cpuprofile');
    expect(dispositionName(null, 'heap.heapsnapshot')).toBe('heap.heapsnapshot');
  });
});

describe('cluster lists the API will bring', () => {
  it('shows the fields of the items, in the order they first appear, eight at most', async () => {
    const { columnsOf } = await import('../pages/ClusterPage');
    expect(
      columnsOf([
        { id: 1, bucket: 'a' },
        { id: 2, target: 'n2' },
      ]),
    ).toEqual(['id', 'bucket', 'target']);
    expect(columnsOf([Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]))])).toHaveLength(8);
  });
});
