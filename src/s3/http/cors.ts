import type { CorsRule } from '../../buckets/cors-configuration';

/**
 * CORS evaluation against a bucket's rules, as S3 does it: the first rule whose AllowedOrigin,
 * AllowedMethod and (for a preflight) AllowedHeader entries all match wins. Pure: no I/O.
 */

/** S3's wording for a preflight no rule allows (its typo included). */
export const CORS_NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";
export const CORS_NOT_ENABLED = 'CORSResponse: CORS is not enabled for this bucket.';
export const CORS_BUCKET_NOT_FOUND = 'CORSResponse: Bucket not found';
export const CORS_ORIGIN_NEEDED = 'Insufficient information. Origin request header needed.';

/** Response header names of the CORS protocol. */
export const CORS_HEADERS = {
  allowOrigin: 'Access-Control-Allow-Origin',
  allowCredentials: 'Access-Control-Allow-Credentials',
  allowMethods: 'Access-Control-Allow-Methods',
  allowHeaders: 'Access-Control-Allow-Headers',
  exposeHeaders: 'Access-Control-Expose-Headers',
  maxAge: 'Access-Control-Max-Age',
  vary: 'Vary',
} as const;

const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/**
 * `pattern` (at most one `*`, which matches any run of characters, the empty one included)
 * against `value`, ignoring case: origins' schemes and hosts, and header names, are case-insensitive.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

/** `Access-Control-Request-Headers`: names separated by commas (spaces optional), lower-cased. */
export function parseRequestHeaders(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
}

/** The first rule allowing `origin`, `method` and every one of `requestHeaders`. */
export function matchCorsRule(
  rules: readonly CorsRule[],
  origin: string,
  method: string,
  requestHeaders: readonly string[] = [],
): CorsRule | undefined {
  return rules.find(
    (r) =>
      r.allowedMethods.includes(method) &&
      r.allowedOrigins.some((o) => wildcardMatch(o, origin)) &&
      requestHeaders.every((h) => r.allowedHeaders.some((a) => wildcardMatch(a, h))),
  );
}

/** Headers for an actual (non-preflight) request the rule allows. */
export function corsResponseHeaders(rule: CorsRule, origin: string): Record<string, string> {
  // A rule that matched through a bare `*` answers `*`; otherwise the origin is echoed, with credentials.
  const anyOrigin = rule.allowedOrigins.find((o) => wildcardMatch(o, origin)) === '*';
  const h: Record<string, string> = { [CORS_HEADERS.allowOrigin]: anyOrigin ? '*' : origin };
  if (!anyOrigin) h[CORS_HEADERS.allowCredentials] = 'true';
  h[CORS_HEADERS.allowMethods] = rule.allowedMethods.join(', ');
  if (rule.exposeHeaders.length > 0) h[CORS_HEADERS.exposeHeaders] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) h[CORS_HEADERS.maxAge] = String(rule.maxAgeSeconds);
  h[CORS_HEADERS.vary] = VARY;
  return h;
}

/** Headers for a preflight the rule allows: the actual-request ones plus the headers asked for. */
export function preflightResponseHeaders(rule: CorsRule, origin: string, requestHeaders: readonly string[]): Record<string, string> {
  const h = corsResponseHeaders(rule, origin);
  if (requestHeaders.length > 0) h[CORS_HEADERS.allowHeaders] = requestHeaders.join(', ');
  return h;
}
