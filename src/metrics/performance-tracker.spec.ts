import { percentile, PerformanceTracker, RESERVOIR } from './performance-tracker';

describe('percentile', () => {
  it('is the nearest rank of sorted values', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(v, 50)).toBe(5);
    expect(percentile(v, 90)).toBe(9);
    expect(percentile(v, 99)).toBe(10);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile([], 50)).toBe(0);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe('PerformanceTracker', () => {
  let now = 1_000_000;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('counts, errors and latency percentiles per operation, busiest first', () => {
    const t = new PerformanceTracker(clock);
    for (let i = 1; i <= 100; i++) t.record('GetObject', 200, i / 1000);
    t.record('PutObject', 500, 0.5);
    t.record('PutObject', 403, 0.25);
    const [get, put] = t.operations();
    expect(get).toMatchObject({
      operation: 'GetObject',
      count: 100,
      errors: 0,
      p50Ms: 50,
      p90Ms: 90,
      p99Ms: 99,
      maxMs: 100,
      avgMs: 50.5,
      sampled: 100,
    });
    expect(put).toMatchObject({ operation: 'PutObject', count: 2, errors: 2, serverErrors: 1, errorRate: 1, maxMs: 500 });
    expect(t.overall()).toMatchObject({ operation: '*', count: 102, errors: 2, maxMs: 500 });
  });

  it('keeps percentiles over the most recent requests only', () => {
    const t = new PerformanceTracker(clock);
    for (let i = 0; i < RESERVOIR; i++) t.record('HeadObject', 200, 1);
    for (let i = 0; i < RESERVOIR; i++) t.record('HeadObject', 200, 0.001);
    const [head] = t.operations();
    expect(head.count).toBe(2 * RESERVOIR);
    expect(head.p99Ms).toBe(1);
    expect(head.maxMs).toBe(1000);
  });

  it('computes request and error rates over a window of seconds', () => {
    const t = new PerformanceTracker(clock);
    now += 120_000;
    for (let s = 0; s < 10; s++) {
      now += 1000;
      for (let i = 0; i < 5; i++) t.record('GetObject', i === 0 ? 404 : 200, 0.001);
    }
    const r = t.rates(10);
    expect(r).toMatchObject({ windowSeconds: 10, requests: 50, errors: 10, requestsPerSecond: 5, errorsPerSecond: 1, errorRate: 0.2 });
    now += 60_000;
    expect(t.rates(10).requests).toBe(0);
    expect(t.rates(300).requests).toBe(50);
  });

  it('forgets everything on reset', () => {
    const t = new PerformanceTracker(clock);
    t.record('GetObject', 200, 0.01);
    now += 5000;
    t.reset();
    expect(t.operations()).toEqual([]);
    expect(t.overall().count).toBe(0);
    expect(t.rates().requests).toBe(0);
    expect(t.since().getTime()).toBe(now);
  });
});
