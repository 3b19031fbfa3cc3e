import { ApiError, currentToken, fillPath, toApiError } from '../api/client';

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
}

/** Overall progress of a batch, 0-100. */
export function batchProgress(items: Pick<UploadState, 'size' | 'loaded' | 'status'>[]): number {
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

/**
 * Uploads one file through the console API (PUT …/objects/{key}): the server streams the body to
 * storage, so a large file needs no buffering on either side. Progress from XHR upload events.
 */
export function uploadObject(
  bucket: string,
  key: string,
  file: Blob,
  onProgress: (loaded: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', fillPath('/api/v1/buckets/{bucket}/objects/{key}', { bucket, key }));
    const token = currentToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size);
        resolve();
        return;
      }
      let body: unknown = xhr.responseText;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      reject(toApiError(xhr.status, body, xhr.getResponseHeader('retry-after')));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NetworkError', 'The upload was interrupted (network error)'));
    xhr.onabort = () => reject(new ApiError(0, 'Cancelled', 'Cancelled'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
