import { DomainError } from '../common/domain-error';

export const MAX_KEY_BYTES = 1024;

/**
 * S3 keys are any UTF-8 up to 1024 bytes. They never become file paths here (blobs have their
 * own ids), so `../` is an ordinary key. Control characters are allowed, as in S3: listings
 * carry them URL-encoded with `encoding-type=url`, else as numeric character references
 * (`&#x1B;`, what S3 sends). Refused: NUL (PostgreSQL text cannot hold it) and invalid UTF-16
 * (lone surrogates: not a UTF-8 string at all).
 */
export function assertValidKey(key: string): void {
  if (key.length === 0) throw new DomainError('InvalidArgument', 'Object key must not be empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new DomainError('KeyTooLong', undefined, { key: key.slice(0, 64) });
  if (/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(key)) {
    throw new DomainError('InvalidArgument', 'Object key contains a character that is not allowed (NUL or invalid UTF-16)');
  }
}
