import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AuthError } from '../../auth/auth.errors';
import { DomainError } from '../../common/domain-error';
import type { UserRole } from '../../iam/entities/user.entity';
import { AUDIT_KEY, CONSOLE_JWT_STRATEGY, PUBLIC_KEY, ROLES_KEY } from '../console.constants';
import type { ConsoleRequest, RouteAuditInfo } from '../http/console-request';

/**
 * Every console route: records how the route is audited, then (unless @Public()) verifies the
 * bearer token (ConsoleJwtStrategy) and the @Roles() of the route.
 */
@Injectable()
export class ConsoleAuthGuard extends AuthGuard(CONSOLE_JWT_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<ConsoleRequest>();
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true;
    req.consoleRoute = {
      audit: this.reflector.getAllAndOverride<RouteAuditInfo['audit']>(AUDIT_KEY, targets),
      params: { ...(req.params as Record<string, string>) },
      isPublic,
    };
    if (isPublic) return true;
    await super.canActivate(ctx);
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(req.user!.role)) {
      throw new DomainError('AccessDenied', `This action needs the role ${roles.join(' or ')}`);
    }
    return true;
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false, info: unknown): TUser {
    if (err) throw err;
    if (user) return user;
    // passport-jwt reports jsonwebtoken's errors as `info` (compared by name: it may hold its own copy of the library).
    if (info instanceof Error && info.name === 'TokenExpiredError') throw new AuthError('TokenExpired', 'Token expired');
    const noToken = info instanceof Error && info.message === 'No auth token';
    throw new AuthError('Unauthenticated', noToken ? 'Authentication required: Authorization: Bearer <token>' : 'Invalid token');
  }
}
