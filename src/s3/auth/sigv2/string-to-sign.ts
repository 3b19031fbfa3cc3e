import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AMZ_HEADER_PREFIX, SIGV2_SUB_RESOURCES } from '../auth.constants';
import { canonicalHeaderValue } from '../sigv4/canonical-request';

export interface SigV2Parts {
  method: string;
  /** The path as received, bucket included (`/bucket/key%20name`). */
  rawPath: string;
  /** Decoded query parameters. */
  query: ReadonlyArray<readonly [string, string]>;
  headers: IncomingHttpHeaders;
  /** The Date line: the Date header, '' when x-amz-date is sent, or `Expires` for query auth. */
  date: string;
  contentMd5: string;
  contentType: string;
}

/** Every x-amz-* header as `name:value\n`, sorted by name; repeated values joined with `,`. */
export function canonicalizedAmzHeaders(headers: IncomingHttpHeaders): string {
  const names: string[] = [];
  for (const name of Object.keys(headers)) if (name.startsWith(AMZ_HEADER_PREFIX)) names.push(name);
  names.sort();
  let out = '';
  for (const name of names) out += name + ':' + canonicalHeaderValue(headers[name]) + '\n';
  return out;
}

/** The raw path plus the S3 sub-resources of the query, sorted (`/b/k?acl&versionId=3`). */
export function canonicalizedResource(rawPath: string, query: ReadonlyArray<readonly [string, string]>): string {
  let subResources: Array<readonly [string, string]> | undefined;
  for (const pair of query) if (SIGV2_SUB_RESOURCES.has(pair[0])) (subResources ??= []).push(pair);
  if (subResources === undefined) return rawPath;
  subResources.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let out = rawPath + '?';
  for (let i = 0; i < subResources.length; i++) {
    const [name, value] = subResources[i];
    if (i > 0) out += '&';
    out += value === '' ? name : name + '=' + value;
  }
  return out;
}

/** Method \n Content-MD5 \n Content-Type \n Date \n CanonicalizedAmzHeaders CanonicalizedResource. */
export function stringToSignV2(parts: SigV2Parts): string {
  return (
    parts.method +
    '\n' +
    parts.contentMd5 +
    '\n' +
    parts.contentType +
    '\n' +
    parts.date +
    '\n' +
    canonicalizedAmzHeaders(parts.headers) +
    canonicalizedResource(parts.rawPath, parts.query)
  );
}

/** base64(HMAC-SHA1(secret, stringToSign)). */
export function signV2(secretKey: string, stringToSign: string): string {
  return createHmac('sha1', secretKey).update(stringToSign).digest('base64');
}
