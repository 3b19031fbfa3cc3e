import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/** Label of console requests that matched no route (the raw path would make labels unbounded). */
export const UNMATCHED_ENDPOINT = 'unmatched';

/**
 * Counts console API requests in maxiofs_api_requests_total{method, endpoint} once answered. The
 * endpoint is the matched route's pattern (/api/v1/users/:id), which Express leaves on req.route.
 */
@Injectable()
export class ApiRequestsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const r = req as Request & { route?: { path?: unknown } };
    // Nest mounts this middleware as a route of its own: a request that no handler matched keeps that one.
    const own = r.route;
    res.once('finish', () => {
      const route = r.route;
      const endpoint = route && route !== own && typeof route.path === 'string' ? route.path : UNMATCHED_ENDPOINT;
      this.metrics.recordApiRequest(req.method, endpoint);
    });
    next();
  }
}
