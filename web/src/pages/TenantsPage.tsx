import { useState } from 'react';
import { api } from '../api/client';
import type { Ok, Paged, Tenant } from '../api/types';
import { DeleteNamed, EditorSlot, FormModal } from '../components/lists';
import { Badge, ErrorMessage, Field, Gauge, Loading, PageHeader, useLoad } from '../components/ui';
import { formatBytes, formatDate, formatNumber } from '../lib/format';

interface Stats {
  buckets: number;
  users: number;
  access_keys?: number;
  objects: number;
  size_bytes?: number;
  bytes?: number;
}

const GiB = 1024 ** 3;
const num = (s: string): number | null => (s.trim() === '' ? null : Number(s));

function TenantForm({ tenant, onClose, onSaved }: { tenant?: Tenant; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(tenant?.name ?? '');
  const [gib, setGib] = useState(tenant?.max_storage_bytes ? String(tenant.max_storage_bytes / GiB) : '');
  const [buckets, setBuckets] = useState(tenant?.max_buckets?.toString() ?? '');
  const [objects, setObjects] = useState(tenant?.max_objects?.toString() ?? '');
  const [status, setStatus] = useState(tenant?.status ?? 'active');
  return (
    <FormModal
      title={tenant ? `Tenant ${tenant.name}` : 'Create tenant'}
      submit={tenant ? 'Save' : 'Create tenant'}
      disabled={!tenant && !name}
      onClose={onClose}
      onSubmit={async () => {
        const quotas = {
          max_storage_bytes: num(gib) === null ? null : Math.round(Number(gib) * GiB),
          max_buckets: num(buckets),
          max_objects: num(objects),
        } as never;
        if (tenant)
          await api.put('/api/v1/tenants/{id}', {
            path: { id: tenant.id },
            body: { ...(quotas as object), status: status as 'active' | 'suspended' },
          });
        else await api.post('/api/v1/tenants', { body: { name, ...(quotas as object) } });
        onSaved();
      }}
    >
      {!tenant && <Field label="Name">{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} required />}</Field>}
      <Field label="Storage quota (GiB)" hint="Empty = unlimited">
        {(id) => <input id={id} type="number" min={0} step="any" value={gib} onChange={(e) => setGib(e.target.value)} />}
      </Field>
      <Field label="Bucket quota">
        {(id) => <input id={id} type="number" min={0} value={buckets} onChange={(e) => setBuckets(e.target.value)} />}
      </Field>
      <Field label="Object quota">
        {(id) => <input id={id} type="number" min={0} value={objects} onChange={(e) => setObjects(e.target.value)} />}
      </Field>
      {tenant && (
        <Field label="Status" hint="Suspended: the tenant's users and keys stop working.">
          {(id) => (
            <select id={id} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="active">active</option>
              <option value="suspended">suspended</option>
            </select>
          )}
        </Field>
      )}
    </FormModal>
  );
}

function TenantStats({ tenant }: { tenant: Tenant }) {
  const s = useLoad(
    (signal) =>
      api
        .get<'/api/v1/tenants/{id}/stats', Ok<Stats>>('/api/v1/tenants/{id}/stats', { path: { id: tenant.id }, signal })
        .then((r) => r.data),
    [tenant.id],
  );
  if (s.error) return <ErrorMessage error={s.error} />;
  if (!s.data) return <Loading />;
  const bytes = s.data.size_bytes ?? s.data.bytes ?? 0;
  return (
    <div>
      <Gauge label="Storage" used={bytes} max={tenant.max_storage_bytes} format={formatBytes} />
      <Gauge label="Buckets" used={s.data.buckets} max={tenant.max_buckets} format={formatNumber} />
      <Gauge label="Objects" used={s.data.objects} max={tenant.max_objects} format={formatNumber} />
      <p className="muted small">
        {s.data.users} user(s){s.data.access_keys !== undefined ? `, ${s.data.access_keys} access key(s)` : ''}
      </p>
    </div>
  );
}

export default function TenantsPage() {
  const list = useLoad(
    (signal) => api.get<'/api/v1/tenants', Paged<Tenant>>('/api/v1/tenants', { signal, query: { page_size: 1000 } }),
    [],
  );
  const [editing, setEditing] = useState<Tenant | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Tenant | null>(null);
  const rows = list.data?.data ?? [];
  return (
    <>
      <PageHeader title="Tenants" subtitle="Isolated namespaces with their own buckets, users, keys and quotas.">
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          Create tenant
        </button>
      </PageHeader>
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && rows.length === 0 && <div className="panel empty">No tenants yet.</div>}
      <div className="grid-2">
        {rows.map((t) => (
          <section className="panel" key={t.id} aria-label={`Tenant ${t.name}`}>
            <div className="actions" style={{ justifyContent: 'space-between' }}>
              <h2>
                {t.name} <Badge tone={t.status === 'active' ? 'good' : 'bad'}>{t.status}</Badge>
              </h2>
              <div className="actions">
                <button type="button" className="btn btn-small" onClick={() => setEditing(t)}>
                  Edit
                </button>
                <button type="button" className="btn btn-small" onClick={() => setDeleting(t)}>
                  Delete
                </button>
              </div>
            </div>
            <p className="muted small">Created {formatDate(t.created_at)}</p>
            <TenantStats tenant={t} />
          </section>
        ))}
      </div>
      <EditorSlot
        editing={editing}
        setEditing={setEditing}
        reload={list.reload}
        render={(t, done) => <TenantForm tenant={t} {...done} />}
      />
      {deleting && (
        <DeleteNamed
          kind="tenant"
          name={deleting.name}
          message="Only a tenant with no buckets and no users left can be deleted."
          onDelete={() => api.delete('/api/v1/tenants/{id}', { path: { id: deleting.id } })}
          onDone={list.reload}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
