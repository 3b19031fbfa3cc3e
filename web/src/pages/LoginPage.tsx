import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../api/client';
import type { OidcProvider, Ok, Session } from '../api/types';
import { useAuth } from '../auth/auth';
import { ErrorMessage, Field } from '../components/ui';
import { safeNext } from '../lib/session';

export function LoginPage() {
  const { user, loading, signIn, ended, ssoError } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<'password' | 'totp'>('password');
  const [backup, setBackup] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [providers, setProviders] = useState<OidcProvider[]>([]);

  useEffect(() => {
    api.get<'/api/v1/auth/oauth/providers', Ok<OidcProvider[]>>('/api/v1/auth/oauth/providers').then(
      (r) => setProviders(r.data),
      () => setProviders([]),
    );
  }, []);

  if (loading) return null;
  if (user) return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<'/api/v1/auth/login', Ok<Session>>('/api/v1/auth/login', {
        body: { username, password, ...(step === 'totp' ? { totp_code: code.replace(/\s+/g, '') } : {}) },
      });
      signIn(r.data);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TwoFactorRequired') {
        setStep('totp');
        setError(null);
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const sso = async (p: OidcProvider) => {
    setError(null);
    try {
      const r = await api.post<'/api/v1/auth/oauth/login', Ok<{ authorization_url: string }>>('/api/v1/auth/oauth/login', {
        body: { provider: p.id, return_to: next },
      });
      window.location.assign(r.data.authorization_url);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="login-wrap">
      <main className="login-card" aria-labelledby="login-title">
        <h1 id="login-title">Object Store console</h1>
        {ended === 'expired' && (
          <div className="alert alert-info" role="status">
            Your session has ended. Log in again to go back to the page you were on.
          </div>
        )}
        {ended === 'logged-out' && (
          <div className="alert alert-info" role="status">
            You are logged out.
          </div>
        )}
        {ssoError && (
          <div className="alert alert-error" role="alert">
            Single sign-on failed: {ssoError}
          </div>
        )}
        <form onSubmit={submit} noValidate>
          {step === 'password' ? (
            <>
              <Field label="Username" hint="The root account logs in with its access key as username and its secret key as password.">
                {(id) => (
                  <input
                    id={id}
                    name="username"
                    autoComplete="username"
                    required
                    autoFocus
                    value={username}
                    onChange={(e) => setUsername(e.target.value)}
                  />
                )}
              </Field>
              <Field label="Password">
                {(id) => (
                  <input
                    id={id}
                    name="password"
                    type="password"
                    autoComplete="current-password"
                    required
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                  />
                )}
              </Field>
            </>
          ) : (
            <>
              <p>
                Two-factor authentication is on for <strong>{username}</strong>.{' '}
                {backup ? 'Enter one of your unused backup codes.' : 'Enter the 6-digit code from your authenticator app.'}
              </p>
              <Field label={backup ? 'Backup code' : 'Authentication code'}>
                {(id) => (
                  <input
                    id={id}
                    name="totp_code"
                    autoComplete="one-time-code"
                    inputMode={backup ? 'text' : 'numeric'}
                    autoFocus
                    required
                    value={code}
                    onChange={(e) => setCode(e.target.value)}
                  />
                )}
              </Field>
              <button type="button" className="link-button" onClick={() => setBackup(!backup)}>
                {backup ? 'Use an authenticator code instead' : 'Use a backup code instead'}
              </button>
            </>
          )}
          <ErrorMessage error={error} />
          <div className="login-actions">
            {step === 'totp' && (
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setStep('password');
                  setCode('');
                  setError(null);
                }}
              >
                Back
              </button>
            )}
            <button type="submit" className="btn btn-primary" disabled={busy || !username || !password || (step === 'totp' && !code)}>
              {busy ? 'Logging in…' : step === 'totp' ? 'Verify' : 'Log in'}
            </button>
          </div>
        </form>
        {providers.length > 0 && step === 'password' && (
          <div className="sso">
            <div className="divider">
              <span>or</span>
            </div>
            {providers.map((p) => (
              <button key={p.id} type="button" className="btn btn-block" onClick={() => sso(p)}>
                Log in with {p.display_name || p.name}
              </button>
            ))}
          </div>
        )}
      </main>
    </div>
  );
}
