import { useMemo } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { Ok } from '../api/types';
import { useAuth } from '../auth/auth';
import { PointsChart } from '../components/Chart';
import { Stat } from '../components/Stat';
import { ErrorMessage, Gauge, Loading, PageHeader, useAction, useLoad } from '../components/ui';
import { canSee, isGlobalAdmin } from '../lib/access';
import { formatBytes, formatNumber } from '../lib/format';
import { mergePoints, usePoll, type Point } from '../lib/live';
import { historySince, ms, pct, rps, type Snapshot, type SystemMetrics } from '../lib/metrics';

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

const COLORS = { blue: '#1f5fbf', purple: '#6a3fb5', green: '#1b7f3b', red: '#b3261e', amber: '#a86400' };
const SERIES = {
  storage: [{ label: 'Stored', color: COLORS.blue }],
  objects: [{ label: 'Objects', color: COLORS.purple }],
  requests: [{ label: 'Requests', color: COLORS.green }],
  errors: [{ label: 'Error rate', color: COLORS.red }],
  latency: [
    { label: 'p50', color: COLORS.blue },
    { label: 'p99', color: COLORS.amber },
  ],
};
/** The dashboard's own sampling while it is open: real figures from the first minute of a fresh server. */
const LIVE_EVERY_MS = 10_000;

export default function DashboardPage() {
  const { user } = useAuth();
  const global = isGlobalAdmin(user);
  const live = usePoll(
    (signal) => api.get<'/api/v1/metrics', Ok<Dashboard>>('/api/v1/metrics', { signal }).then((r) => r.data),
    LIVE_EVERY_MS,
  );
  const history = useLoad(
    (signal) =>
      global
        ? api
            .get<'/api/v1/metrics/history', Ok<Snapshot[]>>('/api/v1/metrics/history', { signal, query: historySince(6) })
            .then((r) => r.data)
        : Promise.resolve([] as Snapshot[]),
    [global],
  );
  const system = useLoad(
    (signal) =>
      global
        ? api.get<'/api/v1/metrics/system', Ok<SystemMetrics>>('/api/v1/metrics/system', { signal }).then((r) => r.data)
        : Promise.resolve(null),
    [global],
  );
  const sample = useAction();
  const points = useMemo(() => {
    const stored: Point[] = (history.data ?? []).map((s) => ({
      t: Date.parse(s.timestamp) / 1000,
      v: [s.storage_bytes, s.objects, s.s3_requests_per_second, s.s3_error_rate, s.s3_latency_p50_ms, s.s3_latency_p99_ms],
    }));
    const sampled: Point[] = live.samples.map(({ t, value: d }) => ({
      t,
      v: [
        d.total_size_bytes,
        d.total_objects,
        d.requests?.last_minute.requests_per_second ?? null,
        d.requests?.last_minute.error_rate ?? null,
        null,
        null,
      ],
    }));
    const all = mergePoints(stored, sampled);
    const pick = (...i: number[]) => all.map((p) => ({ t: p.t, v: i.map((k) => p.v[k]) }));
    return {
      storage: pick(0),
      objects: pick(1),
      requests: pick(2),
      errors: pick(3),
      // Latency percentiles come from the stored samples only.
      latency: mergePoints(stored, []).map((p) => ({ t: p.t, v: [p.v[4], p.v[5]] })),
    };
  }, [history.data, live.samples]);

  const d = live.latest;
  const tenants = d?.tenants ?? [];
  return (
    <>
      <PageHeader title="Dashboard" subtitle={d ? (d.scope === 'global' ? 'All tenants' : `Tenant ${user?.tenant_name ?? ''}`) : undefined}>
        {global && (
          <button
            type="button"
            className="btn"
            disabled={sample.busy}
            title="Store a metrics sample now (the server also takes one every metrics_sample_interval seconds)"
            onClick={() => sample.run(async () => (await api.post('/api/v1/metrics/history/sample'), history.reload(), system.reload()))}
          >
            {sample.busy ? 'Sampling…' : 'Sample now'}
          </button>
        )}
      </PageHeader>
      <ErrorMessage error={live.error || sample.error} />
      {!d && !live.error && <Loading />}
      {d && (
        <>
          <div className="grid" style={{ marginBottom: 16 }}>
            <Stat label="Storage used" value={formatBytes(d.total_size_bytes)} />
            <Stat label="Objects" value={formatNumber(d.total_objects)} />
            <Stat
              label="Buckets"
              value={
                <>
                  <Link to="/buckets">{formatNumber(d.total_buckets)}</Link>
                </>
              }
            />
            {d.requests && (
              <Stat
                label="S3 requests (last minute)"
                value={rps(d.requests.last_minute.requests_per_second)}
                sub={
                  <>
                    error rate {pct(d.requests.last_minute.error_rate)} · {formatNumber(d.requests.total)} since start
                  </>
                }
              />
            )}
            {d.total_users !== undefined && canSee(user, 'admins') && (
              <Stat
                label="Users"
                value={<Link to="/users">{formatNumber(d.total_users)}</Link>}
                sub={d.total_tenants !== undefined && `${formatNumber(d.total_tenants)} tenant(s)`}
              />
            )}
          </div>
          <section className="panel" aria-labelledby="quota-title">
            <h2 id="quota-title">Quotas and capacity</h2>
            {global && system.data && (
              <Gauge
                label={`Disk of the data directory (${system.data.disk.path})`}
                used={system.data.disk.used_bytes}
                max={system.data.disk.total_bytes}
                format={formatBytes}
              />
            )}
            {tenants.length === 0 ? (
              <p className="muted">
                {global ? (
                  <>
                    No tenants yet: storage, bucket and object quotas are set per tenant (<Link to="/tenants">Tenants</Link>).
                  </>
                ) : (
                  'Your tenant has no quota.'
                )}
              </p>
            ) : (
              <div className="grid-2">
                {tenants.map((t) => (
                  <div key={t.tenant_id ?? 'global'}>
                    <h3>{t.tenant_name ?? 'No tenant (global)'}</h3>
                    <Gauge
                      label={`Storage of ${t.tenant_name ?? 'global'}`}
                      used={t.size_bytes}
                      max={t.max_storage_bytes}
                      format={formatBytes}
                    />
                    <Gauge label={`Buckets of ${t.tenant_name ?? 'global'}`} used={t.buckets} max={t.max_buckets} format={formatNumber} />
                    <Gauge label={`Objects of ${t.tenant_name ?? 'global'}`} used={t.objects} max={t.max_objects} format={formatNumber} />
                  </div>
                ))}
              </div>
            )}
          </section>
        </>
      )}
      <ErrorMessage error={history.error} onRetry={history.reload} />
      {d && (
        <div className="grid-2" style={{ marginTop: 16 }}>
          <PointsChart title="Storage" points={points.storage} series={SERIES.storage} format={formatBytes} minMax={1024} />
          <PointsChart
            title="Objects"
            points={points.objects}
            series={SERIES.objects}
            format={(v) => (Number.isInteger(v) ? formatNumber(v) : '')}
          />
          {d.requests && (
            <>
              <PointsChart title="S3 requests per second" points={points.requests} series={SERIES.requests} format={rps} />
              <PointsChart title="S3 error rate" points={points.errors} series={SERIES.errors} format={pct} minMax={0.01} />
            </>
          )}
          {global && (
            <PointsChart
              title="S3 latency"
              points={points.latency}
              series={SERIES.latency}
              format={ms}
              minMax={10}
              collecting="Collecting… latency percentiles come from the samples the server stores every metrics_sample_interval seconds (Sample now stores one at once)."
            />
          )}
        </div>
      )}
    </>
  );
}
