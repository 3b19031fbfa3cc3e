import type { EventOrigin } from '../../events/event-record';
import type { Request } from 'express';
import type { ConsolePrincipal } from '../../auth/auth.types';

/** How a matched console route wants to be audited (set by ConsoleAuthGuard before authentication). */
export interface RouteAuditInfo {
  /** From @Audit(); undefined = derived from the method and path; false = @NoAudit(). */
  audit?: { resourceType: string; action: string } | false;
  /** Route parameters, captured while the route matched. */
  params: Record<string, string>;
  /** @Public(): a 401 there is a failed login, not a refused token. */
  isPublic: boolean;
}

/** Facts a handler adds to its request's audit record (e.g. who just logged in). */
export interface AuditNote {
  userId?: string;
  username?: string;
  tenantId?: string | null;
  resourceName?: string;
  details?: Record<string, unknown>;
}

/** An Express request on the console API, with what the console middleware and guards attach. */
export interface ConsoleRequest extends Request {
  /** Set by the JWT guard on authenticated routes. */
  user?: ConsolePrincipal;
  requestId?: string;
  startedAt?: number;
  consoleRoute?: RouteAuditInfo;
  auditNote?: AuditNote;
}

/** The client's address: the socket peer (Express's req.ip), IPv4-mapped IPv6 shown as IPv4. */
export function clientIp(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** Adds facts to the request's audit record. */
export function noteAudit(req: Request, note: AuditNote): void {
  const r = req as ConsoleRequest;
  r.auditNote = { ...r.auditNote, ...note, details: { ...r.auditNote?.details, ...note.details } };
}

/** The request's facts for a bucket notification's record (the console has no x-amz-id-2). */
export function consoleEventOrigin(req: ConsoleRequest): EventOrigin {
  return { principalId: req.user?.userId ?? '', sourceIp: clientIp(req), requestId: req.requestId ?? '', hostId: '' };
}
