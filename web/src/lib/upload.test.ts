import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import {
  batchProgress,
  MAX_PARTS,
  MIN_PART_SIZE,
  MULTIPART_THRESHOLD,
  PART_SIZE,
  planParts,
  retryable,
  sendParts,
  type PartPlan,
} from './upload';

const MiB = 1024 * 1024;

describe('planParts', () => {
  it('sends files up to the threshold in one request', () => {
    expect(planParts(0)).toEqual([]);
    expect(planParts(MULTIPART_THRESHOLD)).toEqual([]);
  });

  it('cuts a large file into 8 MiB parts covering every byte once, the last one shorter', () => {
    const size = 20 * MiB + 123;
    const parts = planParts(size);
    expect(parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    expect(parts.map((p) => p.end - p.start)).toEqual([PART_SIZE, PART_SIZE, 4 * MiB + 123]);
    expect(parts[0].start).toBe(0);
    for (let i = 1; i < parts.length; i++) expect(parts[i].start).toBe(parts[i - 1].end);
    expect(parts[parts.length - 1].end).toBe(size);
  });

  it('never plans more than 10,000 parts nor parts under 5 MiB (but the last)', () => {
    const huge = 200 * 1024 * MiB; // 200 GiB: 8 MiB parts would be 25,600
    const parts = planParts(huge);
    expect(parts.length).toBeLessThanOrEqual(MAX_PARTS);
    expect((parts[0].end - parts[0].start) % MiB).toBe(0);
    expect(parts[parts.length - 1].end).toBe(huge);
    expect(planParts(17 * MiB, 1 * MiB).every((p, i, all) => i === all.length - 1 || p.end - p.start >= MIN_PART_SIZE)).toBe(true);
  });
});

describe('sendParts', () => {
  const parts: PartPlan[] = planParts(40 * MiB);
  const tick = () => new Promise((r) => setTimeout(r, 1));

  it('keeps at most `concurrency` parts in flight and returns the ETags in part order', async () => {
    let inFlight = 0;
    let peak = 0;
    const progress: number[] = [];
    const etags = await sendParts(
      parts,
      async (p, onLoaded) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        onLoaded(1);
        await tick();
        inFlight--;
        return `etag-${p.partNumber}`;
      },
      { concurrency: 3, onProgress: (n) => progress.push(n) },
    );
    expect(etags).toEqual(parts.map((p) => `etag-${p.partNumber}`));
    expect(peak).toBe(3);
    expect(progress[progress.length - 1]).toBe(40 * MiB);
  });

  it('retries a failed part once, then gives up and stops the other parts', async () => {
    const attempts = new Map<number, number>();
    const etags = await sendParts(parts, async (p) => {
      const n = (attempts.get(p.partNumber) ?? 0) + 1;
      attempts.set(p.partNumber, n);
      if (p.partNumber === 2 && n === 1) throw new ApiError(0, 'NetworkError', 'connection reset');
      return `e${p.partNumber}`;
    });
    expect(etags[1]).toBe('e2');
    expect(attempts.get(2)).toBe(2);

    const aborted: number[] = [];
    const failing = sendParts(
      parts,
      async (p, _onLoaded, signal) => {
        if (p.partNumber === 1) throw new ApiError(503, 'ServiceUnavailable', 'busy');
        await new Promise((r) => setTimeout(r, 20));
        if (signal.aborted) aborted.push(p.partNumber);
        return 'x';
      },
      { concurrency: 2 },
    );
    await expect(failing).rejects.toMatchObject({ status: 503 });
    expect(aborted.length).toBeGreaterThan(0);
  });

  it('does not retry a refusal, and reports a cancel as Cancelled', async () => {
    let calls = 0;
    await expect(
      sendParts(parts.slice(0, 1), async () => {
        calls++;
        throw new ApiError(403, 'AccessDenied', 'no');
      }),
    ).rejects.toMatchObject({ code: 'AccessDenied' });
    expect(calls).toBe(1);
    expect(retryable(new ApiError(0, 'Cancelled', 'Cancelled'))).toBe(false);
    expect(retryable(new ApiError(500, 'InternalError', 'x'))).toBe(true);

    const user = new AbortController();
    const run = sendParts(
      parts,
      async (_p, _l, signal) => {
        await new Promise((r) => setTimeout(r, 5));
        if (signal.aborted) throw new ApiError(0, 'Cancelled', 'Cancelled');
        return 'x';
      },
      { signal: user.signal },
    );
    user.abort();
    await expect(run).rejects.toMatchObject({ code: 'Cancelled' });
  });
});

describe('batchProgress', () => {
  it('leaves cancelled uploads out', () => {
    expect(
      batchProgress([
        { size: 100, loaded: 100, status: 'done' },
        { size: 900, loaded: 0, status: 'cancelled' },
      ]),
    ).toBe(100);
  });
});
