import { useMemo, useState } from 'react';
import { api } from '../api/client';
import type { Ok, Paged } from '../api/types';
import { PointsChart } from '../components/Chart';
import { PagedTable } from '../components/lists';
import { Stat } from '../components/Stat';
import { Confirm, ErrorMessage, Gauge, Loading, PageHeader, Success, Tabs, useLoad } from '../components/ui';
import { formatBytes, formatDate, formatNumber } from '../lib/format';
import { mergePoints, usePoll, type Point } from '../lib/live';
import {
  formatUptime,
  historySince,
  ms,
  pct,
  pct100,
  rps,
  type OperationStats,
  type PerformanceOverview,
  type Snapshot,
  type SystemMetrics,
} from '../lib/metrics';

type Tab = 'system' | 'performance' | 'storage';
const TABS: { id: Tab; label: string }[] = [
  { id: 'system', label: 'System' },
  { id: 'performance', label: 'S3 performance' },
  { id: 'storage', label: 'Storage' },
];
const POLL_MS = 5_000;
const C = { blue: '#1f5fbf', amber: '#a86400', green: '#1b7f3b', red: '#b3261e', purple: '#6a3fb5' };
const CPU = [
  { label: 'This process', color: C.blue },
  { label: 'Machine', color: C.amber },
];
const MEMORY = [
  { label: 'Resident (RSS)', color: C.purple },
  { label: 'Heap used', color: C.green },
];
const REQUESTS = [{ label: 'Requests', color: C.green }];
const ERRORS = [{ label: 'Error rate', color: C.red }];
const LATENCY = [
  { label: 'p50', color: C.blue },
  { label: 'p99', color: C.amber },
];

/** Stored samples of the last 6 hours (the server takes one every metrics_sample_interval seconds). */
function useHistory() {
  return useLoad(
    (signal) =>
      api.get<'/api/v1/metrics/history', Ok<Snapshot[]>>('/api/v1/metrics/history', { signal, query: historySince(6) }).then((r) => r.data),
    [],
  );
}
const at = (s: Snapshot) => Date.parse(s.timestamp) / 1000;

function SystemTab() {
  const live = usePoll(
    (signal) => api.get<'/api/v1/metrics/system', Ok<SystemMetrics>>('/api/v1/metrics/system', { signal }).then((r) => r.data),
    POLL_MS,
  );
  const history = useHistory();
  const charts = useMemo(() => {
    const h = history.data ?? [];
    const cpu = mergePoints(
      h.map((s) => ({ t: at(s), v: [s.cpu_percent ?? null, s.system_cpu_percent ?? null] })),
      live.samples.map(({ t, value }) => ({ t, v: [value.cpu.process_percent, value.cpu.system_percent] })),
    );
    const memory = mergePoints(
      h.map((s) => ({ t: at(s), v: [s.memory_rss_bytes ?? null, s.memory_heap_used_bytes ?? null] })),
      live.samples.map(({ t, value }) => ({ t, v: [value.memory.process.rss_bytes, value.memory.process.heap_used_bytes] })),
    );
    return { cpu, memory };
  }, [history.data, live.samples]);
  const s = live.latest;
  return (
    <>
      <ErrorMessage error={live.error || history.error} />
      {!s && !live.error && <Loading />}
      {s && (
        <>
          <div className="grid" style={{ marginBottom: 16 }}>
            <Stat
              label="CPU (this process)"
              value={pct100(s.cpu.process_percent)}
              sub={
                <>
                  machine {pct100(s.cpu.system_percent)} of {s.cpu.cores} core(s)
                </>
              }
            />
            <Stat label="Load average" value={s.cpu.load_average.map((l) => l.toFixed(1)).join(' · ')} sub="1, 5, 15 min" />
            <Stat
              label="Memory (this process)"
              value={formatBytes(s.memory.process.rss_bytes)}
              sub={<>heap {formatBytes(s.memory.process.heap_used_bytes)}</>}
            />
            <Stat
              label="Uptime"
              value={formatUptime(s.uptime_seconds)}
              sub={
                <>
                  {s.hostname} · pid {s.pid} · Node {s.node_version}
                </>
              }
            />
          </div>
          <section className="panel" aria-label="Capacity">
            <Gauge label="Machine memory" used={s.memory.system.used_bytes} max={s.memory.system.total_bytes} format={formatBytes} />
            <Gauge label={`Disk of ${s.disk.path}`} used={s.disk.used_bytes} max={s.disk.total_bytes} format={formatBytes} />
            <p className="muted small">{formatBytes(s.disk.available_bytes)} available to the server on that disk.</p>
          </section>
        </>
      )}
      <div className="grid-2" style={{ marginTop: 16 }}>
        <PointsChart title="CPU" points={charts.cpu} series={CPU} format={pct100} minMax={10} />
        <PointsChart title="Memory" points={charts.memory} series={MEMORY} format={formatBytes} minMax={1024 ** 2} />
      </div>
    </>
  );
}

function PerformanceTab() {
  const [page, setPage] = useState(1);
  const [resetting, setResetting] = useState(false);
  const [done, setDone] = useState('');
  const live = usePoll(
    (signal) =>
      api.get<'/api/v1/performance/overview', Ok<PerformanceOverview>>('/api/v1/performance/overview', { signal }).then((r) => r.data),
    POLL_MS,
  );
  const history = useHistory();
  const ops = useLoad(
    (signal) =>
      api.get<'/api/v1/performance/operations', Paged<OperationStats>>('/api/v1/performance/operations', {
        signal,
        query: { page, page_size: 50 },
      }),
    [page, live.samples.length],
  );
  const charts = useMemo(() => {
    const h = history.data ?? [];
    const pts = (f: (s: Snapshot) => (number | null)[], g: (o: PerformanceOverview) => (number | null)[]): Point[] =>
      mergePoints(
        h.map((s) => ({ t: at(s), v: f(s) })),
        live.samples.map(({ t, value }) => ({ t, v: g(value) })),
      );
    return {
      requests: pts(
        (s) => [s.s3_requests_per_second],
        (o) => [o.last_minute.requests_per_second],
      ),
      errors: pts(
        (s) => [s.s3_error_rate],
        (o) => [o.last_minute.error_rate],
      ),
      latency: pts(
        (s) => [s.s3_latency_p50_ms, s.s3_latency_p99_ms],
        (o) => [o.overall.p50_ms, o.overall.p99_ms],
      ),
    };
  }, [history.data, live.samples]);
  const o = live.latest;
  return (
    <>
      <div className="actions" style={{ marginBottom: 12 }}>
        <button type="button" className="btn" onClick={() => setResetting(true)}>
          Reset figures
        </button>
        {o && <span className="muted small">Figures since {formatDate(o.since)}</span>}
      </div>
      {done && <Success>{done}</Success>}
      <ErrorMessage error={live.error || history.error} />
      {!o && !live.error && <Loading />}
      {o && (
        <div className="grid" style={{ marginBottom: 16 }}>
          <Stat
            label="S3 requests"
            value={formatNumber(o.overall.count)}
            sub={<>{rps(o.last_minute.requests_per_second)} over the last minute</>}
          />
          <Stat
            label="Errors"
            value={formatNumber(o.overall.errors)}
            sub={
              <>
                {pct(o.overall.error_rate)} · {formatNumber(o.overall.server_errors)} server error(s)
              </>
            }
          />
          <Stat
            label="Latency p50 / p99"
            value={
              <>
                {ms(o.overall.p50_ms)} / {ms(o.overall.p99_ms)}
              </>
            }
            sub={<>max {ms(o.overall.max_ms)}</>}
          />
          <Stat label="Operations seen" value={formatNumber(o.operations)} sub={<>slowest: {o.slowest[0]?.operation ?? '—'}</>} />
        </div>
      )}
      <div className="grid-2" style={{ marginBottom: 16 }}>
        <PointsChart title="S3 requests per second" points={charts.requests} series={REQUESTS} format={rps} />
        <PointsChart title="S3 error rate" points={charts.errors} series={ERRORS} format={pct} minMax={0.01} />
        <PointsChart title="S3 latency" points={charts.latency} series={LATENCY} format={ms} minMax={10} />
      </div>
      <h2>Per operation</h2>
      <PagedTable
        list={ops}
        page={page}
        onPage={setPage}
        label="S3 operations"
        columns={[
          'Operation',
          { label: 'Requests', num: true },
          { label: 'Errors', num: true },
          { label: 'p50', num: true },
          { label: 'p90', num: true },
          { label: 'p99', num: true },
          { label: 'Max', num: true },
        ]}
        empty="No S3 request since the figures started."
        row={(r) => (
          <tr key={r.operation}>
            <td>
              <code>{r.operation}</code>
            </td>
            <td className="num">{formatNumber(r.count)}</td>
            <td className="num">
              {formatNumber(r.errors)} <span className="muted small">({pct(r.error_rate)})</span>
            </td>
            <td className="num">{ms(r.p50_ms)}</td>
            <td className="num">{ms(r.p90_ms)}</td>
            <td className="num">{ms(r.p99_ms)}</td>
            <td className="num">{ms(r.max_ms)}</td>
          </tr>
        )}
      />
      {resetting && (
        <Confirm
          title="Reset the performance figures"
          message="Counts and latencies start afresh; the Prometheus counters and the stored samples are kept."
          action="Reset"
          onConfirm={async () => {
            const r = await api.post<'/api/v1/performance/reset', Ok<{ since: string }>>('/api/v1/performance/reset');
            setDone(`Figures reset at ${formatDate(r.data.since)}`);
            ops.reload();
          }}
          onClose={() => setResetting(false)}
        />
      )}
    </>
  );
}

interface BucketStorage {
  bucket: string;
  tenant_name: string | null;
  objects: number;
  size_bytes: number;
}
interface TenantStorage {
  tenant_id: string | null;
  tenant_name: string | null;
  buckets: number;
  objects: number;
  size_bytes: number;
}
type StoragePage = Paged<BucketStorage> & { totals: { buckets: number; objects: number; size_bytes: number }; tenants: TenantStorage[] };

function StorageTab() {
  const [page, setPage] = useState(1);
  const list = useLoad(
    (signal) => api.get<'/api/v1/metrics/storage', StoragePage>('/api/v1/metrics/storage', { signal, query: { page, page_size: 100 } }),
    [page],
  );
  const t = list.data?.totals;
  return (
    <>
      {t && (
        <div className="grid" style={{ marginBottom: 16 }}>
          <Stat label="Stored" value={formatBytes(t.size_bytes)} />
          <Stat label="Objects" value={formatNumber(t.objects)} />
          <Stat label="Buckets" value={formatNumber(t.buckets)} />
        </div>
      )}
      {list.data && list.data.tenants.length > 0 && (
        <section className="panel" aria-label="Storage per tenant">
          <h2>Per tenant</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Tenant</th>
                  <th className="num">Buckets</th>
                  <th className="num">Objects</th>
                  <th className="num">Size</th>
                </tr>
              </thead>
              <tbody>
                {list.data.tenants.map((x) => (
                  <tr key={x.tenant_id ?? 'global'}>
                    <td>{x.tenant_name ?? <span className="muted">no tenant</span>}</td>
                    <td className="num">{formatNumber(x.buckets)}</td>
                    <td className="num">{formatNumber(x.objects)}</td>
                    <td className="num">{formatBytes(x.size_bytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <h2>Per bucket</h2>
      <PagedTable
        list={list}
        page={page}
        onPage={setPage}
        label="Storage per bucket"
        columns={['Bucket', 'Tenant', { label: 'Objects', num: true }, { label: 'Size', num: true }]}
        empty="No buckets yet."
        row={(b) => (
          <tr key={b.bucket}>
            <td>{b.bucket}</td>
            <td>{b.tenant_name ?? <span className="muted">—</span>}</td>
            <td className="num">{formatNumber(b.objects)}</td>
            <td className="num">{formatBytes(b.size_bytes)}</td>
          </tr>
        )}
      />
    </>
  );
}

/** System, S3 performance and storage figures of this server, live while the page is open. */
export default function MonitoringPage() {
  const [tab, setTab] = useState<Tab>('system');
  return (
    <>
      <PageHeader title="Monitoring" subtitle="Live figures of this server (refreshed every 5 s) over the samples it stores." />
      <Tabs label="Monitoring views" tabs={TABS} value={tab} onChange={setTab} />
      {tab === 'system' && <SystemTab />}
      {tab === 'performance' && <PerformanceTab />}
      {tab === 'storage' && <StorageTab />}
    </>
  );
}
