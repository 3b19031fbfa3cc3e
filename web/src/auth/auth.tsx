import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, rawRequest, setTransport } from '../api/client';
import type { Ok, Session, User } from '../api/types';
import { refreshDelay, withoutTicket } from '../lib/session';

const STORAGE_KEY = 'os-console-session';

interface Stored {
  token: string;
  expires_at: string;
  expires_in: number;
}

export interface AuthState {
  /** Still checking a stored session or an SSO ticket. */
  loading: boolean;
  user: User | null;
  /** Why the last session ended ("expired", "logged-out"), for the login page. */
  ended: string | null;
  /** An SSO ticket that could not be exchanged: the API's words. */
  ssoError: string | null;
  signIn(session: Session): void;
  signOut(): Promise<void>;
  reloadUser(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

function readStored(): Stored | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Stored | null;
    return s && s.token && Date.parse(s.expires_at) > Date.now() ? s : null;
  } catch {
    return null;
  }
}

/**
 * The session: the token lives in sessionStorage (this tab); it is renewed a minute before it
 * expires when the person used the page since the last renewal, and otherwise allowed to expire —
 * then the next API call answers 401 and the app goes to /login?next=<this page>.
 */
export function AuthProvider({ children, onExpired }: { children: ReactNode; onExpired: () => void }) {
  const stored = useRef<Stored | null>(readStored());
  // Read before any child route redirects (e.g. /console/ → /) can drop the query string.
  const ssoTicket = useRef(new URLSearchParams(window.location.search).get('sso_ticket'));
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);
  const [ended, setEnded] = useState<string | null>(null);
  const [ssoError, setSsoError] = useState<string | null>(null);
  const active = useRef(false);
  const timer = useRef<number | undefined>(undefined);
  const expiredRef = useRef(onExpired);
  expiredRef.current = onExpired;

  const clear = useCallback((reason: string | null) => {
    stored.current = null;
    sessionStorage.removeItem(STORAGE_KEY);
    window.clearTimeout(timer.current);
    setUser(null);
    setEnded(reason);
  }, []);

  const schedule = useCallback(() => {
    window.clearTimeout(timer.current);
    const s = stored.current;
    if (!s) return;
    timer.current = window.setTimeout(
      async () => {
        if (!stored.current) return;
        if (!active.current) return; // idle: let it expire
        active.current = false;
        try {
          const r = await api.post<'/api/v1/auth/refresh', Ok<Session>>('/api/v1/auth/refresh');
          save(r.data);
        } catch {
          // the next call will say 401 and send the person to the login page
        }
      },
      refreshDelay(s.expires_at, Date.now(), s.expires_in),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const save = useCallback(
    (s: Session) => {
      stored.current = { token: s.token, expires_at: s.expires_at, expires_in: s.expires_in };
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(stored.current));
      setUser(s.user);
      setEnded(null);
      schedule();
    },
    [schedule],
  );

  useEffect(() => {
    setTransport({
      token: () => stored.current?.token ?? null,
      onUnauthorized: () => {
        if (!stored.current) return;
        clear('expired');
        expiredRef.current();
      },
    });
    const mark = () => {
      active.current = true;
    };
    window.addEventListener('pointerdown', mark);
    window.addEventListener('keydown', mark);
    (async () => {
      const ticket = ssoTicket.current;
      ssoTicket.current = null;
      if (ticket) {
        // The SSO flow lands here (return_to?sso_ticket=…): exchange the ticket once, then drop it from the URL.
        try {
          const r = await rawRequest<Ok<Session>>('GET', `/api/v1/auth/oauth/complete?ticket=${encodeURIComponent(ticket)}`);
          save(r.data);
        } catch (err) {
          setSsoError(err instanceof ApiError ? err.message : String(err));
        }
        window.history.replaceState(null, '', withoutTicket(window.location.pathname, window.location.search));
      } else if (stored.current) {
        try {
          const r = await api.get<'/api/v1/auth/me', Ok<User>>('/api/v1/auth/me');
          setUser(r.data);
          schedule();
        } catch {
          clear(null);
        }
      }
      setLoading(false);
    })();
    return () => {
      window.removeEventListener('pointerdown', mark);
      window.removeEventListener('keydown', mark);
      window.clearTimeout(timer.current);
    };
  }, [clear, save, schedule]);

  const value = useMemo<AuthState>(
    () => ({
      loading,
      user,
      ended,
      ssoError,
      signIn: save,
      signOut: async () => {
        try {
          await api.post('/api/v1/auth/logout');
        } catch {
          // already invalid: logged out either way
        }
        clear('logged-out');
      },
      reloadUser: async () => {
        const r = await api.get<'/api/v1/auth/me', Ok<User>>('/api/v1/auth/me');
        setUser(r.data);
      },
    }),
    [loading, user, ended, ssoError, save, clear],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
