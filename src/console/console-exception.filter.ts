import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { CONSOLE_MOUNT } from './console.constants';
import { ConsoleRequest } from './http/console-request';
import { toConsoleError } from './http/console-errors';

/** True for a path of the console API (/api/v1 and below). */
export const isConsolePath = (url: string): boolean =>
  url === CONSOLE_MOUNT || url.startsWith(`${CONSOLE_MOUNT}/`) || url.startsWith(`${CONSOLE_MOUNT}?`);

/**
 * Registered globally (APP_FILTER): on /api/v1 every error, including an unknown route, becomes
 * the console's JSON error shape; elsewhere (/health, /ready, /metrics) Nest's default handling stays.
 */
@Catch()
export class ConsoleExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(ConsoleExceptionFilter.name);

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return super.catch(exception, host);
    const req = host.switchToHttp().getRequest<ConsoleRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    if (!isConsolePath(req.originalUrl ?? req.url)) return super.catch(exception, host);
    writeConsoleError(exception, req, res, this.logger);
  }
}

/** Writes an error as the console's JSON (shared with the Express body-parser error handler). */
export function writeConsoleError(exception: unknown, request: Request, res: Response, logger: Logger): void {
  const req = request as ConsoleRequest;
  const out = toConsoleError(exception, req.requestId);
  if (!out.known) {
    const err = exception instanceof Error ? exception : new Error(String(exception));
    logger.error(`${req.method} ${req.originalUrl} [${req.requestId ?? '-'}]: ${err.message}`, err.stack);
  }
  res.locals.errorCode = out.body.code;
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(out.status).set(out.headers).json(out.body);
}
