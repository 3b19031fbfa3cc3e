import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { dataSourceOptions } from './data-source';
import { DATA_SOURCE, DatabaseService } from './database.service';
import { bindNumericParameters } from './sqlite-parameters';

@Global()
@Module({
  providers: [
    {
      provide: DATA_SOURCE,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const ds = new DataSource(dataSourceOptions(config));
        await ds.initialize();
        await ds.runMigrations({ transaction: 'each' });
        bindNumericParameters(ds);
        return ds;
      },
    },
    DatabaseService,
  ],
  exports: [DatabaseService],
})
export class DatabaseModule {}
