/**
 * Byte-ordered key listing helpers shared by ListObjects, ListObjectVersions and
 * ListMultipartUploads: the common prefix a key rolls up into, and the seek past it.
 */

/** Largest code point: appended to a prefix, it sorts after every key that starts with that prefix. */
export const MAX_CHAR = '\u{10FFFF}';

/** The CommonPrefix `key` belongs to under (prefix, delimiter), or undefined when it lists as itself. */
export function commonPrefixOf(key: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter) return undefined;
  const i = key.indexOf(delimiter, prefix.length);
  return i < 0 ? undefined : key.slice(0, i + delimiter.length);
}

/** A cursor key that sorts after every key starting with `commonPrefix` (one indexed seek skips them all). */
export function pastPrefix(commonPrefix: string): string {
  return commonPrefix + MAX_CHAR;
}
