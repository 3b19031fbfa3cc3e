import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { CommonModule } from '../app.module';
import { SystemClock } from '../common/clock';
import { RandomIdGenerator } from '../common/ids';
import { DatabaseModule } from '../database/database.module';
import { EncryptionModule } from '../encryption/encryption.module';
import { IamModule } from '../iam/iam.module';
import { StorageModule } from '../storage/storage.module';
import { TenantsModule } from '../tenants/tenants.module';

/** What the admin CLI needs: the database, the IAM/tenant services and the key managers; no servers, no background jobs. */
@Module({})
export class AdminModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AdminModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule.forRoot(new SystemClock(), new RandomIdGenerator()),
        DatabaseModule,
        StorageModule,
        TenantsModule,
        IamModule,
        EncryptionModule,
      ],
    };
  }
}
