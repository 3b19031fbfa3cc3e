import { useState } from 'react';
import { api } from '../api/client';
import type { Ok } from '../api/types';
import { useAuth } from '../auth/auth';
import { CopyButton, ErrorMessage, Field, Loading, PageHeader, Success, useAction, useLoad } from '../components/ui';
import { ROLE_LABEL } from '../lib/access';

interface Setup {
  secret: string;
  otpauth_url: string;
  qr_code: string;
}

function TwoFactor() {
  const status = useLoad(
    (signal) =>
      api
        .get<'/api/v1/auth/2fa/status', Ok<{ enabled: boolean; backup_codes_remaining: number }>>('/api/v1/auth/2fa/status', { signal })
        .then((r) => r.data),
    [],
  );
  const { reloadUser } = useAuth();
  const [setup, setSetup] = useState<Setup | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const { busy, error, run } = useAction();
  if (!status.data) return status.error ? <ErrorMessage error={status.error} /> : <Loading />;
  return (
    <section className="panel" aria-labelledby="tfa-title">
      <h2 id="tfa-title">Two-factor authentication</h2>
      <ErrorMessage error={error} />
      {codes && (
        <div className="secret-box" role="status">
          <strong>Your backup codes — each works once, shown only now:</strong>
          <ul className="codes" data-testid="backup-codes">
            {codes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          <CopyButton text={codes.join('\n')} label="Copy the codes" />
        </div>
      )}
      {status.data.enabled ? (
        <>
          <p>
            2FA is <strong>on</strong>. {status.data.backup_codes_remaining} backup code(s) left.
          </p>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              run(async () => {
                await api.post('/api/v1/auth/2fa/disable', { body: { code } });
                setCode('');
                setCodes(null);
                status.reload();
                reloadUser();
              });
            }}
          >
            <Field label="Code (authenticator or backup)">
              {(id) => <input id={id} value={code} onChange={(e) => setCode(e.target.value)} autoComplete="one-time-code" />}
            </Field>
            <button type="submit" className="btn" disabled={busy || !code}>
              Turn 2FA off
            </button>
            <button
              type="button"
              className="btn"
              disabled={busy}
              onClick={() =>
                run(
                  async () => (
                    setCodes(
                      (await api.post<'/api/v1/auth/2fa/backup-codes', Ok<{ backup_codes: string[] }>>('/api/v1/auth/2fa/backup-codes'))
                        .data.backup_codes,
                    ),
                    status.reload()
                  ),
                )
              }
            >
              New backup codes
            </button>
          </form>
        </>
      ) : setup ? (
        <>
          <ol>
            <li>Scan this code with an authenticator app (or type the secret).</li>
            <li>Enter the 6-digit code it shows.</li>
          </ol>
          <div className="qr">
            <img src={setup.qr_code} alt={`QR code for ${setup.otpauth_url}`} />
          </div>
          <p>
            Secret: <code data-testid="totp-secret">{setup.secret}</code> <CopyButton text={setup.secret} />
          </p>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              run(async () => {
                const r = await api.post<'/api/v1/auth/2fa/verify', Ok<{ backup_codes: string[] }>>('/api/v1/auth/2fa/verify', {
                  body: { code: code.trim() },
                });
                setCodes(r.data.backup_codes);
                setSetup(null);
                setCode('');
                status.reload();
                reloadUser();
              });
            }}
          >
            <Field label="Code from the app">
              {(id) => (
                <input id={id} inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
              )}
            </Field>
            <button type="submit" className="btn btn-primary" disabled={busy || !code}>
              Turn 2FA on
            </button>
          </form>
        </>
      ) : (
        <>
          <p>2FA is off. With it on, logging in also asks for a code from your phone.</p>
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            onClick={() => run(async () => setSetup((await api.post<'/api/v1/auth/2fa/setup', Ok<Setup>>('/api/v1/auth/2fa/setup')).data))}
          >
            Set up 2FA
          </button>
        </>
      )}
    </section>
  );
}

export default function ProfilePage() {
  const { user } = useAuth();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState('');
  const { busy, error, run } = useAction();
  if (!user) return null;
  return (
    <>
      <PageHeader
        title="My account"
        subtitle={`${user.username} · ${ROLE_LABEL[user.role]}${user.tenant_name ? ` · tenant ${user.tenant_name}` : ''}`}
      />
      <div className="grid-2">
        <TwoFactor />
        <section className="panel" aria-labelledby="pw-title">
          <h2 id="pw-title">Password</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              run(async () => {
                await api.put('/api/v1/users/{id}/password', {
                  path: { id: user.id },
                  body: { current_password: current, new_password: next },
                });
                setCurrent('');
                setNext('');
                setDone('Password changed');
              });
            }}
          >
            <Field label="Current password">
              {(id) => (
                <input
                  id={id}
                  type="password"
                  autoComplete="current-password"
                  value={current}
                  onChange={(e) => setCurrent(e.target.value)}
                />
              )}
            </Field>
            <Field label="New password">
              {(id) => <input id={id} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />}
            </Field>
            <ErrorMessage error={error} />
            {done && <Success>{done}</Success>}
            <button type="submit" className="btn btn-primary" disabled={busy || !next}>
              Change password
            </button>
          </form>
        </section>
      </div>
    </>
  );
}
