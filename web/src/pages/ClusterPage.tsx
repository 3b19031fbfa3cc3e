import { useState } from 'react';
import { api, ApiError } from '../api/client';
import type { Ok, Paged } from '../api/types';
import { DeleteNamed, FormModal, PagedTable } from '../components/lists';
import { Stat } from '../components/Stat';
import { Badge, ErrorMessage, Field, Loading, NotImplementedNotice, PageHeader, Success, useAction, useLoad } from '../components/ui';
import { formatBytes, formatDate, formatNumber } from '../lib/format';
import { pct } from '../lib/metrics';

interface Status {
  is_enabled: boolean;
  cluster_id: string | null;
  node_id: string;
  total_nodes: number;
  healthy_nodes: number;
  unhealthy_nodes: number;
  total_buckets: number;
  local_buckets: number;
  replicated_buckets: number;
  last_updated: string;
}
interface Node {
  id: string;
  name: string;
  endpoint: string;
  zone: string;
  status: string;
  health_status: string;
  capacity_total: number;
  last_heartbeat: string | null;
  latency_ms: number | null;
  is_local?: boolean;
  seconds_since_heartbeat?: number | null;
}
interface Health {
  overall_status: string;
  total_nodes: number;
  healthy_nodes: number;
  unhealthy_nodes: number;
  unknown_nodes: number;
  left_nodes: number;
  health_percentage: number;
  last_check: string;
  nodes: Node[];
}
interface HealthEvent {
  id: string;
  node_id: string;
  event: string;
  observed_by: string | null;
  detail: string | null;
  at: string;
}
interface CacheStats {
  enabled: boolean;
  node_id: string;
  entries: number;
  hits: number;
  misses: number;
  hit_ratio: number;
  ttl_seconds: number;
  forwarded_requests: number;
  forward_failures: number;
}

type Said = Ok<{ message: string }>;
const tone = (h: string) => (h === 'healthy' ? 'good' : h === 'unknown' || h === 'degraded' ? 'warn' : 'bad');
const is501 = (e: unknown) => e instanceof ApiError && e.status === 501;

/** Any list the API gives (rules, migrations): one column per field of its first item. */
export function columnsOf(rows: Record<string, unknown>[]): string[] {
  const keys: string[] = [];
  for (const r of rows.slice(0, 20)) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  return keys.slice(0, 8);
}
const cell = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * A part of the cluster API that other work will bring (replication rules, bucket migrations):
 * while the server answers 501 it says so, in the server's words; once it answers a list, the list.
 */
function Upcoming({ path, title }: { path: '/api/v1/cluster/replication' | '/api/v1/cluster/migrations'; title: string }) {
  const r = useLoad((signal) => api.get<typeof path, Ok<unknown>>(path, { signal }), [path]);
  const data = r.data?.data;
  const rows = Array.isArray(data) ? (data as Record<string, unknown>[]) : null;
  return (
    <section className="panel" aria-label={title}>
      <h2>{title}</h2>
      {r.loading && !r.data && <Loading />}
      {is501(r.error) ? <NotImplementedNotice error={r.error} /> : <ErrorMessage error={r.error} onRetry={r.reload} />}
      {rows && rows.length === 0 && <p className="muted">None yet.</p>}
      {rows && rows.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                {columnsOf(rows).map((k) => (
                  <th key={k}>{k}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={String(row.id ?? i)}>
                  {columnsOf(rows).map((k) => (
                    <td key={k}>{cell(row[k])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data !== undefined && !rows && <pre>{JSON.stringify(data, null, 2)}</pre>}
    </section>
  );
}

function AddNode({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState('');
  const [endpoint, setEndpoint] = useState('');
  const [zone, setZone] = useState('');
  return (
    <FormModal
      title="Declare a node"
      submit="Declare node"
      disabled={!name || !endpoint}
      onClose={onClose}
      onSubmit={async () => {
        await api.post('/api/v1/cluster/nodes', { body: { name, endpoint, ...(zone ? { zone } : {}) } as never });
        onSaved();
      }}
    >
      <p className="muted small">The node shows as unknown until it boots with NODE_ID = this name on the same PostgreSQL.</p>
      <Field label="Node name">{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} required />}</Field>
      <Field label="S3 endpoint" hint="e.g. http://node-2:9000">
        {(id) => <input id={id} type="url" value={endpoint} onChange={(e) => setEndpoint(e.target.value)} required />}
      </Field>
      <Field label="Zone (optional)">{(id) => <input id={id} value={zone} onChange={(e) => setZone(e.target.value)} />}</Field>
    </FormModal>
  );
}

export default function ClusterPage() {
  const status = useLoad(
    (signal) => api.get<'/api/v1/cluster/status', Ok<Status>>('/api/v1/cluster/status', { signal }).then((r) => r.data),
    [],
  );
  const health = useLoad(
    (signal) => api.get<'/api/v1/cluster/health', Ok<Health>>('/api/v1/cluster/health', { signal }).then((r) => r.data),
    [],
  );
  const cache = useLoad(
    (signal) => api.get<'/api/v1/cluster/cache/stats', Ok<CacheStats>>('/api/v1/cluster/cache/stats', { signal }).then((r) => r.data),
    [],
  );
  const [page, setPage] = useState(1);
  const events = useLoad(
    (signal) =>
      api.get<'/api/v1/cluster/health/history', Paged<HealthEvent>>('/api/v1/cluster/health/history', {
        signal,
        query: { page, page_size: 20 },
      }),
    [page],
  );
  const act = useAction();
  const [done, setDone] = useState('');
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Node | null>(null);
  const reloadAll = () => (status.reload(), health.reload(), cache.reload(), events.reload());
  const say = (fn: () => Promise<string>) => act.run(async () => (setDone(await fn()), reloadAll()));
  /** A node action whose answer carries its outcome in words (`message`). */
  const button = (label: string, call: () => Promise<Said>) => (
    <button type="button" className="btn btn-small" disabled={act.busy} onClick={() => say(async () => (await call()).data.message)}>
      {label}
    </button>
  );
  const s = status.data;
  const h = health.data;
  const local = h?.nodes.find((n) => n.is_local);
  return (
    <>
      <PageHeader title="Cluster" subtitle="Nodes and their health, bucket placement, the location cache; replication and migrations.">
        <button
          type="button"
          className="btn"
          disabled={act.busy}
          onClick={() =>
            say(async () => {
              const r = await api.post<'/api/v1/cluster/health/refresh', Ok<Health>>('/api/v1/cluster/health/refresh');
              return `Health checked: ${r.data.overall_status}`;
            })
          }
        >
          Check health now
        </button>
        {s?.is_enabled && (
          <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
            Declare node
          </button>
        )}
      </PageHeader>
      {done && <Success>{done}</Success>}
      <ErrorMessage error={act.error} />
      {status.loading && !s && <Loading />}
      {is501(status.error) ? <NotImplementedNotice error={status.error} /> : <ErrorMessage error={status.error} onRetry={status.reload} />}
      {s && !s.is_enabled && (
        <div className="alert alert-info" role="status">
          This server runs as a single node. A cluster forms when nodes boot with CLUSTER_ENABLED=true on one PostgreSQL (DATABASE_URL) and
          the same CLUSTER_SECRET; each registers itself here.
        </div>
      )}
      {s && (
        <div className="grid" style={{ marginBottom: 16 }}>
          <Stat
            label="Clustering"
            value={s.is_enabled ? 'enabled' : 'single node'}
            sub={
              <>
                this node: {s.node_id} {s.cluster_id ? ` · cluster ${s.cluster_id}` : ''}
              </>
            }
          />
          <Stat
            label="Nodes healthy"
            value={`${s.healthy_nodes} / ${s.total_nodes}`}
            sub={
              h && (
                <>
                  <Badge tone={tone(h.overall_status)}>{h.overall_status}</Badge> {h.health_percentage}% · checked{' '}
                  {formatDate(h.last_check)}
                </>
              )
            }
          />
          <Stat
            label="Buckets"
            value={s.total_buckets}
            sub={
              <>
                {s.local_buckets} on this node, {s.replicated_buckets} replicated
              </>
            }
          />
          {cache.data && (
            <Stat
              label="Location cache"
              value={pct(cache.data.hit_ratio)}
              sub={
                <>
                  {cache.data.enabled
                    ? `${formatNumber(cache.data.entries)} entries, TTL ${cache.data.ttl_seconds} s`
                    : 'off (single node)'}{' '}
                  · {formatNumber(cache.data.forwarded_requests)} forwarded, {formatNumber(cache.data.forward_failures)} failed
                </>
              }
            />
          )}
        </div>
      )}
      <ErrorMessage error={health.error || cache.error} />
      {h && (
        <section className="panel" aria-label="Nodes">
          <h2>Nodes</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Node</th>
                  <th>Endpoint</th>
                  <th>Zone</th>
                  <th>Status</th>
                  <th>Health</th>
                  <th>Last heartbeat</th>
                  <th className="num">Capacity</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {h.nodes.map((n) => (
                  <tr key={n.id}>
                    <td>{n.name}</td>
                    <td>
                      <code>{n.endpoint}</code>
                    </td>
                    <td>{n.zone || '—'}</td>
                    <td>
                      {n.status} {n.is_local && <Badge tone="info">this node</Badge>}
                    </td>
                    <td>
                      <Badge tone={tone(n.health_status)}>{n.health_status}</Badge>
                      {n.latency_ms !== null && <span className="muted small"> {n.latency_ms} ms</span>}
                    </td>
                    <td>
                      {formatDate(n.last_heartbeat)}
                      {n.seconds_since_heartbeat != null && <div className="muted small">{n.seconds_since_heartbeat} s ago</div>}
                    </td>
                    <td className="num">{n.capacity_total ? formatBytes(n.capacity_total) : '—'}</td>
                    <td>
                      {!n.is_local && s?.is_enabled && (
                        <button type="button" className="btn btn-small" aria-label={`Remove node ${n.name}`} onClick={() => setRemoving(n)}>
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {local && (
            <div className="actions" style={{ marginTop: 12 }}>
              {s?.is_enabled &&
                (local.status === 'left'
                  ? button('This node: join again', () => api.post<'/api/v1/cluster/join', Said>('/api/v1/cluster/join', { body: {} }))
                  : button('This node: leave', () => api.post<'/api/v1/cluster/leave', Said>('/api/v1/cluster/leave')))}
              {button('Clear location cache', () => api.delete<'/api/v1/cluster/cache', Said>('/api/v1/cluster/cache'))}
            </div>
          )}
        </section>
      )}
      <div className="grid-2">
        <Upcoming path="/api/v1/cluster/replication" title="Cluster replication" />
        <Upcoming path="/api/v1/cluster/migrations" title="Bucket migrations" />
      </div>
      <h2>Health and membership events</h2>
      <PagedTable
        list={events}
        page={page}
        onPage={setPage}
        label="Health events"
        columns={['When', 'Node', 'Event', 'Observed by', 'Detail']}
        empty="No health or membership change recorded."
        row={(e) => (
          <tr key={e.id}>
            <td>{formatDate(e.at)}</td>
            <td>{e.node_id}</td>
            <td>
              <code>{e.event}</code>
            </td>
            <td>{e.observed_by ?? '—'}</td>
            <td className="small">{e.detail ?? ''}</td>
          </tr>
        )}
      />
      {adding && <AddNode onClose={() => setAdding(false)} onSaved={() => (setAdding(false), reloadAll())} />}
      {removing && (
        <DeleteNamed
          kind="node"
          name={removing.name}
          message="A node that is running cannot be removed (the server answers 409); remove one that is gone for good."
          onDelete={() => api.delete('/api/v1/cluster/nodes/{id}', { path: { id: removing.id } })}
          onDone={reloadAll}
          onClose={() => setRemoving(null)}
        />
      )}
    </>
  );
}
