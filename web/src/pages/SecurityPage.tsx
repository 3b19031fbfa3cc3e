import { Link } from 'react-router';
import { api } from '../api/client';
import type { Ok } from '../api/types';
import { Badge, ErrorMessage, Gauge, Loading, PageHeader, useLoad } from '../components/ui';
import { formatDate } from '../lib/format';

interface Status {
  scope: string;
  two_factor: {
    total_users: number;
    with_2fa: number;
    adoption_percent: number;
    admins_without_2fa: number;
    users_without_2fa: { id: string; username: string; role: string }[];
  };
  locked_accounts: { id: string; username: string; locked_until: string }[];
  stale_access_keys: {
    threshold_days: number;
    count: number;
    keys: { access_key_id: string; username: string; last_used_at: string | null }[];
  };
  public_buckets: ({ name?: string; bucket?: string; reason?: string } | string)[];
  master_key?: { source: string };
  transport?: { note: string };
  root_credentials?: { source: string; default_in_use: boolean };
  maintenance_mode?: boolean;
  login_lockout?: { max_failures: number; lockout_seconds: number };
  findings: { severity: string; code: string; message: string }[];
}

const TONE: Record<string, 'bad' | 'warn' | 'info'> = { critical: 'bad', high: 'bad', medium: 'warn', low: 'info', info: 'info' };

export default function SecurityPage() {
  const s = useLoad(
    (signal) => api.get<'/api/v1/security/status', Ok<Status>>('/api/v1/security/status', { signal }).then((r) => r.data),
    [],
  );
  if (!s.data) return s.error ? <ErrorMessage error={s.error} onRetry={s.reload} /> : <Loading />;
  const d = s.data;
  return (
    <>
      <PageHeader title="Security" subtitle={d.scope === 'global' ? 'The whole server' : 'Your tenant'}>
        <button type="button" className="btn" onClick={s.reload}>
          Refresh
        </button>
      </PageHeader>
      <section className="panel" aria-labelledby="find-title">
        <h2 id="find-title">Findings</h2>
        {d.findings.length === 0 ? (
          <p>Nothing to report.</p>
        ) : (
          <ul>
            {d.findings.map((f) => (
              <li key={f.code} style={{ marginBottom: 6 }}>
                <Badge tone={TONE[f.severity] ?? 'info'}>{f.severity}</Badge> {f.message}
              </li>
            ))}
          </ul>
        )}
      </section>
      <div className="grid-2">
        <section className="panel" aria-labelledby="tfa-title">
          <h2 id="tfa-title">Two-factor adoption</h2>
          <Gauge label="Users with 2FA" used={d.two_factor.with_2fa} max={d.two_factor.total_users} format={(n) => String(n)} />
          {d.two_factor.users_without_2fa.length > 0 && (
            <p className="small">
              Without 2FA:{' '}
              {d.two_factor.users_without_2fa.map((u, i) => (
                <span key={u.id}>
                  {i > 0 && ', '}
                  <Link to={`/users/${encodeURIComponent(u.id)}`}>{u.username}</Link>
                </span>
              ))}
            </p>
          )}
        </section>
        <section className="panel" aria-labelledby="lock-title">
          <h2 id="lock-title">Locked accounts</h2>
          {d.login_lockout && (
            <p className="muted small">
              Accounts lock after {d.login_lockout.max_failures} failed logins for {Math.round(d.login_lockout.lockout_seconds / 60)} min.
            </p>
          )}
          {d.locked_accounts.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul>
              {d.locked_accounts.map((u) => (
                <li key={u.id}>
                  <Link to={`/users/${encodeURIComponent(u.id)}`}>{u.username}</Link> until {formatDate(u.locked_until)}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="stale-title">
          <h2 id="stale-title">Access keys unused for {d.stale_access_keys.threshold_days} days</h2>
          {d.stale_access_keys.count === 0 ? (
            <p>None.</p>
          ) : (
            <ul>
              {d.stale_access_keys.keys.map((k) => (
                <li key={k.access_key_id}>
                  <code>{k.access_key_id}</code> ({k.username}) last used {formatDate(k.last_used_at)}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="pub-title">
          <h2 id="pub-title">Public buckets</h2>
          {d.public_buckets.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul>
              {d.public_buckets.map((b, i) => {
                const name = typeof b === 'string' ? b : (b.name ?? b.bucket ?? '');
                return (
                  <li key={i}>
                    <Link to={`/buckets/${encodeURIComponent(name)}/settings`}>{name}</Link> {typeof b !== 'string' && b.reason}
                  </li>
                );
              })}
            </ul>
          )}
        </section>
        {d.master_key && (
          <section className="panel" aria-labelledby="srv-title">
            <h2 id="srv-title">Server</h2>
            <dl className="kv">
              <dt>Master key</dt>
              <dd>{d.master_key.source}</dd>
              {d.root_credentials && (
                <>
                  <dt>Root credentials</dt>
                  <dd>
                    {d.root_credentials.source}
                    {d.root_credentials.default_in_use ? ' (default in use!)' : ''}
                  </dd>
                </>
              )}
              <dt>Maintenance mode</dt>
              <dd>{d.maintenance_mode ? 'on' : 'off'}</dd>
              {d.transport && (
                <>
                  <dt>Transport</dt>
                  <dd>{d.transport.note}</dd>
                </>
              )}
            </dl>
          </section>
        )}
      </div>
    </>
  );
}
