import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export const SQLITE_FILE = 'metadata.sqlite';

/** TypeORM options for the configured database: PostgreSQL when DATABASE_URL is set, else SQLite in DATA_DIR. */
export function dataSourceOptions(config: Pick<AppConfig, 'databaseUrl' | 'dataDir' | 'fsync'>): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: false, synchronize: false, logging: false } as const;
  if (config.databaseUrl) {
    return { ...common, type: 'postgres', url: config.databaseUrl, extra: { max: 20 } };
  }
  const dir = resolve(config.dataDir);
  mkdirSync(dir, { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: join(dir, SQLITE_FILE),
    enableWAL: true,
    prepareDatabase: (db: { pragma: (s: string) => unknown }) => {
      db.pragma('busy_timeout = 5000');
      // FSYNC on: NORMAL, and DatabaseService makes each group of commits durable with an
      // fdatasync of the WAL in the thread pool before any of them is acknowledged (FULL would
      // flush inside COMMIT, on the event loop); checkpoints sync as usual. FSYNC off (tests):
      // no flushes at all, like the blob store; a process crash still loses nothing committed.
      db.pragma(`synchronous = ${config.fsync ? 'NORMAL' : 'OFF'}`);
      db.pragma('foreign_keys = ON');
    },
  };
}
