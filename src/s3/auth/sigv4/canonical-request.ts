import type { IncomingHttpHeaders } from 'node:http';
import { canonicalUri, uriEncode } from './uri-encode';

export interface CanonicalRequestParts {
  method: string;
  /** The path exactly as received (percent-encoded, no query string). */
  rawPath: string;
  /** Decoded query parameters in the order received. */
  query: ReadonlyArray<readonly [string, string]>;
  headers: IncomingHttpHeaders;
  /** Signed header names, in the order of the SignedHeaders list (lower-case, sorted by spec). */
  signedHeaders: readonly string[];
  /** The x-amz-content-sha256 value, `UNSIGNED-PAYLOAD`, or a STREAMING-* marker. */
  payloadHash: string;
  /** A query parameter left out of the canonical query string (`X-Amz-Signature` when presigned). */
  excludeQueryParam?: string;
}

/**
 * AWS "Trimall": leading and trailing whitespace removed, inner runs of whitespace collapsed to
 * one space.
 */
export function trimAll(value: string): string {
  const trimmed = value.trim();
  if (trimmed.indexOf('  ') === -1 && trimmed.indexOf('\t') === -1) return trimmed;
  return trimmed.replace(/\s+/g, ' ');
}

/** A header's canonical value; repeated headers (arrays) are joined with `,`. Missing → ''. */
export function canonicalHeaderValue(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return trimAll(value);
  return value.map(trimAll).join(',');
}

/**
 * The canonical query string: names and values UriEncoded (`/` too), sorted by encoded name then
 * encoded value, joined with `&`. A flag parameter (`?uploads`) is `uploads=`.
 */
export function canonicalQueryString(query: ReadonlyArray<readonly [string, string]>, excludeParam?: string): string {
  if (query.length === 0) return '';
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of query) {
    if (name === excludeParam) continue;
    pairs.push([uriEncode(name), uriEncode(value)]);
  }
  if (pairs.length > 1) {
    // Encoded strings are ASCII: code-unit order is byte order.
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  }
  let out = '';
  for (let i = 0; i < pairs.length; i++) {
    if (i > 0) out += '&';
    out += pairs[i][0] + '=' + pairs[i][1];
  }
  return out;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** `name:value\n` for every signed header, in the order given; a signed header not sent is ''. */
export function canonicalHeaders(headers: IncomingHttpHeaders, signedHeaders: readonly string[]): string {
  let out = '';
  for (const name of signedHeaders) {
    // Node lower-cases header names; SignedHeaders should be lower-case too, but look up defensively.
    const key = hasOwn.call(headers, name) ? name : name.toLowerCase();
    out += name + ':' + canonicalHeaderValue(hasOwn.call(headers, key) ? headers[key] : undefined) + '\n';
  }
  return out;
}

/**
 * The SigV4 canonical request, S3 flavour:
 * Method \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n PayloadHash
 * (CanonicalHeaders ends with its own `\n`, hence the blank line).
 */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  return (
    parts.method +
    '\n' +
    canonicalUri(parts.rawPath) +
    '\n' +
    canonicalQueryString(parts.query, parts.excludeQueryParam) +
    '\n' +
    canonicalHeaders(parts.headers, parts.signedHeaders) +
    '\n' +
    parts.signedHeaders.join(';') +
    '\n' +
    parts.payloadHash
  );
}
