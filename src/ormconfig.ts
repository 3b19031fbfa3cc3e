/**
 * DataSource for the TypeORM CLI, built to dist/ormconfig.js with the server. It reads the same
 * environment as the server (DATABASE_URL, DATA_DIR, …):
 *   npx typeorm -d dist/ormconfig.js migration:show   # which migrations ran
 *   npx typeorm -d dist/ormconfig.js migration:run    # what the server does at boot
 * (.ci/run runs migration:show on a fresh data directory.)
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './config/load-config';
import { dataSourceOptions } from './database/data-source';

export default new DataSource(dataSourceOptions(loadConfig(process.env)));
