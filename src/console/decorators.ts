import { applyDecorators, Controller, createParamDecorator, ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../auth/auth.types';
import type { UserRole } from '../iam/entities/user.entity';
import { AUDIT_KEY, CONSOLE_PREFIX, PUBLIC_KEY, ROLES_KEY } from './console.constants';
import { ConsoleAuthGuard } from './guards/console-auth.guard';
import type { ConsoleRequest } from './http/console-request';

/**
 * A console controller: routes under /api/v1/<path>, bearer-token authentication on every route
 * (unless @Public()), a Swagger tag. Errors become the console's JSON error shape (global filter),
 * bodies and queries are validated (global ValidationPipe), and every action is audited.
 */
export function ConsoleController(path: string, tag: string): ClassDecorator {
  const full = path ? `${CONSOLE_PREFIX}/${path}` : CONSOLE_PREFIX;
  return applyDecorators(Controller(full), UseGuards(ConsoleAuthGuard), ApiTags(tag), ApiBearerAuth());
}

/** The route needs no token (login, version, health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only callers with one of these roles pass (403 otherwise). Finer checks (tenant, self) are in ConsoleAccess. */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES_KEY, roles);

/** Names the audit record of this route: event_type `<resourceType>.<action>`. Also audits a GET, which is otherwise not recorded when it succeeds. */
export const Audit = (resourceType: string, action: string) => SetMetadata(AUDIT_KEY, { resourceType, action });

/** This route writes no audit record (e.g. a read polled by dashboards). */
export const NoAudit = () => SetMetadata(AUDIT_KEY, false);

/** The authenticated caller (a ConsolePrincipal, which is also an iam Principal for feature services). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): ConsolePrincipal => {
  const user = ctx.switchToHttp().getRequest<ConsoleRequest>().user;
  if (!user) throw new Error('@CurrentPrincipal() on a route without authentication');
  return user;
});
