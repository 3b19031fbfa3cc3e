import { DomainError } from '../common/domain-error';

export const MAX_KEY_BYTES = 1024;

/**
 * S3 keys are any UTF-8 up to 1024 bytes. They never become file paths here (blobs have their
 * own ids), so `../` is an ordinary key; NUL and the other control characters XML 1.0 cannot carry are refused
 * (they could never be listed).
 */
export function assertValidKey(key: string): void {
  if (key.length === 0) throw new DomainError('InvalidArgument', 'Object key must not be empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new DomainError('KeyTooLong', undefined, { key: key.slice(0, 64) });
  if (
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(key)
  ) {
    throw new DomainError('InvalidArgument', 'Object key contains a character that is not allowed (a control character or invalid UTF-16)');
  }
}
