import { INestApplication, Logger } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, NextFunction, Request, Response } from 'express';
import { isUploadRequest } from './http/object-http';
import { IdGenerator } from '../common/ids';
import { requestContext } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { CONSOLE_MOUNT, OPENAPI_JSON_PATH, REQUEST_ID_HEADER, SWAGGER_UI_PATH } from './console.constants';
import { writeConsoleError } from './console-exception.filter';
import { ConsoleModule } from './console.module';
import { serveWebApp } from './console-web';
import { ConsoleAuditTrail } from './http/console-audit-trail';
import type { ConsoleRequest } from './http/console-request';
import { SERVER_PACKAGE } from './version';

/**
 * Mounts what the console needs on the console port's Express app, before app.init() registers
 * the routes: for /api/v1 only, a request id and the audit hook, then JSON body parsing (with a
 * size limit; other content types are left unread); the OpenAPI document and Swagger UI; the web
 * console's static files, with index.html for its client-side routes.
 * The S3 port is a separate server and never sees any of this.
 */
export function setupConsole(app: INestApplication, config: Pick<AppConfig, 'consoleMaxBodyBytes'>): void {
  const logger = new Logger('Console');
  const ids = app.get(IdGenerator);
  const trail = app.get(ConsoleAuditTrail);

  app.use(CONSOLE_MOUNT, (req: ConsoleRequest, res: Response, next: NextFunction) => {
    req.requestId = ids.requestId();
    req.startedAt = Date.now();
    res.setHeader(REQUEST_ID_HEADER, req.requestId);
    let recorded = false;
    const done = () => {
      if (recorded) return;
      recorded = true;
      try {
        trail.record(req, res);
      } catch (err) {
        logger.warn(`audit record of ${req.method} ${req.originalUrl} failed: ${err}`);
      }
    };
    res.once('finish', done);
    res.once('close', done);
    // Log lines written while serving the request carry its id.
    requestContext.run({ requestId: req.requestId }, next);
  });
  // JSON bodies only; an object upload's body is the object itself, whatever its type, and stays a stream.
  const parseJson = json({ limit: config.consoleMaxBodyBytes });
  app.use(CONSOLE_MOUNT, (req: Request, res: Response, next: NextFunction) =>
    isUploadRequest(req.method, (req.originalUrl ?? req.url).split('?')[0]) ? next() : parseJson(req, res, next),
  );
  // Body-parser failures (malformed JSON, too large) happen before Nest: answer them in the console's shape.
  app.use(CONSOLE_MOUNT, (err: unknown, req: Request, res: Response, _next: NextFunction) => writeConsoleError(err, req, res, logger));

  const document = () =>
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Object Store console API')
        .setDescription(
          // Swagger UI renders this as Markdown and drops raw HTML: `<token>` outside a code span would vanish.
          'The MaxIOFS console API and the Strix admin API, on the console port. Authenticate with `POST /api/v1/auth/login`, ' +
            'then send the header `Authorization: Bearer <token>` (the `token` of the login answer).',
        )
        .setVersion(SERVER_PACKAGE.version)
        .addBearerAuth()
        .build(),
      { include: [ConsoleModule], deepScanRoutes: true },
    );
  SwaggerModule.setup(SWAGGER_UI_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH, raw: ['json'] });
  // The web console (dist/web) on every other GET path.
  serveWebApp(app);
}
