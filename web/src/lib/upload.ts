import { api, ApiError, apiUrl, currentToken, fillPath, toApiError } from '../api/client';
import type { Ok } from '../api/types';

export interface PendingFile {
  file: File;
  /** Path inside a dropped or picked folder ("" parts for plain files). */
  relativePath: string;
}

export interface UploadState {
  id: number;
  key: string;
  size: number;
  loaded: number;
  status: 'queued' | 'uploading' | 'done' | 'failed' | 'cancelled';
  error?: string;
  /** Sent as a multipart upload (parts in parallel). */
  multipart?: boolean;
}

/** Overall progress of a batch, 0-100. */
export function batchProgress(all: Pick<UploadState, 'size' | 'loaded' | 'status'>[]): number {
  const items = all.filter((i) => i.status !== 'cancelled');
  const total = items.reduce((s, i) => s + i.size, 0);
  if (total === 0) return items.length > 0 && items.every((i) => i.status === 'done') ? 100 : 0;
  const done = items.reduce((s, i) => s + (i.status === 'done' ? i.size : Math.min(i.loaded, i.size)), 0);
  return Math.floor((done / total) * 100);
}

/** Files of a drop, folders walked recursively (webkitGetAsEntry), with their relative paths. */
export async function filesFromDrop(dt: DataTransfer): Promise<PendingFile[]> {
  const entries = [...dt.items]
    .map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return [...dt.files].map((file) => ({ file, relativePath: file.name }));
  const out: PendingFile[] = [];
  const walk = async (entry: FileSystemEntry, path: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      out.push({ file, relativePath: path + entry.name });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e, `${path}${entry.name}/`);
      }
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}

/** Files larger than this go up as multipart uploads. */
export const MULTIPART_THRESHOLD = 16 * 1024 * 1024;
/** Preferred part size; larger when a file would need more than MAX_PARTS parts. */
export const PART_SIZE = 8 * 1024 * 1024;
/** S3: every part but the last is at least 5 MiB; at most 10,000 parts. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;
/** Parts of one file in flight at once. */
export const PART_CONCURRENCY = 4;

export interface PartPlan {
  partNumber: number;
  start: number;
  /** Exclusive. */
  end: number;
}

/**
 * The parts of a multipart upload of `size` bytes: PART_SIZE each (rounded up to whole MiB when
 * the file needs more than MAX_PARTS of them), the last one shorter. Empty below the threshold
 * (the file goes up in one request).
 */
export function planParts(size: number, partSize = PART_SIZE, threshold = MULTIPART_THRESHOLD): PartPlan[] {
  if (!(size > threshold)) return [];
  const mib = 1024 * 1024;
  let each = Math.max(partSize, MIN_PART_SIZE);
  if (Math.ceil(size / each) > MAX_PARTS) each = Math.ceil(size / MAX_PARTS / mib) * mib;
  const parts: PartPlan[] = [];
  for (let start = 0, n = 1; start < size; start += each, n++) parts.push({ partNumber: n, start, end: Math.min(size, start + each) });
  return parts;
}

/** Whether a failed part is worth sending again: network trouble, throttling and server errors, not a refusal. */
export function retryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  if (err.code === 'Cancelled') return false;
  return err.status === 0 || err.status === 408 || err.status === 429 || err.status >= 500;
}

/**
 * Sends `parts` with at most `concurrency` in flight, each retried `retries` time(s) when the
 * failure is retryable; reports the bytes sent so far (a retried part restarts from zero). The
 * first part that fails for good aborts the others (through the signal given to `send`) and
 * rejects with its error. Resolves to the ETags in part order.
 */
export async function sendParts(
  parts: PartPlan[],
  send: (part: PartPlan, onLoaded: (loaded: number) => void, signal: AbortSignal) => Promise<string>,
  opts: { concurrency?: number; retries?: number; onProgress?: (loaded: number) => void; signal?: AbortSignal } = {},
): Promise<string[]> {
  const { concurrency = PART_CONCURRENCY, retries = 1, onProgress } = opts;
  const inner = new AbortController();
  const stop = () => inner.abort();
  opts.signal?.addEventListener('abort', stop);
  const loaded = new Map<number, number>();
  const report = () => onProgress?.([...loaded.values()].reduce((a, b) => a + b, 0));
  const etags: string[] = new Array<string>(parts.length);
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (next < parts.length && !inner.signal.aborted) {
      const i = next++;
      const part = parts[i];
      for (let attempt = 0; ; attempt++) {
        try {
          etags[i] = await send(
            part,
            (n) => {
              loaded.set(part.partNumber, n);
              report();
            },
            inner.signal,
          );
          loaded.set(part.partNumber, part.end - part.start);
          report();
          break;
        } catch (err) {
          loaded.set(part.partNumber, 0);
          report();
          if (attempt < retries && retryable(err) && !inner.signal.aborted) continue;
          if (failure === null) failure = inner.signal.aborted && opts.signal?.aborted ? cancelled() : err;
          inner.abort();
          return;
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, parts.length) }, worker));
  } finally {
    opts.signal?.removeEventListener('abort', stop);
  }
  if (failure !== null) throw failure;
  if (opts.signal?.aborted) throw cancelled();
  return etags;
}

const cancelled = () => new ApiError(0, 'Cancelled', 'Cancelled');

/** PUT of raw bytes with XHR (fetch reports no upload progress); resolves to the parsed JSON answer. */
function xhrPut(url: string, body: Blob, contentType: string, onProgress: (loaded: number) => void, signal?: AbortSignal): Promise<any> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    const token = currentToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', contentType);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort);
    const settle = () => signal?.removeEventListener('abort', onAbort);
    xhr.onload = () => {
      settle();
      let parsed: unknown = xhr.responseText;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(body.size);
        resolve(parsed);
        return;
      }
      reject(toApiError(xhr.status, parsed, xhr.getResponseHeader('retry-after')));
    };
    xhr.onerror = () => {
      settle();
      reject(new ApiError(0, 'NetworkError', 'The upload was interrupted (network error)'));
    };
    xhr.onabort = () => {
      settle();
      reject(cancelled());
    };
    xhr.send(body);
  });
}

/** Sends `file` to `bucket`/`key`, reporting the bytes sent; rejects with the API's error (Cancelled when `signal` aborts). */
export type Uploader = (
  bucket: string,
  key: string,
  file: Blob,
  onProgress: (loaded: number) => void,
  signal?: AbortSignal,
) => Promise<void>;

/**
 * Uploads one file through the console API (PUT …/objects/{key}): the server streams the body to
 * storage, so a large file needs no buffering on either side. Progress from XHR upload events.
 */
export const uploadObject: Uploader = (bucket, key, file, onProgress, signal) => {
  const url = fillPath('/api/v1/buckets/{bucket}/objects/{key}', { bucket, key });
  return xhrPut(url, file, file.type || 'application/octet-stream', onProgress, signal).then(() => undefined);
};

/**
 * A multipart upload through the console API (…/uploads): parts of `planParts` sent
 * PART_CONCURRENCY at a time, each retried once; on failure or cancel the upload is aborted so
 * no parts are left behind. Only slices of the file are read, never the whole of it.
 */
export const uploadMultipart: Uploader = async (bucket, key, file, onProgress, signal) => {
  const parts = planParts(file.size, PART_SIZE, 0);
  const created = await api.post<'/api/v1/buckets/{bucket}/uploads', Ok<{ upload_id: string }>>('/api/v1/buckets/{bucket}/uploads', {
    path: { bucket },
    body: { key, content_type: file.type || 'application/octet-stream' },
    signal,
  });
  const uploadId = created.data.upload_id;
  try {
    const etags = await sendParts(
      parts,
      (part, onLoaded, partSignal) =>
        xhrPut(
          apiUrl(
            '/api/v1/buckets/{bucket}/uploads/{uploadId}/parts/{partNumber}',
            { bucket, uploadId, partNumber: part.partNumber },
            { key },
          ),
          file.slice(part.start, part.end),
          'application/octet-stream',
          onLoaded,
          partSignal,
        ).then((r: Ok<{ etag: string }>) => r.data.etag),
      { onProgress, signal },
    );
    await api.post('/api/v1/buckets/{bucket}/uploads/{uploadId}/complete', {
      path: { bucket, uploadId },
      body: { key, parts: etags.map((etag, i) => ({ part_number: parts[i].partNumber, etag })) },
    });
    onProgress(file.size);
  } catch (err) {
    // Best effort: a lifecycle rule with AbortIncompleteMultipartUpload cleans up what a failed abort leaves.
    await api.delete('/api/v1/buckets/{bucket}/uploads/{uploadId}', { path: { bucket, uploadId }, query: { key } }).catch(() => undefined);
    throw err;
  }
};

/** A file of any size: one request up to MULTIPART_THRESHOLD, a multipart upload above. */
export const uploadFile: Uploader = (bucket, key, file, onProgress, signal) =>
  file.size > MULTIPART_THRESHOLD
    ? uploadMultipart(bucket, key, file, onProgress, signal)
    : uploadObject(bucket, key, file, onProgress, signal);
