import { createHash } from 'node:crypto';
import type { ConsoleClient, ConsoleResponse, Json } from './console-client';

/** Helpers of the console storage tests: object keys in paths, raw uploads and downloads. */

/** A key as it goes into /objects/{key+}: each segment percent-encoded, slashes kept. */
export const keyPath = (key: string): string => key.split('/').map(encodeURIComponent).join('/');

export const objectPath = (bucket: string, key: string): string => `/api/v1/buckets/${bucket}/objects/${keyPath(key)}`;

export const sha256 = (b: Buffer | Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** PUT raw bytes (not JSON) to the upload route. */
export async function upload(
  c: ConsoleClient,
  bucket: string,
  key: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
): Promise<ConsoleResponse> {
  const res = await fetch(`${c.baseUrl}${objectPath(bucket, key)}`, {
    method: 'PUT',
    headers: { ...(c.token ? { authorization: `Bearer ${c.token}` } : {}), 'content-type': 'application/octet-stream', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** GET bytes (a download route, a share link, a presigned URL). */
export async function fetchBytes(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(url, { headers });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

export async function download(c: ConsoleClient, bucket: string, key: string, query = '', headers: Record<string, string> = {}) {
  return fetchBytes(`${c.baseUrl}${objectPath(bucket, key)}${query}`, {
    ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
    ...headers,
  });
}
