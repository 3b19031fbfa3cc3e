import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import * as express from 'express';
import type { NextFunction, Request, Response } from 'express';

/**
 * Where `npm run build` puts the web console (web/ built by Vite): dist/web of the project, both
 * from dist/console (npm start) and from src/console (the tests, through ts-jest).
 */
export const WEB_DIR = resolve(__dirname, '..', '..', 'dist', 'web');

/** Paths of the console port that belong to the server, never to the web app. */
export function isServerPath(path: string): boolean {
  return (
    path === '/api' || path.startsWith('/api/') || path === '/health' || path === '/ready' || path === '/metrics' || path === '/favicon.ico'
  );
}

const INDEX_HEADERS = {
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

/**
 * Serves the web console on the console port: its files, and index.html for every other GET of a
 * path that is not the server's (history-API routes such as /buckets/x, and /console/?sso_ticket=
 * where an SSO login lands). Without a build, those paths answer 503 saying so.
 */
export function serveWebApp(app: INestApplication, dir = WEB_DIR): void {
  const index = join(dir, 'index.html');
  const files = express.static(dir, {
    index: false,
    fallthrough: true,
    setHeaders: (res, path) => {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // Vite names its assets by content hash: they never change under the same name.
      if (path.startsWith(join(dir, 'assets'))) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isServerPath(req.path)) return next();
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The web console is not built: run `npm run build` (or `npm start`, which builds it). The console API is at /api/v1.\n');
      return;
    }
    files(req, res, () => {
      // A missing asset is a 404, not the app (a stale index.html would otherwise load HTML as a script).
      if (req.path.startsWith('/assets/')) return next();
      res.set(INDEX_HEADERS).sendFile(index);
    });
  });
}
