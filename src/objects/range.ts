/** An inclusive byte range of an object. */
export interface ResolvedRange {
  start: number;
  end: number;
}

/**
 * Resolves an HTTP Range header against an object size, as S3 does:
 * - undefined: no range, or a header S3 ignores (not `bytes=`, several ranges, bad syntax) → whole object
 * - 'unsatisfiable': a well-formed range that selects nothing → 416 InvalidRange
 */
export function resolveRange(header: string | undefined, size: number): ResolvedRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, a, b] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    // suffix range: the last N bytes
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  let end = b === '' ? size - 1 : Number(b);
  if (b !== '' && end < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  if (end >= size) end = size - 1;
  return { start, end };
}
