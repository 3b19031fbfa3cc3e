/**
 * A fixed-window counter per key (e.g. a client IP): `max` hits per `windowMs`. In memory, per
 * process: each node limits on its own. Pure apart from the time passed in.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    /** Keys tracked at most; the oldest windows are dropped beyond (a flood of distinct keys cannot grow memory). */
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts a hit; returns 0 when allowed, else the seconds until the window resets (Retry-After). */
  hit(key: string, now: number): number {
    if (this.max <= 0) return 0;
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.delete(key);
      if (this.windows.size >= this.maxKeys) this.prune(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.max) return Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
    w.count++;
    return 0;
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) {
      if (now - w.start >= this.windowMs) this.windows.delete(k);
    }
    // Still full: drop the oldest (Map iteration is insertion order).
    for (const k of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(k);
    }
  }
}
