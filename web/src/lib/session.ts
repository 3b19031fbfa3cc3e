/** Session timing and the after-login destination. */

/** Milliseconds until the token should be renewed: a minute before it expires (half its life when short), never below 5 s. */
export function refreshDelay(expiresAt: string | number, now: number, lifetimeSeconds?: number): number {
  const exp = typeof expiresAt === 'number' ? expiresAt : Date.parse(expiresAt);
  const left = exp - now;
  const margin = Math.min(60_000, ((lifetimeSeconds ?? left / 1000) * 1000) / 2);
  return Math.max(5_000, left - margin);
}

/** A `next` parameter made safe: only a path of this app (no scheme, no host, not the login page itself). */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/login/')) return '/';
  return next;
}

/** Strips sso_ticket from a location (after it has been exchanged), keeping the rest. */
export function withoutTicket(pathname: string, search: string): string {
  const q = new URLSearchParams(search);
  q.delete('sso_ticket');
  const s = q.toString();
  const path = pathname === '/console' || pathname.startsWith('/console/') ? pathname.slice('/console'.length) || '/' : pathname;
  return `${path}${s ? `?${s}` : ''}`;
}
