import { ExecutionContext, Injectable } from '@nestjs/common';
import type { ConsoleRequest } from '../http/console-request';
import { ConsoleAuthGuard } from './console-auth.guard';

/** The query parameter that may carry the bearer token on the SSE stream. */
export const SSE_TOKEN_PARAM = 'token';

/**
 * ConsoleAuthGuard for the notification stream: a browser's EventSource cannot send an
 * Authorization header, so the token may also come as `?token=`. Only this route accepts it (a
 * token in a URL can end up in proxy logs); the header wins when both are present.
 */
@Injectable()
export class SseAuthGuard extends ConsoleAuthGuard {
  override getRequest(ctx: ExecutionContext): ConsoleRequest {
    const req = ctx.switchToHttp().getRequest<ConsoleRequest>();
    const token = req.query?.[SSE_TOKEN_PARAM];
    if (req.headers.authorization === undefined && typeof token === 'string' && token !== '') {
      req.headers.authorization = `Bearer ${token}`;
    }
    return req;
  }
}
