/** Conditional request headers of GET/HEAD (RFC 7232 as S3 applies it). */
export interface ReadConditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
}

const stripQuotes = (s: string) =>
  s
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');

/** True when the ETag list (`"a", "b"` or `*`) matches the object's ETag. */
export function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || stripQuotes(v) === etag;
  });
}

/** HTTP dates have second precision: compare the object's time truncated to the second. */
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * 'ok', 'not-modified' (304) or 'failed' (412), in S3's precedence:
 * If-Match wins over If-Unmodified-Since, If-None-Match over If-Modified-Since.
 * `forCopy`: the x-amz-copy-source-if-* family, where every failure is a 412.
 */
export function evaluateConditions(c: ReadConditions, etag: string, lastModified: Date, forCopy = false): 'ok' | 'not-modified' | 'failed' {
  const notModified = forCopy ? 'failed' : 'not-modified';
  if (c.ifMatch !== undefined) {
    if (!etagMatches(c.ifMatch, etag)) return 'failed';
  } else if (c.ifUnmodifiedSince && seconds(lastModified) > seconds(c.ifUnmodifiedSince)) {
    return 'failed';
  }
  if (c.ifNoneMatch !== undefined) {
    if (etagMatches(c.ifNoneMatch, etag)) return notModified;
  } else if (c.ifModifiedSince && seconds(lastModified) <= seconds(c.ifModifiedSince)) {
    return notModified;
  }
  return 'ok';
}
