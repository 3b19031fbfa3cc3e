import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows max hits per window, then answers the seconds left', () => {
    const rl = new RateLimiter(3, 60_000);
    expect([rl.hit('a', 0), rl.hit('a', 1), rl.hit('a', 2)]).toEqual([0, 0, 0]);
    expect(rl.hit('a', 10_000)).toBe(50);
    expect(rl.hit('b', 10_000)).toBe(0);
    expect(rl.hit('a', 60_000)).toBe(0);
  });

  it('is off with max 0', () => {
    const rl = new RateLimiter(0, 1000);
    for (let i = 0; i < 100; i++) expect(rl.hit('a', i)).toBe(0);
  });

  it('keeps at most maxKeys windows', () => {
    const rl = new RateLimiter(1, 60_000, 2);
    rl.hit('a', 0);
    rl.hit('b', 0);
    rl.hit('c', 0);
    // 'a' was dropped to make room: it starts a fresh window.
    expect(rl.hit('a', 1)).toBe(0);
  });
});
