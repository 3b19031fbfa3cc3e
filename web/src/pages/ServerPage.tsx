import { useState } from 'react';
import { api, apiUrl, currentToken, responseError } from '../api/client';
import type { Ok } from '../api/types';
import { useAuth } from '../auth/auth';
import { Stat } from '../components/Stat';
import { Badge, CopyButton, ErrorMessage, Field, Loading, PageHeader, Success, useAction, useLoad } from '../components/ui';
import { isGlobalAdmin } from '../lib/access';
import { downloadBlob } from '../lib/csv';
import { formatBytes, formatNumber } from '../lib/format';
import { formatUptime } from '../lib/metrics';

interface ServerConfig {
  name: string;
  version: string;
  region: string;
  /** null when the S3 port was picked by the OS and S3_PUBLIC_URL is not set. */
  s3Endpoint: string | null;
  maintenanceMode: boolean;
  maintenanceMessage: string | null;
  auth: { passwordMinLength: number; sessionTtlSeconds: number; twoFactor: boolean; sso: boolean };
  limits: { maxObjectSizeBytes: number; consoleMaxBodyBytes: number };
  features: Record<string, boolean>;
}
interface Info {
  version: string;
  commit: string;
  mode: string;
  uptime: number;
  region: string;
}
interface Version {
  name: string;
  version: string;
  node_version: string;
}
interface Usage {
  buckets: { name: string; object_count: number; total_size: number }[];
  total_buckets: number;
  total_objects: number;
  total_size: number;
}

/** A feature flag's key in words: "bucketNotifications" → "bucket notifications". */
export function featureLabel(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The file name of a Content-Disposition header, or the fallback. */
export function dispositionName(header: string | null, fallback: string): string {
  const m = header ? /filename="?([^";]+)"?/i.exec(header) : null;
  return m ? m[1] : fallback;
}

/** Downloads an authenticated GET as a file (profiles are too large for JSON in the page). */
async function downloadWithToken(url: string, fallback: string): Promise<string> {
  const token = currentToken();
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw await responseError(res);
  const blob = await res.blob();
  const name = dispositionName(res.headers.get('content-disposition'), fallback);
  downloadBlob(name, blob);
  return `${name} (${formatBytes(blob.size)})`;
}

function Profiling() {
  const [seconds, setSeconds] = useState('10');
  const [done, setDone] = useState('');
  const cpu = useAction();
  const heap = useAction();
  return (
    <section className="panel" aria-labelledby="profiling-title">
      <h2 id="profiling-title">Profiling</h2>
      <p className="muted">
        A CPU profile opens in Chrome DevTools or speedscope; a heap snapshot in DevTools&apos; Memory tab. One profile runs at a time.
      </p>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setDone('');
          cpu.run(async () =>
            setDone(
              `Downloaded ${await downloadWithToken(apiUrl('/api/v1/profiling', undefined, { type: 'cpu', seconds }), 'cpu.cpuprofile')}`,
            ),
          );
        }}
      >
        <Field label="CPU profile length (seconds)" hint="1 to 30">
          {(id) => <input id={id} type="number" min={1} max={30} value={seconds} onChange={(e) => setSeconds(e.target.value)} />}
        </Field>
        <button type="submit" className="btn" disabled={cpu.busy || heap.busy}>
          {cpu.busy ? `Profiling for ${seconds} s…` : 'Record CPU profile'}
        </button>
        <button
          type="button"
          className="btn"
          disabled={cpu.busy || heap.busy}
          onClick={() => {
            setDone('');
            heap.run(async () =>
              setDone(
                `Downloaded ${await downloadWithToken(apiUrl('/api/v1/profiling', undefined, { type: 'heap' }), 'heap.heapsnapshot')}`,
              ),
            );
          }}
        >
          {heap.busy ? 'Taking heap snapshot…' : 'Download heap snapshot'}
        </button>
      </form>
      {done && <Success>{done}</Success>}
      <ErrorMessage error={cpu.error || heap.error} />
    </section>
  );
}

/** What this server is (version, region, S3 endpoint, features), what you store on it, and diagnostics for administrators. */
export default function ServerPage() {
  const { user } = useAuth();
  const about = useLoad(
    (signal) =>
      Promise.all([
        api.get<'/api/v1/config', Ok<ServerConfig>>('/api/v1/config', { signal }).then((r) => r.data),
        api.get<'/api/v1/info', Ok<Info>>('/api/v1/info', { signal }).then((r) => r.data),
        api.get<'/api/v1/version', Ok<Version>>('/api/v1/version', { signal }).then((r) => r.data),
      ]),
    [],
  );
  const usage = useLoad((signal) => api.get<'/api/v1/usage', Ok<Usage>>('/api/v1/usage', { signal }).then((r) => r.data), []);
  const [config, info, version] = about.data ?? [];
  return (
    <>
      <PageHeader title="About this server" subtitle="Version, endpoints and features; what you store here." />
      <ErrorMessage error={about.error} onRetry={about.reload} />
      {about.loading && !about.data && <Loading />}
      {config && info && version && (
        <>
          {config.maintenanceMode && (
            <div className="alert alert-info" role="status">
              <strong>Maintenance mode.</strong> {config.maintenanceMessage}
            </div>
          )}
          <div className="grid" style={{ marginBottom: 16 }}>
            <Stat
              label="Version"
              value={version.version}
              sub={
                <>
                  {version.name} · commit {info.commit} · Node {version.node_version}
                </>
              }
            />
            <Stat label="Mode" value={info.mode} sub={<>up {formatUptime(info.uptime)}</>} />
            <Stat label="Region" value={config.region} />
          </div>
          <section className="panel" aria-labelledby="endpoint-title">
            <h2 id="endpoint-title">S3 endpoint</h2>
            {config.s3Endpoint ? (
              <>
                <p>
                  <code data-testid="s3-endpoint">{config.s3Endpoint}</code> <CopyButton text={config.s3Endpoint} />
                </p>
                <p className="muted small">
                  Use it with any S3 client (path-style addressing), e.g. <code>aws --endpoint-url {config.s3Endpoint} s3 ls</code>, with an
                  access key from the Access keys page. Largest object: {formatBytes(config.limits.maxObjectSizeBytes)}.
                </p>
              </>
            ) : (
              <p className="muted" data-testid="s3-endpoint-unknown">
                Not known to the console: the S3 port was picked when the server started. An administrator can set S3_PUBLIC_URL to show it
                here.
              </p>
            )}
          </section>
          <section className="panel" aria-labelledby="features-title">
            <h2 id="features-title">Features</h2>
            <ul className="feature-list">
              {Object.entries(config.features).map(([k, on]) => (
                <li key={k}>
                  <Badge tone={on ? 'good' : 'neutral'}>{on ? 'on' : 'off'}</Badge> {featureLabel(k)}
                </li>
              ))}
              <li>
                <Badge tone={config.auth.twoFactor ? 'good' : 'neutral'}>{config.auth.twoFactor ? 'on' : 'off'}</Badge> two-factor login
              </li>
              <li>
                <Badge tone={config.auth.sso ? 'good' : 'neutral'}>{config.auth.sso ? 'on' : 'off'}</Badge> single sign-on
              </li>
            </ul>
            <p className="muted small">
              Sessions last {formatUptime(config.auth.sessionTtlSeconds)} and renew while you work; passwords need{' '}
              {config.auth.passwordMinLength} characters at least.
            </p>
          </section>
        </>
      )}
      <section className="panel" aria-labelledby="usage-title">
        <h2 id="usage-title">Your usage</h2>
        <ErrorMessage error={usage.error} onRetry={usage.reload} />
        {usage.data && (
          <p>
            {formatNumber(usage.data.total_buckets)} bucket(s), {formatNumber(usage.data.total_objects)} object(s),{' '}
            {formatBytes(usage.data.total_size)} in the buckets you can see.
          </p>
        )}
      </section>
      {isGlobalAdmin(user) && <Profiling />}
    </>
  );
}
