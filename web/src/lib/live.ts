import { useEffect, useState } from 'react';

/** One point of a chart: seconds since the epoch and one value per series. */
export interface Point {
  t: number;
  v: (number | null)[];
}

/**
 * Stored history (the server samples every metrics_sample_interval seconds) followed by the points
 * this page sampled itself since it opened, so a fresh server shows real figures from the first
 * minute. Live points older than the newest stored one are dropped (the history has them); the
 * result is sorted by time, one point per second at most, `max` points at most (the newest).
 */
export function mergePoints(history: Point[], live: Point[], max = 2000): Point[] {
  const stored = [...history].sort((a, b) => a.t - b.t);
  const last = stored.length ? stored[stored.length - 1].t : -Infinity;
  const out: Point[] = [];
  for (const p of [...stored, ...live.filter((p) => p.t > last).sort((a, b) => a.t - b.t)]) {
    const prev = out[out.length - 1];
    if (prev && Math.floor(prev.t) === Math.floor(p.t)) out[out.length - 1] = p;
    else out.push(p);
  }
  return out.slice(-max);
}

/** Points as uPlot wants them: the times, then one array per series. */
export function toColumns(points: Point[], series: number): { times: number[]; values: (number | null)[][] } {
  return {
    times: points.map((p) => p.t),
    values: Array.from({ length: series }, (_, i) => points.map((p) => p.v[i] ?? null)),
  };
}

/** A ring of the last `max` items: a new array with `item` appended. */
export function pushRing<T>(ring: T[], item: T, max: number): T[] {
  const next = ring.length >= max ? ring.slice(ring.length - max + 1) : ring.slice();
  next.push(item);
  return next;
}

/**
 * Polls `load` every `everyMs` while the page is open (and visible) and keeps the last `max`
 * answers with the time they came; the newest answer is `latest`. Errors are kept, not thrown.
 */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, everyMs: number, deps: unknown[] = [], max = 360) {
  const [samples, setSamples] = useState<{ t: number; value: T }[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      if (typeof document === 'undefined' || document.visibilityState !== 'hidden') {
        try {
          const value = await load(ctl.signal);
          if (ctl.signal.aborted) return;
          setSamples((s) => pushRing(s, { t: Date.now() / 1000, value }, max));
          setError(null);
        } catch (e) {
          if (ctl.signal.aborted) return;
          setError(e);
        }
      }
      timer = setTimeout(tick, everyMs);
    };
    setSamples([]);
    void tick();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [everyMs, max, ...deps]);
  return { samples, latest: samples.length ? samples[samples.length - 1].value : undefined, error };
}
