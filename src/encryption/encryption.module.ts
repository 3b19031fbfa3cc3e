import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { resolveMasterKey } from '../iam/master-key';
import { EncryptionService } from './encryption.service';
import { KEY_MANAGER } from './key-manager';
import { deriveKek, LocalKeyManager } from './local-key-manager';

/** Encryption at rest: the key manager (built-in keyring from MASTER_KEY) and the data-key service. */
@Global()
@Module({
  providers: [
    { provide: KEY_MANAGER, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new LocalKeyManager(resolveMasterKey(config)) },
    {
      provide: 'SSE_C_HMAC_SECRET',
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => deriveKek(resolveMasterKey(config), 'sse-c-hmac').kek,
    },
    EncryptionService,
  ],
  exports: [EncryptionService, KEY_MANAGER],
})
export class EncryptionModule {}
