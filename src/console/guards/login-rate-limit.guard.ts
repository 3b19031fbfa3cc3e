import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AuthError } from '../../auth/auth.errors';
import { RateLimiter } from '../../auth/rate-limiter';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { clientIp, ConsoleRequest } from '../http/console-request';

/** The per-IP budget of login attempts (LOGIN_RATE_LIMIT per LOGIN_RATE_WINDOW_SECONDS), shared by every guarded route. */
@Injectable()
export class LoginThrottle {
  readonly limiter: RateLimiter;
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.limiter = new RateLimiter(config.loginRateLimit, config.loginRateWindowMs);
  }
}

/** Refuses a client IP past its login budget: 429 with Retry-After. On login and on code validation. */
@Injectable()
export class LoginRateLimitGuard implements CanActivate {
  constructor(private readonly throttle: LoginThrottle) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<ConsoleRequest>();
    const wait = this.throttle.limiter.hit(clientIp(req), Date.now());
    if (wait > 0)
      throw new AuthError('TooManyRequests', 'Too many login attempts from this address; try again later', { retry_after: wait }, wait);
    return true;
  }
}
