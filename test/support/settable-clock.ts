import { Clock } from '../../src/common/clock';

/**
 * A clock tests move forward (retention dates, lifecycle). It runs with real time plus an offset,
 * so requests keep moving; clients must sign with the same offset (SDK: `systemClockOffset`).
 */
export class SettableClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Milliseconds ahead of real time. */
  get offset(): number {
    return this.offsetMs;
  }
}
