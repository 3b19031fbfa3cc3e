import { SERVER_PACKAGE } from './console/version';

async function main(): Promise<void> {
  // `--version` / `-v`: print and exit, before the config is read, the server's modules are
  // loaded (the imports below) or anything is opened.
  if (process.argv.slice(2).some((a) => a === '--version' || a === '-v')) {
    process.stdout.write(`${SERVER_PACKAGE.name} ${SERVER_PACKAGE.version}\n`);
    return;
  }
  const { Logger } = await import('@nestjs/common');
  const { createApp } = await import('./app.factory');
  const { AppLogger } = await import('./common/app-logger');
  const { WEB_DIR } = await import('./console/console-web');
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { ConfigError, loadConfig } = await import('./config/load-config');
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = new AppLogger(config.logLevel, config.logFormat);
  Logger.overrideLogger(logger);
  const running = await createApp(config, { logger });
  const log = new Logger('Main');
  const endpoint = config.publicUrl ?? running.s3Url;
  log.log(
    `S3 API:      ${endpoint}  (region ${config.region}, data in ${config.dataDir}, ${config.databaseUrl ? 'PostgreSQL' : 'SQLite'})`,
  );
  log.log(
    existsSync(join(WEB_DIR, 'index.html'))
      ? `Web console: ${running.consoleUrl}/  (log in with username = the root access key, password = its secret)`
      : `Web console: not built (run \`npm run build\`); the API below works without it`,
  );
  log.log(
    `Console API: ${running.consoleUrl}/api/v1  (Swagger UI: ${running.consoleUrl}/api/v1/docs; log in with username = the root access key, password = its secret)`,
  );
  if (running.root.generatedSecretKey) {
    log.warn('Root credentials were generated on this first boot and are shown ONCE. Store them now:');
    log.warn(`  export AWS_ACCESS_KEY_ID=${running.root.accessKey}`);
    log.warn(`  export AWS_SECRET_ACCESS_KEY=${running.root.generatedSecretKey}`);
    log.warn('(set ROOT_ACCESS_KEY / ROOT_SECRET_KEY to choose them yourself)');
  } else {
    log.log(`Root access key: ${running.root.accessKey} (its secret is ROOT_SECRET_KEY, or the one printed on first boot)`);
  }
  log.log(`Try it:  aws --endpoint-url ${endpoint} s3 mb s3://my-bucket && aws --endpoint-url ${endpoint} s3 ls`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.log(`${signal}: draining in-flight requests, then stopping`);
    running
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        log.error(`shutdown failed: ${err}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`fatal: ${err?.stack ?? err}\n`);
  process.exit(1);
});
