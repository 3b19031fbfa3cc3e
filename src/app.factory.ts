import 'reflect-metadata';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from './config/app-config';
import { AppModule, AppModuleOptions } from './app.module';
import { ClusterNodesService } from './cluster/cluster-nodes.service';
import { setupConsole } from './console/console.setup';
import { HealthService } from './health/health.service';
import { IamService, RootCredentials } from './iam/iam.service';
import { S3Endpoint } from './s3/s3-endpoint';
import { S3Server } from './s3/s3-server';

export interface RunningApp {
  app: INestApplication;
  s3Url: string;
  consoleUrl: string;
  root: RootCredentials;
  /**
   * Graceful shutdown: /ready answers 503 at once; after SHUTDOWN_DELAY_SECONDS the listeners stop
   * accepting; in-flight requests finish (cut after SHUTDOWN_TIMEOUT_SECONDS); then the audit queue is
   * flushed and the database closed (app.close() runs the modules' shutdown hooks).
   */
  close(): Promise<void>;
}

export interface CreateAppOptions extends AppModuleOptions {
  logger?: LoggerService | false;
}

/** The one function main.ts and the tests call: builds the app and listens on both ports. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<RunningApp> {
  const app = await NestFactory.create(AppModule.forRoot(config, options), {
    bodyParser: false,
    logger: options.logger === undefined ? undefined : options.logger,
    abortOnError: false,
  });
  setupConsole(app, config);
  await app.init();
  const root = await app.get(IamService).bootstrapRoot();

  const s3Server = app.get(S3Server);
  const s3 = createServer(
    {
      keepAliveTimeout: 65_000,
      headersTimeout: config.s3HeadersTimeoutMs,
      requestTimeout: config.s3RequestTimeoutMs,
      // How often Node looks for connections past those timeouts (its default, 30 s, would double them).
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(config.s3HeadersTimeoutMs / 4))),
    },
    s3Server.handle,
  );
  // `Expect: 100-continue` is answered after authentication and authorization, an unknown expectation by S3's rules (never Node's 417).
  s3.on('checkContinue', s3Server.handleExpectContinue);
  s3.on('checkExpectation', s3Server.handle);
  const consoleServer = app.getHttpServer() as Server;
  await listen(s3, config.s3Port, config.host);
  await app.listen(config.consolePort, config.host);

  const url = (server: Server) => {
    const a = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    return `http://${host}:${a.port}`;
  };
  app.get(S3Endpoint).setListening(url(s3));
  // In a cluster, the node registers (and starts heartbeating) once it can be reached.
  await app.get(ClusterNodesService).start(url(s3));

  let closing: Promise<void> | undefined;
  return {
    app,
    s3Url: url(s3),
    consoleUrl: url(consoleServer),
    root,
    close: () => {
      closing ??= (async () => {
        app.get(HealthService).markShuttingDown();
        if (config.shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
        await Promise.all([drain(s3, config.shutdownTimeoutMs), drain(consoleServer, config.shutdownTimeoutMs)]);
        await app.close();
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting; waits for in-flight requests, then cuts what is left after `timeoutMs`. */
function drain(server: Server, timeoutMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    // Keep-alive connections become idle as their last response ends: close them as they do.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearTimeout(timer);
      clearInterval(idle);
      resolve();
    });
    server.closeIdleConnections();
  });
}
