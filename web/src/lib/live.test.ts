import { describe, expect, it } from 'vitest';
import { mergePoints, pushRing, toColumns } from './live';

describe('mergePoints', () => {
  it('puts live points after the stored history and drops the ones the history already covers', () => {
    const history = [
      { t: 120, v: [2] },
      { t: 60, v: [1] },
    ];
    const live = [
      { t: 100, v: [9] },
      { t: 125, v: [3] },
      { t: 130, v: [4] },
    ];
    expect(mergePoints(history, live).map((p) => p.t)).toEqual([60, 120, 125, 130]);
  });
  it('shows live points alone on a fresh server (no history yet)', () => {
    expect(
      mergePoints(
        [],
        [
          { t: 5, v: [1] },
          { t: 10, v: [2] },
        ],
      ).length,
    ).toBe(2);
  });
  it('keeps one point per second (the newest) and at most max points', () => {
    const live = [
      { t: 10.1, v: [1] },
      { t: 10.9, v: [2] },
      { t: 11, v: [3] },
      { t: 12, v: [4] },
    ];
    expect(mergePoints([], live)).toEqual([
      { t: 10.9, v: [2] },
      { t: 11, v: [3] },
      { t: 12, v: [4] },
    ]);
    expect(mergePoints([], live, 2).map((p) => p.v[0])).toEqual([3, 4]);
  });
});

describe('toColumns', () => {
  it('splits points into the times and one column per series, missing values as null', () => {
    expect(
      toColumns(
        [
          { t: 1, v: [1, 2] },
          { t: 2, v: [3] },
        ],
        2,
      ),
    ).toEqual({
      times: [1, 2],
      values: [
        [1, 3],
        [2, null],
      ],
    });
  });
});

describe('pushRing', () => {
  it('appends and keeps the last max items without changing the input', () => {
    const a = [1, 2, 3];
    expect(pushRing(a, 4, 3)).toEqual([2, 3, 4]);
    expect(a).toEqual([1, 2, 3]);
    expect(pushRing([], 1, 3)).toEqual([1]);
  });
});
