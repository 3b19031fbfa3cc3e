/** Latencies kept per operation: percentiles are computed over the most recent RESERVOIR requests. */
export const RESERVOIR = 1024;
/** Seconds of per-second request counts kept for rates. */
export const RATE_WINDOW_MAX = 300;

/** One operation's figures since the last reset; latencies in milliseconds. */
export interface OperationSummary {
  operation: string;
  count: number;
  /** Answers with status >= 400. */
  errors: number;
  /** Answers with status >= 500. */
  serverErrors: number;
  errorRate: number;
  avgMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** How many recent requests the percentiles are computed over. */
  sampled: number;
}

export interface RequestRates {
  windowSeconds: number;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  errorsPerSecond: number;
  /** errors / requests in the window (0 when idle). */
  errorRate: number;
}

class OperationStats {
  count = 0;
  errors = 0;
  serverErrors = 0;
  totalMs = 0;
  maxMs = 0;
  readonly samples = new Float64Array(RESERVOIR);
  next = 0;
  filled = 0;

  add(ms: number, status: number): void {
    this.count++;
    if (status >= 400) this.errors++;
    if (status >= 500) this.serverErrors++;
    this.totalMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % RESERVOIR;
    if (this.filled < RESERVOIR) this.filled++;
  }

  recent(): Float64Array {
    return this.samples.slice(0, this.filled);
  }
}

/** Nearest-rank percentile of sorted values (0 for none). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Per-operation counts, errors and latency percentiles of the S3 API, in memory: a ring of the
 * last 1024 latencies per operation and per-second counters for rates. record() is O(1) and
 * allocates nothing (it runs on every S3 request). Reset by POST /api/v1/performance/reset.
 */
export class PerformanceTracker {
  private ops = new Map<string, OperationStats>();
  private readonly secondOf = new Float64Array(RATE_WINDOW_MAX).fill(-1);
  private readonly perSecondRequests = new Uint32Array(RATE_WINDOW_MAX);
  private readonly perSecondErrors = new Uint32Array(RATE_WINDOW_MAX);
  private startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  record(operation: string, status: number, seconds: number): void {
    let stats = this.ops.get(operation);
    if (!stats) {
      stats = new OperationStats();
      this.ops.set(operation, stats);
    }
    stats.add(seconds * 1000, status);
    const sec = Math.floor(this.now() / 1000);
    const slot = sec % RATE_WINDOW_MAX;
    if (this.secondOf[slot] !== sec) {
      this.secondOf[slot] = sec;
      this.perSecondRequests[slot] = 0;
      this.perSecondErrors[slot] = 0;
    }
    this.perSecondRequests[slot]++;
    if (status >= 400) this.perSecondErrors[slot]++;
  }

  /** Every operation seen since the last reset, busiest first. */
  operations(): OperationSummary[] {
    return [...this.ops.entries()]
      .map(([name, s]) => summarize(name, s, s.recent().sort()))
      .sort((a, b) => b.count - a.count || (a.operation < b.operation ? -1 : 1));
  }

  /** All operations together (percentiles over every operation's recent latencies). */
  overall(): OperationSummary {
    const all = new OperationStats();
    const samples: number[] = [];
    for (const s of this.ops.values()) {
      all.count += s.count;
      all.errors += s.errors;
      all.serverErrors += s.serverErrors;
      all.totalMs += s.totalMs;
      all.maxMs = Math.max(all.maxMs, s.maxMs);
      for (const v of s.recent()) samples.push(v);
    }
    return summarize('*', all, Float64Array.from(samples).sort());
  }

  /** Requests and errors of the last `windowSeconds` (at most 300), per second. */
  rates(windowSeconds = 60): RequestRates {
    const window = Math.max(1, Math.min(RATE_WINDOW_MAX, Math.floor(windowSeconds)));
    const now = this.now();
    const nowSec = Math.floor(now / 1000);
    let requests = 0;
    let errors = 0;
    for (let i = 0; i < RATE_WINDOW_MAX; i++) {
      const sec = this.secondOf[i];
      if (sec > nowSec - window && sec <= nowSec) {
        requests += this.perSecondRequests[i];
        errors += this.perSecondErrors[i];
      }
    }
    // Right after a start or reset the window is shorter than asked.
    const span = Math.max(1, Math.min(window, (now - this.startedAt) / 1000));
    return {
      windowSeconds: window,
      requests,
      errors,
      requestsPerSecond: round(requests / span),
      errorsPerSecond: round(errors / span),
      errorRate: requests === 0 ? 0 : round(errors / requests),
    };
  }

  /** When the figures started (boot or the last reset). */
  since(): Date {
    return new Date(this.startedAt);
  }

  reset(): void {
    this.ops = new Map();
    this.secondOf.fill(-1);
    this.perSecondRequests.fill(0);
    this.perSecondErrors.fill(0);
    this.startedAt = this.now();
  }
}

function summarize(operation: string, s: OperationStats, sorted: Float64Array): OperationSummary {
  return {
    operation,
    count: s.count,
    errors: s.errors,
    serverErrors: s.serverErrors,
    errorRate: s.count === 0 ? 0 : round(s.errors / s.count),
    avgMs: s.count === 0 ? 0 : round(s.totalMs / s.count),
    p50Ms: round(percentile(sorted, 50)),
    p90Ms: round(percentile(sorted, 90)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(s.maxMs),
    sampled: sorted.length,
  };
}
