import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { ObjectEntry, Ok } from '../api/types';
import { downloadObject } from '../lib/download';
import { TagEditor, type Tag } from './TagEditor';
import { AclEditor, type Acl } from './AclEditor';
import { formatBytes, formatDate } from '../lib/format';
import { Badge, Confirm, CopyButton, ErrorMessage, Field, Loading, Success, Tabs, useAction, useLoad } from './ui';

type Tab = 'details' | 'versions' | 'share' | 'tags' | 'protection' | 'acl';

interface Versions {
  versions: ObjectEntry[];
}
const CANNED = ['private', 'public-read', 'public-read-write', 'authenticated-read', 'bucket-owner-read', 'bucket-owner-full-control'];

function Versions({ bucket, object, onChanged }: { bucket: string; object: ObjectEntry; onChanged: () => void }) {
  const list = useLoad(
    (signal) =>
      api
        .get<'/api/v1/buckets/{bucket}/objects/{key}/versions', Ok<Versions>>('/api/v1/buckets/{bucket}/objects/{key}/versions', {
          path: { bucket, key: object.key },
          signal,
        })
        .then((r) => r.data.versions),
    [bucket, object.key],
  );
  const { busy, error, run } = useAction();
  const [done, setDone] = useState('');
  const [deleting, setDeleting] = useState<ObjectEntry | null>(null);
  const restore = (v: ObjectEntry) =>
    run(async () => {
      const latest = list.data?.[0];
      if (latest?.is_delete_marker && latest.version_id) {
        // Removing the delete marker brings the previous version back (when restoring that one).
        if (list.data?.[1]?.version_id === v.version_id) {
          await api.delete('/api/v1/buckets/{bucket}/objects/{key}', {
            path: { bucket, key: object.key },
            query: { versionId: latest.version_id } as never,
          });
          setDone(`Version ${v.version_id} is current again (delete marker removed).`);
          list.reload();
          onChanged();
          return;
        }
      }
      // Otherwise the server copies the version (hard links, no bytes through the browser) as a new current version.
      await api.post('/api/v1/buckets/{bucket}/objects/{key}/restore', {
        path: { bucket, key: object.key },
        body: { version_id: v.version_id ?? 'null' },
      });
      setDone(`Version ${v.version_id} restored as the current version.`);
      list.reload();
      onChanged();
    });
  if (list.loading && !list.data) return <Loading />;
  return (
    <>
      <ErrorMessage error={list.error || error} />
      {done && <Success>{done}</Success>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Version</th>
              <th>Modified</th>
              <th className="num">Size</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((v) => (
              <tr key={v.version_id ?? 'null'}>
                <td>
                  <code className="small">{(v.version_id ?? 'null').slice(0, 12)}</code> {v.is_latest && <Badge tone="good">current</Badge>}{' '}
                  {v.is_delete_marker && <Badge tone="bad">delete marker</Badge>}
                </td>
                <td className="small">{formatDate(v.last_modified)}</td>
                <td className="num">{v.is_delete_marker ? '—' : formatBytes(v.size)}</td>
                <td>
                  <div className="actions">
                    {!v.is_delete_marker && (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => downloadObject(bucket, object.key, v.version_id ?? undefined)}
                      >
                        Download
                      </button>
                    )}
                    {!v.is_latest && !v.is_delete_marker && (
                      <button type="button" className="btn btn-small" disabled={busy} onClick={() => restore(v)}>
                        Restore
                      </button>
                    )}
                    <button type="button" className="btn btn-small" onClick={() => setDeleting(v)}>
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {deleting && (
        <Confirm
          title="Delete this version"
          message={`Version ${deleting.version_id} of ${object.key} is deleted for good (object lock may refuse it).`}
          action="Delete version"
          onConfirm={async () => {
            await api.delete('/api/v1/buckets/{bucket}/objects/{key}', {
              path: { bucket, key: object.key },
              query: { versionId: deleting.version_id } as never,
            });
            list.reload();
            onChanged();
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}

function Share({ bucket, object }: { bucket: string; object: ObjectEntry }) {
  const [expires, setExpires] = useState(3600);
  const [maxDownloads, setMaxDownloads] = useState('');
  const [method, setMethod] = useState<'GET' | 'PUT' | 'HEAD' | 'DELETE'>('GET');
  const [share, setShare] = useState<{ url: string; expires_at: string } | null>(null);
  const [presigned, setPresigned] = useState<{ url: string; expires_at: string } | null>(null);
  const s = useAction();
  const p = useAction();
  return (
    <>
      <section>
        <h3>Share link</h3>
        <p className="muted small">
          A public link on the console port: anyone with it can download the object until it expires or is revoked (Share links page).
        </p>
        <div className="inline-form">
          <Field label="Expires in (seconds)">
            {(id) => <input id={id} type="number" min={60} value={expires} onChange={(e) => setExpires(Number(e.target.value))} />}
          </Field>
          <Field label="Max downloads">
            {(id) => (
              <input
                id={id}
                type="number"
                min={1}
                value={maxDownloads}
                onChange={(e) => setMaxDownloads(e.target.value)}
                placeholder="unlimited"
              />
            )}
          </Field>
          <button
            type="button"
            className="btn btn-primary"
            disabled={s.busy}
            onClick={() =>
              s.run(async () => {
                const r = await api.post<'/api/v1/shares', Ok<{ url: string; expires_at: string }>>('/api/v1/shares', {
                  body: {
                    bucket,
                    key: object.key,
                    expires_in: expires,
                    ...(maxDownloads ? { max_downloads: Number(maxDownloads) } : {}),
                    ...(object.version_id && !object.is_latest ? { version_id: object.version_id } : {}),
                  },
                });
                setShare(r.data);
              })
            }
          >
            Create share link
          </button>
        </div>
        <ErrorMessage error={s.error} />
        {share && (
          <div className="secret-box" style={{ marginTop: 8 }}>
            <code data-testid="share-url">{share.url}</code>
            <div className="actions" style={{ marginTop: 6 }}>
              <CopyButton text={share.url} /> <span className="muted small">expires {formatDate(share.expires_at)}</span>
            </div>
          </div>
        )}
      </section>
      <section>
        <h3>Presigned URL</h3>
        <p className="muted small">An S3 URL signed with your access key, for tools and scripts (S3 port).</p>
        <div className="inline-form">
          <Field label="Method">
            {(id) => (
              <select id={id} value={method} onChange={(e) => setMethod(e.target.value as typeof method)}>
                {['GET', 'PUT', 'HEAD', 'DELETE'].map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Expires in (seconds)">
            {(id) => (
              <input id={id} type="number" min={1} max={604800} value={expires} onChange={(e) => setExpires(Number(e.target.value))} />
            )}
          </Field>
          <button
            type="button"
            className="btn"
            disabled={p.busy}
            onClick={() =>
              p.run(async () => {
                const r = await api.post<'/api/v1/presign', Ok<{ url: string; expires_at: string }>>('/api/v1/presign', {
                  body: { bucket, key: object.key, method, expires_in: expires },
                });
                setPresigned(r.data);
              })
            }
          >
            Presign
          </button>
        </div>
        <ErrorMessage error={p.error} />
        {presigned && (
          <div className="secret-box" style={{ marginTop: 8 }}>
            <code>{presigned.url}</code>
            <div className="actions" style={{ marginTop: 6 }}>
              <CopyButton text={presigned.url} /> <span className="muted small">expires {formatDate(presigned.expires_at)}</span>
            </div>
          </div>
        )}
      </section>
    </>
  );
}

function ObjectTags({ bucket, object, onChanged }: { bucket: string; object: ObjectEntry; onChanged: () => void }) {
  return (
    <TagEditor
      load={(signal) =>
        api
          .get<'/api/v1/buckets/{bucket}/objects/{key}/tagging', Ok<{ TagSet: Tag[] }>>('/api/v1/buckets/{bucket}/objects/{key}/tagging', {
            path: { bucket, key: object.key },
            signal,
          })
          .then((r) => r.data.TagSet)
      }
      deps={[bucket, object.key]}
      save={async (TagSet) => {
        await api.put('/api/v1/buckets/{bucket}/objects/{key}/tagging', { path: { bucket, key: object.key }, body: { TagSet } });
        onChanged();
      }}
      max={10}
      note="Up to 10 tags per object (S3's limit); the object browser's search filters by them."
    />
  );
}

function Retention({ bucket, object, onChanged }: { bucket: string; object: ObjectEntry; onChanged: () => void }) {
  const cur = useLoad(
    (signal) =>
      api
        .get<
          '/api/v1/buckets/{bucket}/objects/{key}/retention',
          Ok<{ mode: 'GOVERNANCE' | 'COMPLIANCE' | null; retain_until: string | null }>
        >('/api/v1/buckets/{bucket}/objects/{key}/retention', { path: { bucket, key: object.key }, signal })
        .then((r) => r.data),
    [bucket, object.key],
  );
  const [mode, setMode] = useState<'' | 'GOVERNANCE' | 'COMPLIANCE'>('GOVERNANCE');
  const [until, setUntil] = useState('');
  const [bypass, setBypass] = useState(false);
  const { busy, error, run } = useAction();
  return (
    <>
      <h3>Retention</h3>
      <ErrorMessage error={cur.error || error} />
      {cur.data &&
        (cur.data.mode ? (
          <p>
            <Badge tone="warn">{cur.data.mode}</Badge> until {formatDate(cur.data.retain_until)}
          </p>
        ) : (
          <p className="muted">No retention on this version.</p>
        ))}
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          run(async () => {
            await api.put('/api/v1/buckets/{bucket}/objects/{key}/retention', {
              path: { bucket, key: object.key },
              body: mode
                ? { mode, retain_until: new Date(until).toISOString(), bypass_governance: bypass }
                : { mode: null, bypass_governance: bypass },
            });
            cur.reload();
            onChanged();
          });
        }}
      >
        <Field label="Mode">
          {(id) => (
            <select id={id} value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
              <option value="GOVERNANCE">GOVERNANCE</option>
              <option value="COMPLIANCE">COMPLIANCE (cannot be shortened)</option>
              <option value="">none (remove)</option>
            </select>
          )}
        </Field>
        {mode && (
          <Field label="Retain until">
            {(id) => <input id={id} type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />}
          </Field>
        )}
        <label className="check">
          <input type="checkbox" checked={bypass} onChange={(e) => setBypass(e.target.checked)} /> Bypass governance
        </label>
        <button type="submit" className="btn" disabled={busy || (!!mode && !until)}>
          Set retention
        </button>
      </form>
    </>
  );
}

function Protection({ bucket, object, lock, onChanged }: { bucket: string; object: ObjectEntry; lock: boolean; onChanged: () => void }) {
  const hold = useLoad(
    (signal) =>
      lock
        ? api
            .get<'/api/v1/buckets/{bucket}/objects/{key}/legal-hold', Ok<{ status: string }>>(
              '/api/v1/buckets/{bucket}/objects/{key}/legal-hold',
              {
                path: { bucket, key: object.key },
                signal,
              },
            )
            .then((r) => r.data.status)
        : Promise.resolve('OFF'),
    [bucket, object.key, lock],
  );
  const { busy, error, run } = useAction();
  if (!lock)
    return (
      <p className="muted">
        Legal holds and retention need object lock, which this bucket does not have (it is chosen when creating a bucket).
      </p>
    );
  return (
    <>
      <h3>Legal hold</h3>
      <ErrorMessage error={hold.error || error} />
      {hold.data !== undefined && (
        <p>
          Legal hold is <strong>{hold.data}</strong>.{' '}
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={() =>
              run(async () => {
                await api.put('/api/v1/buckets/{bucket}/objects/{key}/legal-hold', {
                  path: { bucket, key: object.key },
                  body: { status: hold.data === 'ON' ? 'OFF' : 'ON' },
                });
                hold.reload();
                onChanged();
              })
            }
          >
            {hold.data === 'ON' ? 'Release the hold' : 'Place a legal hold'}
          </button>
        </p>
      )}
      <Retention bucket={bucket} object={object} onChanged={onChanged} />
    </>
  );
}

function ObjectAcl({ bucket, object }: { bucket: string; object: ObjectEntry }) {
  return (
    <AclEditor
      load={(signal) =>
        api
          .get<'/api/v1/buckets/{bucket}/objects/{key}/acl', Ok<Acl>>('/api/v1/buckets/{bucket}/objects/{key}/acl', {
            path: { bucket, key: object.key },
            signal,
          })
          .then((r) => r.data)
      }
      deps={[bucket, object.key]}
      apply={async (acl) =>
        void (await api.put('/api/v1/buckets/{bucket}/objects/{key}/acl', { path: { bucket, key: object.key }, body: { acl } as never }))
      }
      canned={CANNED}
    />
  );
}

export function ObjectDrawer({
  bucket,
  object,
  versioned,
  lock,
  initialTab,
  onClose,
  onChanged,
}: {
  bucket: string;
  object: ObjectEntry;
  versioned: boolean;
  lock: boolean;
  initialTab: Tab;
  onClose: () => void;
  onChanged: () => void;
}) {
  const [tab, setTab] = useState<Tab>(initialTab);
  const [deleting, setDeleting] = useState(false);
  const dl = useAction();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <aside className="drawer" aria-label={`Object ${object.key}`}>
      <div className="actions" style={{ justifyContent: 'space-between', marginBottom: 8 }}>
        <h2 style={{ margin: 0, wordBreak: 'break-all' }}>{object.key.split('/').pop()}</h2>
        <button type="button" className="modal-close" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="actions" style={{ marginBottom: 12 }}>
        <button
          type="button"
          className="btn btn-primary"
          disabled={dl.busy}
          onClick={() => dl.run(() => downloadObject(bucket, object.key))}
        >
          {dl.busy ? 'Downloading…' : 'Download'}
        </button>
        <button type="button" className="btn btn-danger" onClick={() => setDeleting(true)}>
          Delete
        </button>
      </div>
      <ErrorMessage error={dl.error} />
      <Tabs<Tab>
        label="Object"
        value={tab}
        onChange={setTab}
        tabs={[
          { id: 'details', label: 'Details' },
          ...(versioned ? [{ id: 'versions' as Tab, label: 'Versions' }] : []),
          { id: 'share', label: 'Share' },
          { id: 'tags', label: 'Tags' },
          { id: 'protection', label: 'Protection' },
          { id: 'acl', label: 'ACL' },
        ]}
      />
      {tab === 'details' && (
        <dl className="kv">
          <dt>Key</dt>
          <dd>{object.key}</dd>
          <dt>Size</dt>
          <dd>
            {formatBytes(object.size)} ({object.size.toLocaleString()} bytes)
          </dd>
          <dt>Type</dt>
          <dd>{object.content_type}</dd>
          <dt>Last modified</dt>
          <dd>{formatDate(object.last_modified)}</dd>
          <dt>ETag</dt>
          <dd>
            <code>{object.etag}</code>
          </dd>
          {object.version_id && (
            <>
              <dt>Version</dt>
              <dd>
                <code>{object.version_id}</code>
              </dd>
            </>
          )}
          <dt>Tags</dt>
          <dd>{object.tag_count} tag(s) (Tags tab; searchable with the Tags filter)</dd>
          {Object.entries(object.metadata ?? {}).map(([k, v]) => (
            <span key={k} style={{ display: 'contents' }}>
              <dt>x-amz-meta-{k}</dt>
              <dd>{v}</dd>
            </span>
          ))}
        </dl>
      )}
      {tab === 'versions' && <Versions bucket={bucket} object={object} onChanged={onChanged} />}
      {tab === 'share' && <Share bucket={bucket} object={object} />}
      {tab === 'tags' && <ObjectTags bucket={bucket} object={object} onChanged={onChanged} />}
      {tab === 'protection' && <Protection bucket={bucket} object={object} lock={lock} onChanged={onChanged} />}
      {tab === 'acl' && <ObjectAcl bucket={bucket} object={object} />}
      {deleting && (
        <Confirm
          title={`Delete ${object.key}`}
          message={
            versioned ? 'A delete marker hides the object; its versions stay and can be restored.' : 'The object is deleted for good.'
          }
          action="Delete"
          onConfirm={async () => {
            await api.delete('/api/v1/buckets/{bucket}/objects/{key}', { path: { bucket, key: object.key } });
            onChanged();
            onClose();
          }}
          onClose={() => setDeleting(false)}
        />
      )}
    </aside>
  );
}
