/** Injectable time source, so SigV4 skew, expiry and lifecycle can be tested deterministically. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
