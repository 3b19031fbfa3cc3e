import { api } from '../api/client';
import type { Ok } from '../api/types';

/**
 * Downloads an object without holding it in page memory: the console API hands out a short-lived
 * link (POST /downloads) and the browser itself saves what the link streams (Content-Disposition:
 * attachment). Errors of the link request (403, 404) are thrown as the API words them.
 */
export async function downloadObject(bucket: string, key: string, versionId?: string): Promise<void> {
  const r = await api.post<'/api/v1/downloads', Ok<{ url: string }>>('/api/v1/downloads', {
    body: { bucket, key, ...(versionId ? { version_id: versionId } : {}) },
  });
  const a = document.createElement('a');
  a.href = r.data.url;
  // Same origin: the browser saves it under this name instead of navigating (the header names it too).
  a.download = key.split('/').pop() || 'download';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
