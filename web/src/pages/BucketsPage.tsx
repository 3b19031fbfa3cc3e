import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import type { Bucket, Paged } from '../api/types';
import { useAuth } from '../auth/auth';
import { DeleteNamed, FormModal, PagedTable } from '../components/lists';
import { Badge, Field, PageHeader, useLoad } from '../components/ui';
import { isGlobalAdmin } from '../lib/access';
import { formatBytes, formatDate, formatNumber } from '../lib/format';

function CreateBucket({ onClose, onCreated }: { onClose: () => void; onCreated: (name: string) => void }) {
  const [name, setName] = useState('');
  const [versioning, setVersioning] = useState(false);
  const [lock, setLock] = useState(false);
  return (
    <FormModal
      title="Create bucket"
      submit="Create bucket"
      busyLabel="Creating…"
      disabled={!name.trim()}
      onClose={onClose}
      onSubmit={async () => {
        await api.post('/api/v1/buckets', {
          body: { name: name.trim(), versioning_enabled: versioning || lock, object_lock_enabled: lock },
        });
        onCreated(name.trim());
      }}
    >
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
        <input type="checkbox" checked={versioning || lock} disabled={lock} onChange={(e) => setVersioning(e.target.checked)} /> Versioning
        (keep every version of every object)
      </label>
      <label className="check">
        <input type="checkbox" checked={lock} onChange={(e) => setLock(e.target.checked)} /> Object lock (WORM retention and legal holds;
        needs versioning, cannot be turned off)
      </label>
    </FormModal>
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
      <PagedTable
        list={list}
        page={page}
        onPage={setPage}
        columns={[
          'Name',
          isGlobalAdmin(user) && 'Tenant',
          { label: 'Objects', num: true },
          { label: 'Size', num: true },
          'Features',
          'Created',
          { label: 'Actions', srOnly: true },
        ]}
        empty={filter ? 'No bucket matches.' : 'No buckets you can see. Create one, or ask an administrator to grant you access to one.'}
        row={(b) => (
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
        )}
      />
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
        <DeleteNamed
          kind="bucket"
          name={deleting.name}
          message={
            deleting.object_count > 0
              ? `The bucket holds ${formatNumber(deleting.object_count)} object(s): the server refuses to delete a bucket that is not empty.`
              : 'The bucket and its configuration are deleted for good.'
          }
          onDelete={() => api.delete('/api/v1/buckets/{name}', { path: { name: deleting.name } })}
          onDone={list.reload}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
