/** DataSource for the TypeORM CLI (`npx typeorm -d dist/ormconfig.js migration:show`). */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/load-config';
import { dataSourceOptions } from './src/database/data-source';

export default new DataSource(dataSourceOptions(loadConfig(process.env)));
