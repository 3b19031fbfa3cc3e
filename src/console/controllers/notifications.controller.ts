import { applyDecorators, Controller, Get, Logger, OnModuleDestroy, Req, Res, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Server } from 'node:http';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { NotificationBus } from '../../notifications/notification-bus';
import { canReceive, Notification } from '../../notifications/notification.types';
import { CONSOLE_PREFIX } from '../console.constants';
import { CurrentPrincipal, NoAudit } from '../decorators';
import { SSE_TOKEN_PARAM, SseAuthGuard } from '../guards/sse-auth.guard';
import type { ConsoleRequest } from '../http/console-request';

/** A comment line every 15 s keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;
/** How soon open streams notice the server is shutting down (so graceful shutdown need not wait for them). */
const SHUTDOWN_POLL_MS = 1_000;
/** EventSource reconnects after this long. */
const RETRY_MS = 3_000;

/** As @ConsoleController, with the guard that also takes `?token=` (EventSource sends no headers). */
const NotificationsConsoleController = (path: string) =>
  applyDecorators(Controller(`${CONSOLE_PREFIX}/${path}`), UseGuards(SseAuthGuard), ApiTags('notifications'), ApiBearerAuth());

interface OpenStream {
  res: Response;
  heartbeat: NodeJS.Timeout;
  close: () => void;
}

/**
 * GET /api/v1/notifications/stream: Server-Sent Events. Each event is one `data:` line with the
 * JSON `{id, type, time, tenant_id, data}` and an `id:` (a reconnecting EventSource sends it back
 * as Last-Event-ID and gets what it missed, of the last 200 events). Global admins receive every
 * event, tenant admins their tenant's, users those meant for everyone (see canReceive).
 */
@NotificationsConsoleController('notifications')
export class NotificationsController implements OnModuleDestroy {
  private readonly logger = new Logger(NotificationsController.name);
  private readonly open = new Set<OpenStream>();
  private shutdownWatch?: NodeJS.Timeout;

  constructor(
    private readonly bus: NotificationBus,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get('stream')
  @NoAudit()
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: SSE_TOKEN_PARAM, required: false, description: 'The bearer token, for clients that cannot send headers (EventSource)' })
  @ApiOperation({
    summary: 'Server-Sent Events: bucket created/deleted, user locked, quota near its limit, settings changed, maintenance mode',
  })
  stream(@CurrentPrincipal() p: ConsolePrincipal, @Req() req: ConsoleRequest, @Res() res: Response): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);

    const recipient = { role: p.role, tenantId: p.tenantId };
    const send = (n: Notification) => {
      if (canReceive(recipient, n)) res.write(toSse(n));
    };
    // Subscribe before the headers go out: once the client sees them, it misses nothing.
    const unsubscribe = this.bus.subscribe(send);
    res.flushHeaders();
    res.write(`retry: ${RETRY_MS}\n: connected\n\n`);
    const lastId = Number(req.get('last-event-id'));
    if (Number.isSafeInteger(lastId) && lastId > 0) for (const n of this.bus.since(lastId)) send(n);

    const stream: OpenStream = {
      res,
      heartbeat: setInterval(() => res.write(`: heartbeat ${new Date().toISOString()}\n\n`), HEARTBEAT_MS),
      close: () => {
        unsubscribe();
        clearInterval(stream.heartbeat);
        this.open.delete(stream);
        if (this.open.size === 0 && this.shutdownWatch) {
          clearInterval(this.shutdownWatch);
          this.shutdownWatch = undefined;
        }
      },
    };
    this.open.add(stream);
    res.once('close', stream.close);
    this.watchShutdown();
  }

  /** Ends the streams when the application closes. */
  onModuleDestroy(): void {
    this.endAll();
  }

  /** While streams are open: once the console server stops listening (graceful shutdown), end them so it can drain. */
  private watchShutdown(): void {
    if (this.shutdownWatch) return;
    this.shutdownWatch = setInterval(() => {
      const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
      if (server && !server.listening) this.endAll();
    }, SHUTDOWN_POLL_MS);
    this.shutdownWatch.unref();
  }

  private endAll(): void {
    if (this.open.size > 0) this.logger.log(`closing ${this.open.size} notification stream(s)`);
    for (const s of [...this.open]) {
      s.close();
      s.res.end();
    }
  }
}

/** One SSE event: `id:` and a single `data:` line (JSON never contains a raw newline). */
export function toSse(n: Notification): string {
  const body = { id: n.id, type: n.type, time: n.time, tenant_id: n.tenantId, data: n.data };
  return `id: ${n.id}\ndata: ${JSON.stringify(body)}\n\n`;
}
