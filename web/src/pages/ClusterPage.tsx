import { ApiError, rawRequest } from '../api/client';
import type { Ok } from '../api/types';
import { Badge, ErrorMessage, Loading, NotImplementedNotice, PageHeader, useLoad } from '../components/ui';
import { formatDate } from '../lib/format';

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
  last_heartbeat: string | null;
  latency_ms: number | null;
}

/** A part of the cluster API that answers 501 is shown as such, in the server's words; nothing is made up. */
function Part({ path, title }: { path: string; title: string }) {
  const r = useLoad((signal) => rawRequest<Ok<unknown>>('GET', path, undefined, signal), [path]);
  return (
    <section className="panel" aria-label={title}>
      <h2>{title}</h2>
      {r.loading && <Loading />}
      {r.error instanceof ApiError && r.error.status === 501 ? (
        <NotImplementedNotice error={r.error} />
      ) : (
        <ErrorMessage error={r.error} onRetry={r.reload} />
      )}
      {r.data && <pre>{JSON.stringify(r.data.data, null, 2)}</pre>}
    </section>
  );
}

export default function ClusterPage() {
  const status = useLoad((signal) => rawRequest<Ok<Status>>('GET', '/api/v1/cluster/status', undefined, signal).then((r) => r.data), []);
  const nodes = useLoad((signal) => rawRequest<Ok<Node[]>>('GET', '/api/v1/cluster/nodes', undefined, signal).then((r) => r.data), []);
  const s = status.data;
  return (
    <>
      <PageHeader title="Cluster" subtitle="Nodes, their health, bucket placement; replication and migrations.">
        <button type="button" className="btn" onClick={() => (status.reload(), nodes.reload())}>
          Refresh
        </button>
      </PageHeader>
      {status.loading && !s && <Loading />}
      {status.error instanceof ApiError && status.error.status === 501 ? (
        <NotImplementedNotice error={status.error} />
      ) : (
        <ErrorMessage error={status.error} onRetry={status.reload} />
      )}
      {s && (
        <div className="grid" style={{ marginBottom: 16 }}>
          <div className="stat">
            <div className="muted">Clustering</div>
            <div className="value">{s.is_enabled ? 'enabled' : 'single node'}</div>
            <div className="muted small">this node: {s.node_id}</div>
          </div>
          <div className="stat">
            <div className="muted">Nodes healthy</div>
            <div className="value">
              {s.healthy_nodes} / {s.total_nodes}
            </div>
          </div>
          <div className="stat">
            <div className="muted">Buckets</div>
            <div className="value">{s.total_buckets}</div>
            <div className="muted small">
              {s.local_buckets} local, {s.replicated_buckets} replicated
            </div>
          </div>
        </div>
      )}
      <ErrorMessage error={nodes.error} onRetry={nodes.reload} />
      {nodes.data && (
        <div className="table-wrap" style={{ marginBottom: 16 }}>
          <table>
            <thead>
              <tr>
                <th>Node</th>
                <th>Endpoint</th>
                <th>Zone</th>
                <th>Status</th>
                <th>Health</th>
                <th>Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {nodes.data.map((n) => (
                <tr key={n.id}>
                  <td>{n.name}</td>
                  <td>
                    <code>{n.endpoint}</code>
                  </td>
                  <td>{n.zone || '—'}</td>
                  <td>{n.status}</td>
                  <td>
                    <Badge tone={n.health_status === 'healthy' ? 'good' : 'bad'}>{n.health_status}</Badge>
                  </td>
                  <td>{formatDate(n.last_heartbeat)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="grid-2">
        <Part path="/api/v1/cluster/replication" title="Cluster replication" />
        <Part path="/api/v1/cluster/migrations" title="Bucket migrations" />
      </div>
    </>
  );
}
