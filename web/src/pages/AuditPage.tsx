import { useState } from 'react';
import { api } from '../api/client';
import type { AuditRecord, Paged } from '../api/types';
import { useAuth } from '../auth/auth';
import { PagedTable } from '../components/lists';
import { Badge, ErrorMessage, Field, Modal, PageHeader, useAction, useLoad } from '../components/ui';
import { isGlobalAdmin } from '../lib/access';
import { downloadText, toCsv } from '../lib/csv';
import { formatDate } from '../lib/format';

interface Filters {
  event_type: string;
  resource_type: string;
  action: string;
  status: '' | 'success' | 'failure' | 'denied';
  user_id: string;
  tenant_id: string;
  start_date: string;
  end_date: string;
}
const EMPTY: Filters = {
  event_type: '',
  resource_type: '',
  action: '',
  status: '',
  user_id: '',
  tenant_id: '',
  start_date: '',
  end_date: '',
};

const COLUMNS = [
  { header: 'timestamp', value: (r: AuditRecord) => r.timestamp },
  { header: 'username', value: (r: AuditRecord) => r.username },
  { header: 'user_id', value: (r: AuditRecord) => r.user_id },
  { header: 'tenant_id', value: (r: AuditRecord) => r.tenant_id },
  { header: 'event_type', value: (r: AuditRecord) => r.event_type },
  { header: 'resource_type', value: (r: AuditRecord) => r.resource_type },
  { header: 'resource_name', value: (r: AuditRecord) => r.resource_name },
  { header: 'action', value: (r: AuditRecord) => r.action },
  { header: 'status', value: (r: AuditRecord) => r.status },
  { header: 'source_ip', value: (r: AuditRecord) => r.source_ip },
  { header: 'request_id', value: (r: AuditRecord) => r.request_id },
  { header: 'details', value: (r: AuditRecord) => r.details },
];

function query(f: Filters, page: number, pageSize: number) {
  return {
    page,
    page_size: pageSize,
    ...(f.event_type ? { event_type: f.event_type } : {}),
    ...(f.resource_type ? { resource_type: f.resource_type } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.user_id ? { user_id: f.user_id } : {}),
    ...(f.tenant_id ? { tenant_id: f.tenant_id } : {}),
    ...(f.start_date ? { start_date: new Date(f.start_date).toISOString() } : {}),
    ...(f.end_date ? { end_date: new Date(f.end_date).toISOString() } : {}),
  };
}

export default function AuditPage() {
  const { user } = useAuth();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const [open, setOpen] = useState<AuditRecord | null>(null);
  const list = useLoad(
    (signal) => api.get<'/api/v1/audit-logs', Paged<AuditRecord>>('/api/v1/audit-logs', { signal, query: query(filters, page, pageSize) }),
    [filters, page, pageSize],
  );
  const exp = useAction();
  const exportCsv = () =>
    exp.run(async () => {
      // Every page of the current filters (1000 a request).
      const all: AuditRecord[] = [];
      for (let p = 1; ; p++) {
        const r = await api.get<'/api/v1/audit-logs', Paged<AuditRecord>>('/api/v1/audit-logs', { query: query(filters, p, 1000) });
        all.push(...r.data);
        if (p >= r.pagination.total_pages || r.data.length === 0) break;
      }
      downloadText(`audit-log-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`, toCsv(all, COLUMNS));
    });
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });
  return (
    <>
      <PageHeader title="Audit log" subtitle={list.data ? `${list.data.pagination.total.toLocaleString()} record(s)` : undefined}>
        <button type="button" className="btn" disabled={exp.busy} onClick={exportCsv}>
          {exp.busy ? 'Exporting…' : 'Export CSV'}
        </button>
      </PageHeader>
      <ErrorMessage error={exp.error} />
      <form
        className="panel filters"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setFilters(draft);
        }}
      >
        <Field label="Event type">
          {(id) => <input id={id} placeholder="bucket.create" value={draft.event_type} onChange={set('event_type')} />}
        </Field>
        <Field label="Resource type">
          {(id) => <input id={id} placeholder="bucket" value={draft.resource_type} onChange={set('resource_type')} />}
        </Field>
        <Field label="Action">{(id) => <input id={id} placeholder="create" value={draft.action} onChange={set('action')} />}</Field>
        <Field label="Status">
          {(id) => (
            <select id={id} value={draft.status} onChange={set('status')}>
              <option value="">any</option>
              <option value="success">success</option>
              <option value="failure">failure</option>
              <option value="denied">denied</option>
            </select>
          )}
        </Field>
        <Field label="User id">{(id) => <input id={id} value={draft.user_id} onChange={set('user_id')} />}</Field>
        {isGlobalAdmin(user) && (
          <Field label="Tenant id">{(id) => <input id={id} value={draft.tenant_id} onChange={set('tenant_id')} />}</Field>
        )}
        <Field label="From">{(id) => <input id={id} type="datetime-local" value={draft.start_date} onChange={set('start_date')} />}</Field>
        <Field label="To">{(id) => <input id={id} type="datetime-local" value={draft.end_date} onChange={set('end_date')} />}</Field>
        <Field label="Per page">
          {(id) => (
            <select id={id} value={pageSize} onChange={(e) => (setPageSize(Number(e.target.value)), setPage(1))}>
              {[25, 50, 100, 500].map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="btn btn-primary">
          Apply filters
        </button>
        <button type="button" className="btn" onClick={() => (setDraft(EMPTY), setFilters(EMPTY), setPage(1))}>
          Clear
        </button>
      </form>
      <PagedTable
        list={list}
        page={page}
        onPage={setPage}
        label="Audit records"
        columns={['Time', 'User', 'Event', 'Resource', 'Status', 'Source']}
        empty="No record matches."
        row={(r) => (
          <tr key={r.id}>
            <td className="small">
              <button type="button" className="link-button" onClick={() => setOpen(r)}>
                {formatDate(r.timestamp)}
              </button>
            </td>
            <td>{r.username ?? <span className="muted">anonymous</span>}</td>
            <td>
              <code>{r.event_type}</code>
            </td>
            <td className="small">{r.resource_name}</td>
            <td>
              <Badge tone={r.status === 'success' ? 'good' : 'bad'}>{r.status}</Badge>
            </td>
            <td className="small">{r.source_ip}</td>
          </tr>
        )}
      />
      {open && (
        <Modal title={open.event_type} onClose={() => setOpen(null)} wide>
          <div className="modal-body">
            <pre>{JSON.stringify(open, null, 2)}</pre>
          </div>
        </Modal>
      )}
    </>
  );
}
