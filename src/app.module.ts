import { DynamicModule, Global, Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AppConfig } from './config/app-config';
import { ClusterModule } from './cluster/cluster.module';
import { ClusterReplicationModule } from './cluster/cluster-replication.module';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { CacheInvalidation } from './common/cache-invalidation';
import { Clock, SystemClock } from './common/clock';
import { IdGenerator, RandomIdGenerator } from './common/ids';
import { DatabaseModule } from './database/database.module';
import { EncryptionModule } from './encryption/encryption.module';
import { HealthModule } from './health/health.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { S3Module } from './s3/s3.module';
import { SettingsModule } from './settings/settings.module';
import { StorageModule } from './storage/storage.module';

/** Clock and ids (replaceable in tests), and the cache invalidation bus. */
@Global()
@Module({})
export class CommonModule {
  static forRoot(clock: Clock, ids: IdGenerator): DynamicModule {
    return {
      module: CommonModule,
      providers: [{ provide: Clock, useValue: clock }, { provide: IdGenerator, useValue: ids }, CacheInvalidation],
      exports: [Clock, IdGenerator, CacheInvalidation],
    };
  }
}

export interface AppModuleOptions {
  clock?: Clock;
  ids?: IdGenerator;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule.forRoot(options.clock ?? new SystemClock(), options.ids ?? new RandomIdGenerator()),
        DatabaseModule,
        NotificationsModule,
        ClusterModule,
        ClusterReplicationModule,
        SettingsModule,
        StorageModule,
        EncryptionModule,
        MetricsModule,
        HealthModule,
        S3Module,
        LifecycleModule,
        AuditModule,
        ConsoleModule,
      ],
    };
  }
}
