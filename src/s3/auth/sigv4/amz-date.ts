/** ISO 8601 basic timestamps as used by SigV4 (`20130524T000000Z`). */

const AMZ_DATE_LENGTH = 16;

function digitsAt(value: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Epoch milliseconds of `yyyyMMdd'T'HHmmss'Z'`, or null when malformed or not a real instant. */
export function parseAmzDate(value: string): number | null {
  if (value.length !== AMZ_DATE_LENGTH || value[8] !== 'T' || value[15] !== 'Z') return null;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 4, 2);
  const day = digitsAt(value, 6, 2);
  const hour = digitsAt(value, 9, 2);
  const minute = digitsAt(value, 11, 2);
  const second = digitsAt(value, 13, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    return null;
  }
  if (second < 0 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Rejects 31 February and friends: Date.UTC would roll them over.
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms;
}

/** `yyyyMMdd'T'HHmmss'Z'` of an instant. */
export function formatAmzDate(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2013-05-24T00:00:00.000Z
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + 'T' + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
}

/**
 * Epoch milliseconds of a `Date` / `x-amz-date` header: ISO 8601 basic, or an HTTP date
 * (RFC 1123 and the other forms `Date.parse` understands). Null when unparseable.
 */
export function parseRequestDate(value: string): number | null {
  const basic = parseAmzDate(value);
  if (basic !== null) return basic;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
