import { useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { Ok } from '../api/types';
import { ErrorMessage, Field, useAction } from './ui';

interface Outcome {
  sent?: boolean;
  written?: boolean;
  ok?: boolean;
  error?: string;
  [k: string]: unknown;
}

/** What a test answered, in words: the server tries for real and says what happened (200 even when the target is down). */
export function describeOutcome(r: Outcome): { ok: boolean; text: string } {
  if (r.written !== undefined)
    return { ok: !!r.written, text: r.written ? `Wrote ${r.bytes} bytes to ${r.path}` : `Not written to ${r.path}` };
  const where = r.url ? String(r.url) : `${r.protocol}://${r.host}:${r.port}`;
  if (!r.sent) return { ok: false, text: `Not delivered to ${where}: ${r.error ?? 'no answer'}` };
  if (r.status !== undefined && r.ok === false) return { ok: false, text: `${where} answered ${r.status} ${r.status_text ?? ''}`.trim() };
  const status = r.status !== undefined ? ` (${r.status} ${r.status_text ?? ''})`.replace(/ \)$/, ')') : '';
  return { ok: true, text: `Sent to ${where}${status} in ${r.duration_ms} ms` };
}

function Target({ title, hint, fields, send }: { title: string; hint: ReactNode; fields: ReactNode; send: () => Promise<Outcome> }) {
  const { busy, error, run } = useAction();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <form
      className="panel"
      aria-label={`${title} log target`}
      onSubmit={(e) => {
        e.preventDefault();
        setResult(null);
        run(async () => setResult(describeOutcome(await send())));
      }}
    >
      <h3>{title}</h3>
      <p className="muted small">{hint}</p>
      <div className="filters">{fields}</div>
      <button type="submit" className="btn btn-small" disabled={busy}>
        {busy ? 'Sending…' : `Send a test line`}
      </button>
      {result && (
        <div className={`alert ${result.ok ? 'alert-success' : 'alert-error'}`} role="status">
          {result.text}
        </div>
      )}
      <ErrorMessage error={error} />
    </form>
  );
}

/**
 * The log targets of the Logging settings, each with a test that really sends one line (POST
 * /api/v1/logging/test-*). Empty fields: the server uses the saved settings.
 */
export function LogTargets() {
  const [host, setHost] = useState('');
  const [port, setPort] = useState('');
  const [protocol, setProtocol] = useState<'' | 'udp' | 'tcp'>('');
  const [url, setUrl] = useState('');
  const [path, setPath] = useState('');
  const data = <T,>(p: Promise<Ok<T>>) => p.then((r) => r.data);
  return (
    <section aria-labelledby="log-targets-title" style={{ marginTop: 16 }}>
      <h2 id="log-targets-title">Log targets</h2>
      <p className="muted">Test a target before turning it on. Leave a field empty to test the saved setting.</p>
      <div className="grid-2">
        <Target
          title="Syslog"
          hint="One RFC 5424 line over UDP, or TCP with octet counting."
          fields={
            <>
              <Field label="Syslog host">{(id) => <input id={id} value={host} onChange={(e) => setHost(e.target.value)} />}</Field>
              <Field label="Syslog port">
                {(id) => <input id={id} type="number" min={1} max={65535} value={port} onChange={(e) => setPort(e.target.value)} />}
              </Field>
              <Field label="Protocol">
                {(id) => (
                  <select id={id} value={protocol} onChange={(e) => setProtocol(e.target.value as '' | 'udp' | 'tcp')}>
                    <option value="">saved setting</option>
                    <option value="udp">udp</option>
                    <option value="tcp">tcp</option>
                  </select>
                )}
              </Field>
            </>
          }
          send={() =>
            data(
              api.post<'/api/v1/logging/test-syslog', Ok<Outcome>>('/api/v1/logging/test-syslog', {
                body: { ...(host ? { host } : {}), ...(port ? { port: Number(port) } : {}), ...(protocol ? { protocol } : {}) },
              }),
            )
          }
        />
        <Target
          title="HTTP"
          hint="POSTs one JSON log line and reports the status the endpoint answers."
          fields={
            <Field label="HTTP log URL">
              {(id) => (
                <input
                  id={id}
                  type="url"
                  placeholder="https://logs.example.com/ingest"
                  value={url}
                  onChange={(e) => setUrl(e.target.value)}
                />
              )}
            </Field>
          }
          send={() => data(api.post<'/api/v1/logging/test-http', Ok<Outcome>>('/api/v1/logging/test-http', { body: url ? { url } : {} }))}
        />
        <Target
          title="File"
          hint="Appends one JSON line to a file under the data directory's logs/ folder."
          fields={
            <Field label="Log file path">
              {(id) => <input id={id} placeholder="server.log" value={path} onChange={(e) => setPath(e.target.value)} />}
            </Field>
          }
          send={() => data(api.post<'/api/v1/logging/test-file', Ok<Outcome>>('/api/v1/logging/test-file', { body: path ? { path } : {} }))}
        />
      </div>
    </section>
  );
}
