import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { downloadObject } from '../lib/download';
import type { Bucket, ObjectEntry, ObjectList, Ok } from '../api/types';
import { Badge, Confirm, ErrorMessage, Field, Loading, PageHeader, useLoad } from '../components/ui';
import { ObjectDrawer } from '../components/ObjectDrawer';
import { FolderIcon } from '../components/icons';
import { formatBytes, formatDate } from '../lib/format';
import { breadcrumbs, displayName, folderPrefix, uploadKey } from '../lib/paths';
import { batchProgress, filesFromDrop, MULTIPART_THRESHOLD, uploadFile, type PendingFile, type UploadState } from '../lib/upload';
import { nearEnd, visibleRange } from '../lib/virtual';

const ROW = 38;
const PAGE = 1000;
const PARALLEL_UPLOADS = 3;

type Row = { kind: 'prefix'; prefix: string } | { kind: 'object'; object: ObjectEntry };

interface SearchFilters {
  name: string;
  content_type: string;
  min_size: string;
  max_size: string;
  modified_after: string;
  modified_before: string;
  tags: string;
}
const NO_FILTERS: SearchFilters = {
  name: '',
  content_type: '',
  min_size: '',
  max_size: '',
  modified_after: '',
  modified_before: '',
  tags: '',
};

export default function ObjectBrowserPage() {
  const { bucket = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const prefix = params.get('prefix') ?? '';
  const setPrefix = (p: string) => setParams(p ? { prefix: p } : {});

  const info = useLoad(
    (signal) =>
      api.get<'/api/v1/buckets/{name}', Ok<Bucket>>('/api/v1/buckets/{name}', { path: { name: bucket }, signal }).then((r) => r.data),
    [bucket],
  );

  const [rows, setRows] = useState<Row[]>([]);
  const [token, setToken] = useState<string | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [showVersions, setShowVersions] = useState(false);
  const [filters, setFilters] = useState<SearchFilters>(NO_FILTERS);
  const [searching, setSearching] = useState<SearchFilters | null>(null);
  const gen = useRef(0);

  const loadPage = useCallback(
    async (continuation: string | null, reset: boolean) => {
      const my = reset ? ++gen.current : gen.current;
      // A new prefix or search starts from an empty list (never the previous folder's rows under the new path).
      if (reset) {
        setRows([]);
        setScroll(0);
        box.current?.scrollTo(0, 0);
      }
      setLoading(true);
      setError(null);
      try {
        let list: ObjectList & { truncated?: boolean };
        if (searching) {
          const q: Record<string, string | number> = { prefix, page_size: PAGE };
          for (const [k, v] of Object.entries(searching))
            if (v) q[k] = k.endsWith('_size') ? Number(v) : k.startsWith('modified_') ? new Date(v).toISOString() : v;
          if (continuation) q.continuation_token = continuation;
          const r = await api.get<'/api/v1/buckets/{bucket}/objects/search', Ok<ObjectList & { truncated?: boolean }>>(
            '/api/v1/buckets/{bucket}/objects/search',
            {
              path: { bucket },
              query: q,
            },
          );
          list = { ...r.data, common_prefixes: [] };
        } else {
          const r = await api.get<'/api/v1/buckets/{bucket}/objects', Ok<ObjectList>>('/api/v1/buckets/{bucket}/objects', {
            path: { bucket },
            query: { prefix, delimiter: '/', page_size: PAGE, ...(continuation ? { continuation_token: continuation } : {}) },
          });
          list = r.data;
        }
        if (my !== gen.current) return;
        const next: Row[] = [
          ...(list.common_prefixes ?? []).map((p) => ({ kind: 'prefix' as const, prefix: p })),
          ...(list.objects ?? []).map((o) => ({ kind: 'object' as const, object: o })),
        ];
        setRows((prev) => (reset ? next : [...prev, ...next]));
        setToken(list.next_continuation_token ?? null);
        setTruncated(!!(list.is_truncated ?? list.truncated) && !!list.next_continuation_token);
      } catch (e) {
        if (my === gen.current) setError(e);
      } finally {
        if (my === gen.current) setLoading(false);
      }
    },
    [bucket, prefix, searching],
  );

  useEffect(() => {
    setSelected(new Set());
    loadPage(null, true);
  }, [loadPage]);

  // ---- virtualised list ----
  const box = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState(0);
  const [viewport, setViewport] = useState(520);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    if (truncated && !loading && nearEnd(scroll, viewport, ROW, rows.length)) loadPage(token, false);
  }, [scroll, viewport, rows.length, truncated, loading, token, loadPage]);
  const { start, end } = visibleRange(scroll, viewport, ROW, rows.length);

  // ---- selection, deletion, details ----
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [open, setOpen] = useState<ObjectEntry | null>(null);
  const objectKeys = useMemo(() => rows.filter((r) => r.kind === 'object').map((r) => (r as { object: ObjectEntry }).object.key), [rows]);

  // ---- uploads ----
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const [over, setOver] = useState(false);
  const uploadId = useRef(0);
  const aborts = useRef(new Map<number, AbortController>());
  const startUploads = async (files: PendingFile[]) => {
    const batch = files.map((f) => ({
      ...f,
      state: {
        id: ++uploadId.current,
        key: uploadKey(prefix, f.relativePath),
        size: f.file.size,
        loaded: 0,
        status: 'queued' as const,
        multipart: f.file.size > MULTIPART_THRESHOLD,
      },
    }));
    for (const b of batch) aborts.current.set(b.state.id, new AbortController());
    setUploads((u) => [...u.filter((x) => x.status !== 'done'), ...batch.map((b) => b.state)]);
    const update = (id: number, patch: Partial<UploadState>) => setUploads((u) => u.map((x) => (x.id === id ? { ...x, ...patch } : x)));
    let i = 0;
    const worker = async () => {
      while (i < batch.length) {
        const b = batch[i++];
        const signal = aborts.current.get(b.state.id)?.signal;
        if (signal?.aborted) continue;
        update(b.state.id, { status: 'uploading' });
        try {
          await uploadFile(bucket, b.state.key, b.file, (loaded) => update(b.state.id, { loaded }), signal);
          update(b.state.id, { status: 'done', loaded: b.file.size });
        } catch (e) {
          if (signal?.aborted) update(b.state.id, { status: 'cancelled', loaded: 0 });
          else update(b.state.id, { status: 'failed', error: e instanceof Error ? e.message : String(e) });
        } finally {
          aborts.current.delete(b.state.id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, batch.length) }, worker));
    loadPage(null, true);
    info.reload();
  };
  const cancelUpload = (id: number) => {
    aborts.current.get(id)?.abort();
    setUploads((u) => u.map((x) => (x.id === id && x.status === 'queued' ? { ...x, status: 'cancelled' } : x)));
  };
  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = await filesFromDrop(e.dataTransfer);
    if (files.length) startUploads(files);
  };
  const pick = (list: FileList | null) => {
    if (!list || list.length === 0) return;
    startUploads(
      [...list].map((file) => ({ file, relativePath: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name })),
    );
  };
  const [newFolder, setNewFolder] = useState('');

  const crumbs = breadcrumbs(bucket, prefix);
  return (
    <>
      <PageHeader
        title={bucket}
        subtitle={
          info.data && (
            <>
              {info.data.versioning === 'Enabled' && <Badge tone="info">versioned</Badge>}{' '}
              {info.data.object_lock_enabled && <Badge tone="warn">object lock</Badge>} {formatBytes(info.data.size)} in{' '}
              {info.data.object_count.toLocaleString()} object(s)
            </>
          )
        }
      >
        <Link className="btn" to={`/buckets/${encodeURIComponent(bucket)}/settings`}>
          Bucket settings
        </Link>
        <label className="btn">
          Upload files
          <input
            type="file"
            multiple
            className="sr-only"
            aria-label="Upload files"
            onChange={(e) => (pick(e.target.files), (e.target.value = ''))}
          />
        </label>
        <label className="btn">
          Upload folder
          <input
            type="file"
            multiple
            className="sr-only"
            aria-label="Upload folder"
            ref={(el) => el?.setAttribute('webkitdirectory', '')}
            onChange={(e) => (pick(e.target.files), (e.target.value = ''))}
          />
        </label>
      </PageHeader>
      <ErrorMessage error={info.error} />
      <nav aria-label="Breadcrumbs">
        <ol className="breadcrumbs">
          {crumbs.map((c, i) => (
            <li key={c.prefix}>
              {i === crumbs.length - 1 ? (
                <span aria-current="location">{c.label}</span>
              ) : (
                <button type="button" onClick={() => setPrefix(c.prefix)}>
                  {c.label}
                </button>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <details className="panel" open={!!searching}>
        <summary>Search with filters</summary>
        <form
          className="filters"
          style={{ marginTop: 10 }}
          onSubmit={(e) => {
            e.preventDefault();
            setSearching(Object.values(filters).some(Boolean) ? { ...filters } : null);
          }}
        >
          <Field label="Name contains">
            {(id) => <input id={id} value={filters.name} onChange={(e) => setFilters({ ...filters, name: e.target.value })} />}
          </Field>
          <Field label="Content type">
            {(id) => (
              <input
                id={id}
                placeholder="image/"
                value={filters.content_type}
                onChange={(e) => setFilters({ ...filters, content_type: e.target.value })}
              />
            )}
          </Field>
          <Field label="Min size (bytes)">
            {(id) => (
              <input
                id={id}
                type="number"
                min={0}
                value={filters.min_size}
                onChange={(e) => setFilters({ ...filters, min_size: e.target.value })}
              />
            )}
          </Field>
          <Field label="Max size (bytes)">
            {(id) => (
              <input
                id={id}
                type="number"
                min={0}
                value={filters.max_size}
                onChange={(e) => setFilters({ ...filters, max_size: e.target.value })}
              />
            )}
          </Field>
          <Field label="Modified after">
            {(id) => (
              <input
                id={id}
                type="datetime-local"
                value={filters.modified_after}
                onChange={(e) => setFilters({ ...filters, modified_after: e.target.value })}
              />
            )}
          </Field>
          <Field label="Modified before">
            {(id) => (
              <input
                id={id}
                type="datetime-local"
                value={filters.modified_before}
                onChange={(e) => setFilters({ ...filters, modified_before: e.target.value })}
              />
            )}
          </Field>
          <Field label="Tags (k=v,…)">
            {(id) => <input id={id} value={filters.tags} onChange={(e) => setFilters({ ...filters, tags: e.target.value })} />}
          </Field>
          <button type="submit" className="btn btn-primary">
            Search
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setFilters(NO_FILTERS);
              setSearching(null);
            }}
          >
            Clear
          </button>
        </form>
        {searching && <p className="muted small">Searching under “{prefix || '/'}” (the whole key, across folders).</p>}
      </details>
      <div
        className={over ? 'dropzone over' : 'dropzone'}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        Drop files or folders here to upload them to <strong>{prefix || '/'}</strong>
      </div>
      {uploads.length > 0 && (
        <section className="panel uploads" aria-label="Uploads">
          <div className="actions" style={{ justifyContent: 'space-between' }}>
            <strong>Uploads — {batchProgress(uploads)}%</strong>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setUploads((u) => u.filter((x) => x.status === 'uploading' || x.status === 'queued'))}
            >
              Clear finished
            </button>
          </div>
          {uploads.map((u) => (
            <div className="upload-row" key={u.id}>
              <span className="name" title={u.key}>
                {u.key}
              </span>
              <progress max={u.size || 1} value={u.status === 'done' ? u.size || 1 : u.loaded} aria-label={`Upload of ${u.key}`} />
              <span className={u.status === 'failed' ? 'field-error' : 'muted small'}>
                {u.status === 'failed'
                  ? `Failed: ${u.error}`
                  : u.status === 'done'
                    ? 'Done'
                    : u.status === 'cancelled'
                      ? 'Cancelled'
                      : u.status === 'queued'
                        ? 'Queued'
                        : `${Math.floor((u.loaded / (u.size || 1)) * 100)}%${u.multipart ? ' (multipart)' : ''}`}
              </span>
              {(u.status === 'uploading' || u.status === 'queued') && (
                <button type="button" className="btn btn-small" aria-label={`Cancel upload of ${u.key}`} onClick={() => cancelUpload(u.id)}>
                  Cancel
                </button>
              )}
            </div>
          ))}
        </section>
      )}
      <div className="actions" style={{ marginBottom: 8 }}>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const p = folderPrefix(prefix, newFolder);
            if (p) {
              setNewFolder('');
              setPrefix(p);
            }
          }}
        >
          <Field label="New folder">
            {(id) => <input id={id} value={newFolder} onChange={(e) => setNewFolder(e.target.value)} placeholder="name" />}
          </Field>
          <button type="submit" className="btn" disabled={!newFolder.trim()}>
            Open
          </button>
        </form>
        <button type="button" className="btn btn-danger" disabled={selected.size === 0} onClick={() => setConfirmDelete(true)}>
          Delete selected ({selected.size})
        </button>
        <button type="button" className="btn" onClick={() => loadPage(null, true)}>
          Refresh
        </button>
        <label className="check" style={{ margin: 0 }}>
          <input type="checkbox" checked={showVersions} onChange={(e) => setShowVersions(e.target.checked)} /> Open objects on their
          versions
        </label>
      </div>
      <ErrorMessage error={error} onRetry={() => loadPage(null, true)} />
      <div className="table-wrap">
        <div
          className="vlist"
          ref={box}
          onScroll={(e) => setScroll(e.currentTarget.scrollTop)}
          role="table"
          aria-label={`Objects in ${bucket}/${prefix}`}
          aria-rowcount={rows.length}
        >
          <div className="vrow head" role="row">
            <span role="columnheader">
              <input
                type="checkbox"
                aria-label="Select all loaded objects"
                checked={objectKeys.length > 0 && selected.size === objectKeys.length}
                onChange={(e) => setSelected(e.target.checked ? new Set(objectKeys) : new Set())}
              />
            </span>
            <span role="columnheader">Name</span>
            <span role="columnheader" className="num">
              Size
            </span>
            <span role="columnheader" className="col-date">
              Last modified
            </span>
            <span role="columnheader" className="col-actions-wide">
              Actions
            </span>
          </div>
          <div style={{ height: rows.length * ROW, position: 'relative' }}>
            {rows.slice(start, end).map((r, i) => {
              const idx = start + i;
              const style = { top: idx * ROW };
              if (r.kind === 'prefix')
                return (
                  <div className="vrow" role="row" key={`p:${r.prefix}`} style={style}>
                    <span role="cell">
                      <FolderIcon />
                    </span>
                    <span role="cell" className="name">
                      <button type="button" onClick={() => setPrefix(r.prefix)}>
                        {displayName(r.prefix, searching ? '' : prefix)}
                      </button>
                    </span>
                    <span role="cell" />
                    <span role="cell" className="col-date" />
                    <span role="cell" className="col-actions-wide" />
                  </div>
                );
              const o = r.object;
              return (
                <div className={selected.has(o.key) ? 'vrow selected' : 'vrow'} role="row" key={`o:${o.key}`} style={style}>
                  <span role="cell">
                    <input
                      type="checkbox"
                      aria-label={`Select ${o.key}`}
                      checked={selected.has(o.key)}
                      onChange={(e) => {
                        const s = new Set(selected);
                        if (e.target.checked) s.add(o.key);
                        else s.delete(o.key);
                        setSelected(s);
                      }}
                    />
                  </span>
                  <span role="cell" className="name" title={o.key}>
                    <button type="button" onClick={() => setOpen(o)}>
                      {displayName(o.key, searching ? '' : prefix)}
                    </button>{' '}
                    {o.legal_hold === 'ON' && <Badge tone="warn">hold</Badge>} {o.retention && <Badge tone="warn">retained</Badge>}
                  </span>
                  <span role="cell" className="num">
                    {formatBytes(o.size)}
                  </span>
                  <span role="cell" className="col-date">
                    {formatDate(o.last_modified)}
                  </span>
                  <span role="cell" className="col-actions-wide">
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={`Download ${o.key}`}
                      onClick={() => downloadObject(bucket, o.key).catch((e) => setError(e))}
                    >
                      Download
                    </button>
                  </span>
                </div>
              );
            })}
          </div>
          {!loading && rows.length === 0 && (
            <div className="empty">
              {searching ? 'No object matches these filters.' : 'This folder is empty. Drop files above to upload.'}
            </div>
          )}
        </div>
      </div>
      <div className="muted small" style={{ marginTop: 6 }} aria-live="polite">
        {loading ? (
          <Loading label="Loading objects…" />
        ) : (
          `${rows.length.toLocaleString()} item(s) loaded${truncated ? ' — scroll for more' : ''}`
        )}
      </div>
      {confirmDelete && (
        <Confirm
          title={`Delete ${selected.size} object(s)`}
          message={
            info.data?.versioning === 'Enabled'
              ? 'The bucket is versioned: each object gets a delete marker and its versions stay restorable.'
              : 'The objects are deleted for good.'
          }
          action="Delete"
          onConfirm={async () => {
            const keys = [...selected];
            for (let i = 0; i < keys.length; i += 1000) {
              await api.delete('/api/v1/buckets/{bucket}/objects', { path: { bucket }, body: { keys: keys.slice(i, i + 1000) } });
            }
            setSelected(new Set());
            loadPage(null, true);
            info.reload();
          }}
          onClose={() => setConfirmDelete(false)}
        />
      )}
      {open && (
        <ObjectDrawer
          bucket={bucket}
          object={open}
          versioned={info.data?.versioning != null}
          lock={!!info.data?.object_lock_enabled}
          initialTab={showVersions ? 'versions' : 'details'}
          onClose={() => setOpen(null)}
          onChanged={() => loadPage(null, true)}
        />
      )}
    </>
  );
}
