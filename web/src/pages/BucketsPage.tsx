import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import type { Bucket, Paged } from '../api/types';
import { useAuth } from '../auth/auth';
import { Badge, Confirm, ErrorMessage, Field, Loading, Modal, PageHeader, Pager, useAction, useLoad } from '../components/ui';
import { isGlobalAdmin } from '../lib/access';
import { formatBytes, formatDate, formatNumber } from '../lib/format';

function CreateBucket({ onClose, onCreated }: { onClose: () => void; onCreated: (name: string) => void }) {
  const [name, setName] = useState('');
  const [versioning, setVersioning] = useState(false);
  const [lock, setLock] = useState(false);
  const { busy, error, run } = useAction();
  return (
    <Modal title="Create bucket" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(async () => {
            await api.post('/api/v1/buckets', {
              body: { name: name.trim(), versioning_enabled: versioning || lock, object_lock_enabled: lock },
            });
            onCreated(name.trim());
          });
        }}
      >
        <div className="modal-body">
          <Field label="Bucket name" hint="3-63 characters: lower-case letters, digits, dots and hyphens; unique on this server.">
            {(id) => (
              <input
                id={id}
                value={name}
                onChange={(e) => setName(e.target.value)}
                required
                pattern="[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]"
                autoComplete="off"
              />
            )}
          </Field>
          <label className="check">
            <input type="checkbox" checked={versioning || lock} disabled={lock} onChange={(e) => setVersioning(e.target.checked)} />{' '}
            Versioning (keep every version of every object)
          </label>
          <label className="check">
            <input type="checkbox" checked={lock} onChange={(e) => setLock(e.target.checked)} /> Object lock (WORM retention and legal
            holds; needs versioning, cannot be turned off)
          </label>
          <ErrorMessage error={error} />
        </div>
        <div className="modal-foot">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
            {busy ? 'Creating…' : 'Create bucket'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export default function BucketsPage() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Bucket | null>(null);
  const list = useLoad(
    (signal) =>
      api.get<'/api/v1/buckets', Paged<Bucket>>('/api/v1/buckets', {
        signal,
        query: { page, page_size: 100, ...(filter ? { prefix: filter } : {}) },
      }),
    [page, filter],
  );
  const rows = list.data?.data ?? [];
  return (
    <>
      <PageHeader title="Buckets" subtitle={list.data ? `${list.data.pagination.total} bucket(s)` : undefined}>
        <Field label="Filter by name prefix">
          {(id) => <input id={id} type="search" value={filter} onChange={(e) => (setFilter(e.target.value), setPage(1))} />}
        </Field>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          Create bucket
        </button>
      </PageHeader>
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                {isGlobalAdmin(user) && <th>Tenant</th>}
                <th className="num">Objects</th>
                <th className="num">Size</th>
                <th>Features</th>
                <th>Created</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((b) => (
                <tr key={b.name}>
                  <td>
                    <Link to={`/buckets/${encodeURIComponent(b.name)}`}>{b.name}</Link>
                  </td>
                  {isGlobalAdmin(user) && <td>{b.tenant_name ?? <span className="muted">—</span>}</td>}
                  <td className="num">{formatNumber(b.object_count)}</td>
                  <td className="num">{formatBytes(b.size)}</td>
                  <td>
                    {b.versioning === 'Enabled' && <Badge tone="info">versioned</Badge>}{' '}
                    {b.versioning === 'Suspended' && <Badge>versioning suspended</Badge>}{' '}
                    {b.object_lock_enabled && <Badge tone="warn">object lock</Badge>}
                  </td>
                  <td>{formatDate(b.created_at)}</td>
                  <td>
                    <div className="actions">
                      <Link className="btn btn-small" to={`/buckets/${encodeURIComponent(b.name)}/settings`}>
                        Settings
                      </Link>
                      <button type="button" className="btn btn-small" aria-label={`Delete bucket ${b.name}`} onClick={() => setDeleting(b)}>
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && (
            <div className="empty">
              {filter ? 'No bucket matches.' : 'No buckets you can see. Create one, or ask an administrator to grant you access to one.'}
            </div>
          )}
        </div>
      )}
      {list.data && <Pager page={page} totalPages={list.data.pagination.total_pages} onPage={setPage} />}
      {creating && (
        <CreateBucket
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            navigate(`/buckets/${encodeURIComponent(name)}`);
          }}
        />
      )}
      {deleting && (
        <Confirm
          title={`Delete bucket ${deleting.name}`}
          message={
            deleting.object_count > 0
              ? `The bucket holds ${formatNumber(deleting.object_count)} object(s): the server refuses to delete a bucket that is not empty.`
              : 'The bucket and its configuration are deleted for good.'
          }
          confirmText={deleting.name}
          action="Delete bucket"
          onConfirm={async () => {
            await api.delete('/api/v1/buckets/{name}', { path: { name: deleting.name } });
            list.reload();
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
