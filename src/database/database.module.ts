import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DiskReserve } from '../storage/disk-reserve.service';
import { dataSourceOptions } from './data-source';
import { DATA_SOURCE, DatabaseService } from './database.service';
import { bindNumericParameters } from './sqlite-parameters';

/** Key of the advisory lock that serializes migrations of nodes booting together on one PostgreSQL. */
const MIGRATION_LOCK = 0x6f733321;

/** Runs pending migrations; on PostgreSQL under an advisory lock, so several nodes booting at once migrate one after the other. */
async function migrate(ds: DataSource): Promise<void> {
  if (ds.options.type !== 'postgres') {
    await ds.runMigrations({ transaction: 'each' });
    return;
  }
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: DATA_SOURCE,
      inject: [APP_CONFIG, DiskReserve],
      useFactory: async (config: AppConfig, reserve: DiskReserve) => {
        // On a full disk the reserve is released first: SQLite needs a little room to open.
        await reserve.prepareAtBoot();
        const ds = new DataSource(dataSourceOptions(config));
        await ds.initialize();
        await migrate(ds);
        bindNumericParameters(ds);
        return ds;
      },
    },
    DatabaseService,
  ],
  exports: [DatabaseService],
})
export class DatabaseModule {}
