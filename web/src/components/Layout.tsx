import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { currentToken } from '../api/client';
import { useAuth } from '../auth/auth';
import { navFor, ROLE_LABEL } from '../lib/access';
import { describeEvent, type LiveEvent } from '../lib/notifications';
import { BellIcon, MenuIcon } from './icons';

/** Live notifications from GET /api/v1/notifications/stream (EventSource, token in the query). */
function useLiveEvents(enabled: boolean): LiveEvent[] {
  const [events, setEvents] = useState<LiveEvent[]>([]);
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const token = currentToken();
    if (!token) return;
    const es = new EventSource(`/api/v1/notifications/stream?token=${encodeURIComponent(token)}`);
    es.onmessage = (m) => {
      try {
        const e = JSON.parse(m.data) as LiveEvent;
        setEvents((prev) => [e, ...prev].slice(0, 50));
      } catch {
        // not an event
      }
    };
    return () => es.close();
  }, [enabled]);
  return events;
}

function Notifications() {
  const events = useLiveEvents(true);
  const [open, setOpen] = useState(false);
  const [seen, setSeen] = useState(0);
  const unseen = Math.max(0, events.length - seen);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  return (
    <div className="notif" ref={ref}>
      <button
        type="button"
        className="btn btn-ghost"
        aria-expanded={open}
        aria-label={`Notifications${unseen ? `, ${unseen} new` : ''}`}
        onClick={() => {
          setOpen(!open);
          setSeen(events.length);
        }}
      >
        <BellIcon />
        {unseen > 0 && <span className="notif-count">{unseen}</span>}
      </button>
      {open && (
        <div className="notif-panel" role="region" aria-label="Live notifications">
          {events.length === 0 ? (
            <p className="muted">No notifications since you opened the console.</p>
          ) : (
            <ul>
              {events.map((e) => (
                <li key={e.id}>
                  <span>{describeEvent(e)}</span>
                  <time className="muted small">{new Date(e.time).toLocaleTimeString()}</time>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="sr-only" aria-live="polite">
        {events[0] ? describeEvent(events[0]) : ''}
      </div>
    </div>
  );
}

export function Layout() {
  const { user, signOut } = useAuth();
  const loc = useLocation();
  const [menu, setMenu] = useState(false);
  useEffect(() => setMenu(false), [loc.pathname]);
  const items = navFor(user);
  const groups = [...new Set(items.map((i) => i.group))];
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="btn btn-ghost menu-toggle"
          aria-expanded={menu}
          aria-controls="sidenav"
          onClick={() => setMenu(!menu)}
        >
          <MenuIcon /> <span className="sr-only">Menu</span>
        </button>
        <NavLink to="/" className="brand">
          Object Store
        </NavLink>
        <div className="topbar-right">
          <Notifications />
          <span className="whoami" title={user?.tenant_name ? `tenant ${user.tenant_name}` : 'global'}>
            <strong>{user?.username}</strong>{' '}
            <span className="muted small">
              {user ? ROLE_LABEL[user.role] : ''}
              {user?.tenant_name ? ` · ${user.tenant_name}` : ''}
            </span>
          </span>
          <button type="button" className="btn btn-small" onClick={() => signOut()}>
            Log out
          </button>
        </div>
      </header>
      <nav id="sidenav" className={menu ? 'sidenav open' : 'sidenav'} aria-label="Main">
        {groups.map((g) => (
          <div key={g} className="nav-group">
            <div className="nav-group-title">{g}</div>
            <ul>
              {items
                .filter((i) => i.group === g)
                .map((i) => (
                  <li key={i.to}>
                    <NavLink to={i.to} end={i.to === '/'}>
                      {i.label}
                    </NavLink>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
