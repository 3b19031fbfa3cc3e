import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { AuditService, AuditStatus } from '../../audit/audit.service';
import { CONSOLE_MOUNT } from '../console.constants';
import { clientIp, ConsoleRequest } from './console-request';

const VERB_ACTION: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete', GET: 'read' };
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 2xx/3xx: success; refused (401 for a token, 403, 429): denied; anything else, e.g. a wrong password (401 on a public route): failure. */
export function auditStatusOf(httpStatus: number, isPublic = false): AuditStatus {
  if (httpStatus < 400) return 'success';
  if (httpStatus === 401) return isPublic ? 'failure' : 'denied';
  return httpStatus === 403 || httpStatus === 429 ? 'denied' : 'failure';
}

/** The singular resource of a path: /api/v1/access-keys/… → access_key. */
function resourceOfPath(path: string): string {
  const first = path.slice(CONSOLE_MOUNT.length).split('/').filter(Boolean)[0] ?? 'console';
  return first.replace(/-/g, '_').replace(/ies$/, 'y').replace(/s$/, '');
}

/**
 * Writes the audit record of a console request once its response is finished, so that every
 * outcome is seen, including refusals by a guard (401, 403, 429) that no interceptor would see.
 * Recorded: every non-read request, every refused request, and reads marked with @Audit().
 */
@Injectable()
export class ConsoleAuditTrail {
  constructor(private readonly audit: AuditService) {}

  /** Call when the response of a console request has been sent (or the connection closed). */
  record(req: ConsoleRequest, res: Response): void {
    const route = req.consoleRoute;
    if (!route || route.audit === false) return; // unknown route (404) or @NoAudit()
    const status = auditStatusOf(res.statusCode, route.isPublic);
    if (READS.has(req.method) && route.audit === undefined && status !== 'denied') return;
    const path = (req.originalUrl ?? req.url).split('?')[0];
    const resourceType = route.audit ? route.audit.resourceType : resourceOfPath(path);
    const action = route.audit ? route.audit.action : (VERB_ACTION[req.method] ?? req.method.toLowerCase());
    const note = req.auditNote ?? {};
    const p = req.user;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const bodyName = typeof body.username === 'string' ? body.username : typeof body.name === 'string' ? body.name : undefined;
    const firstParam = Object.values(route.params)[0];
    const details: Record<string, unknown> = {
      method: req.method,
      path,
      status_code: res.statusCode,
      ...(typeof res.locals.errorCode === 'string' ? { error_code: res.locals.errorCode } : {}),
      ...(req.startedAt !== undefined ? { duration_ms: Date.now() - req.startedAt } : {}),
      ...note.details,
    };
    this.audit.record({
      tenantId: note.tenantId !== undefined ? note.tenantId : (p?.tenantId ?? null),
      userId: note.userId ?? p?.userId ?? null,
      // A refused login has no principal: the name it tried is what the trail can tell.
      username: note.username ?? p?.username ?? (typeof body.username === 'string' ? body.username : null),
      sourceIp: clientIp(req),
      userAgent: req.get('user-agent') ?? null,
      eventType: `${resourceType}.${action}`,
      resourceType,
      resourceName: note.resourceName ?? firstParam ?? bodyName ?? null,
      action,
      status,
      requestId: req.requestId ?? null,
      details,
    });
  }
}
