/** Latency recorder: milliseconds in a growable Float64Array. */
export class Latencies {
  constructor() {
    this.values = new Float64Array(1024);
    this.n = 0;
  }
  add(ms) {
    if (this.n === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.n++] = ms;
  }
  summary() {
    const v = this.values.slice(0, this.n).sort();
    const q = (p) => (v.length === 0 ? null : v[Math.min(v.length - 1, Math.floor(p * v.length))]);
    return { count: this.n, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: v.length ? v[v.length - 1] : null };
  }
}

export const median = (xs) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export const round = (x, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? null : Number(x.toFixed(digits)));
