/**
 * AWS's UriEncode: every byte of the UTF-8 form is percent-encoded (upper-case hex) except the
 * unreserved characters `A-Za-z0-9-._~`; `/` is kept in paths and encoded in query components.
 */

const SLASH = 0x2f;
const PERCENT = 0x25;

/** 1 for the unreserved ASCII characters. */
const UNRESERVED = new Uint8Array(128);
/** The encoded form of every byte value: itself when unreserved, else `%XX`. */
const ENCODED_BYTE: readonly string[] = (() => {
  const unreserved = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
  for (let i = 0; i < unreserved.length; i++) UNRESERVED[unreserved.charCodeAt(i)] = 1;
  const table: string[] = [];
  for (let b = 0; b < 256; b++) {
    table.push(b < 128 && UNRESERVED[b] ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0'));
  }
  return table;
})();

/** Value of an ASCII hex digit, or -1. */
const HEX_VALUE = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) table[0x30 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[0x41 + i] = 10 + i;
    table[0x61 + i] = 10 + i;
  }
  return table;
})();

/** Length of the leading run of characters that need no encoding. */
function plainPrefixLength(value: string, keepSlash: boolean): number {
  const length = value.length;
  let i = 0;
  for (; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || (UNRESERVED[c] === 0 && !(keepSlash && c === SLASH))) break;
  }
  return i;
}

/** UriEncode(value); `/` is encoded unless `keepSlash` (paths). */
export function uriEncode(value: string, keepSlash = false): string {
  const plain = plainPrefixLength(value, keepSlash);
  if (plain === value.length) return value;
  // The plain prefix is ASCII, so its byte length equals its character length.
  const bytes = Buffer.from(value, 'utf8');
  let out = value.slice(0, plain);
  for (let i = plain; i < bytes.length; i++) {
    const b = bytes[i];
    out += keepSlash && b === SLASH ? '/' : ENCODED_BYTE[b];
  }
  return out;
}

/**
 * The S3 canonical URI of a path as received: percent-decoded once, then UriEncoded with `/` kept
 * (never double-encoded, no dot-segment or slash normalisation). Works on bytes, so an encoded
 * sequence that is not valid UTF-8 round-trips unchanged and a stray `%` becomes `%25`.
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath.length === 0) return '/';
  if (plainPrefixLength(rawPath, true) === rawPath.length) return rawPath;
  const bytes = Buffer.from(rawPath, 'utf8');
  const length = bytes.length;
  let out = '';
  for (let i = 0; i < length; i++) {
    let b = bytes[i];
    if (b === PERCENT && i + 2 < length && HEX_VALUE[bytes[i + 1]] >= 0 && HEX_VALUE[bytes[i + 2]] >= 0) {
      b = HEX_VALUE[bytes[i + 1]] * 16 + HEX_VALUE[bytes[i + 2]];
      i += 2;
    }
    out += b === SLASH ? '/' : ENCODED_BYTE[b];
  }
  return out;
}

/** Value of an ASCII hex digit code (0-9, a-f, A-F), or -1. Exported for the chunk parser. */
export function hexDigitValue(charCode: number): number {
  return charCode < 256 ? HEX_VALUE[charCode] : -1;
}
