import { S3Error } from '../errors/s3-error';

/**
 * Parses a raw query string, percent-decoding names and values WITHOUT turning `+` into a
 * space (S3 clients encode spaces as %20, and SigV2 signatures are base64 with literal `+`).
 */
export function parseQuery(raw: string): { pairs: Array<[string, string]>; params: URLSearchParams } {
  const pairs: Array<[string, string]> = [];
  const params = new URLSearchParams();
  if (raw === '') return { pairs, params };
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    pairs.push([name, value]);
    params.append(name, value);
  }
  return { pairs, params };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Error('InvalidArgument', { message: 'The query string is not validly percent-encoded.' });
  }
}
