import { useMemo } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { Ok } from '../api/types';
import { useAuth } from '../auth/auth';
import { LineChart } from '../components/Chart';
import { ErrorMessage, Gauge, Loading, PageHeader, useLoad } from '../components/ui';
import { canSee, isGlobalAdmin } from '../lib/access';
import { formatBytes, formatNumber } from '../lib/format';

interface TenantUsage {
  tenant_id: string | null;
  tenant_name: string | null;
  buckets: number;
  objects: number;
  size_bytes: number;
  max_storage_bytes: number | null;
  max_buckets: number | null;
  max_objects: number | null;
}
interface Dashboard {
  scope: string;
  total_buckets: number;
  total_objects: number;
  total_size_bytes: number;
  total_tenants?: number;
  total_users?: number;
  tenants?: TenantUsage[];
  uptime_seconds?: number;
  requests?: { total: number; errors: number; error_rate: number; last_minute: { requests_per_second: number; error_rate: number } };
}
interface Snapshot {
  timestamp: string;
  storage_bytes: number;
  objects: number;
  s3_requests_per_second: number;
  s3_error_rate: number;
  s3_latency_p50_ms: number;
  s3_latency_p99_ms: number;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const ms = (v: number) => `${v.toFixed(0)} ms`;
const rps = (v: number) => `${v.toFixed(1)}/s`;

export default function DashboardPage() {
  const { user } = useAuth();
  const global = isGlobalAdmin(user);
  const dash = useLoad((signal) => api.get<'/api/v1/metrics', Ok<Dashboard>>('/api/v1/metrics', { signal }).then((r) => r.data), []);
  const history = useLoad(
    (signal) =>
      global
        ? api.get<'/api/v1/metrics/history', Ok<Snapshot[]>>('/api/v1/metrics/history', { signal }).then((r) => r.data)
        : Promise.resolve([] as Snapshot[]),
    [global],
  );
  const charts = useMemo(() => {
    const h = [...(history.data ?? [])].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    const t = h.map((s) => Date.parse(s.timestamp) / 1000);
    return {
      t,
      storage: [{ label: 'Stored', values: h.map((s) => s.storage_bytes), color: '#1f5fbf' }],
      objects: [{ label: 'Objects', values: h.map((s) => s.objects), color: '#6a3fb5' }],
      requests: [{ label: 'Requests', values: h.map((s) => s.s3_requests_per_second), color: '#1b7f3b' }],
      errors: [{ label: 'Error rate', values: h.map((s) => s.s3_error_rate), color: '#b3261e' }],
      latency: [
        { label: 'p50', values: h.map((s) => s.s3_latency_p50_ms), color: '#1f5fbf' },
        { label: 'p99', values: h.map((s) => s.s3_latency_p99_ms), color: '#a86400' },
      ],
    };
  }, [history.data]);

  const d = dash.data;
  return (
    <>
      <PageHeader title="Dashboard" subtitle={d ? (d.scope === 'global' ? 'All tenants' : `Tenant ${user?.tenant_name ?? ''}`) : undefined}>
        <button type="button" className="btn" onClick={() => (dash.reload(), history.reload())}>
          Refresh
        </button>
      </PageHeader>
      <ErrorMessage error={dash.error} onRetry={dash.reload} />
      {dash.loading && !d && <Loading />}
      {d && (
        <>
          <div className="grid" style={{ marginBottom: 16 }}>
            <div className="stat">
              <div className="muted">Storage used</div>
              <div className="value">{formatBytes(d.total_size_bytes)}</div>
            </div>
            <div className="stat">
              <div className="muted">Objects</div>
              <div className="value">{formatNumber(d.total_objects)}</div>
            </div>
            <div className="stat">
              <div className="muted">Buckets</div>
              <div className="value">
                <Link to="/buckets">{formatNumber(d.total_buckets)}</Link>
              </div>
            </div>
            {d.requests && (
              <div className="stat">
                <div className="muted">S3 requests (last minute)</div>
                <div className="value">{rps(d.requests.last_minute.requests_per_second)}</div>
                <div className="muted small">error rate {pct(d.requests.last_minute.error_rate)}</div>
              </div>
            )}
            {d.total_users !== undefined && canSee(user, 'admins') && (
              <div className="stat">
                <div className="muted">Users</div>
                <div className="value">
                  <Link to="/users">{formatNumber(d.total_users)}</Link>
                </div>
              </div>
            )}
          </div>
          {d.tenants && d.tenants.length > 0 && (
            <section className="panel" aria-labelledby="quota-title">
              <h2 id="quota-title">Quotas</h2>
              <div className="grid-2">
                {d.tenants.map((t) => (
                  <div key={t.tenant_id ?? 'global'}>
                    <h3>{t.tenant_name ?? 'No tenant (global)'}</h3>
                    <Gauge label="Storage" used={t.size_bytes} max={t.max_storage_bytes} format={formatBytes} />
                    <Gauge label="Buckets" used={t.buckets} max={t.max_buckets} format={formatNumber} />
                    <Gauge label="Objects" used={t.objects} max={t.max_objects} format={formatNumber} />
                  </div>
                ))}
              </div>
            </section>
          )}
        </>
      )}
      {global && (
        <>
          <ErrorMessage error={history.error} onRetry={history.reload} />
          {history.loading && !history.data && <Loading label="Loading history…" />}
          {history.data && (
            <div className="grid-2">
              <LineChart title="Storage" times={charts.t} series={charts.storage} format={formatBytes} minMax={1024} />
              <LineChart
                title="Objects"
                times={charts.t}
                series={charts.objects}
                format={(v) => (Number.isInteger(v) ? formatNumber(v) : '')}
              />
              <LineChart title="S3 requests per second" times={charts.t} series={charts.requests} format={rps} />
              <LineChart title="S3 error rate" times={charts.t} series={charts.errors} format={pct} minMax={0.01} />
              <LineChart title="S3 latency" times={charts.t} series={charts.latency} format={ms} minMax={10} />
            </div>
          )}
        </>
      )}
    </>
  );
}
