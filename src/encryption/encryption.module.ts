import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { resolveMasterKey } from '../iam/master-key';
import { EncryptionService } from './encryption.service';
import { KEY_MANAGER } from './key-manager';
import { KMS_PROVIDER, KmsService } from './kms.service';
import { LocalKeyManager } from './local-key-manager';
import { MasterKeyRotationService } from './master-key-rotation.service';
import { loadServerSecret, secretsKeyring } from './server-secrets';

/**
 * Encryption at rest: the key manager (built-in keyring from MASTER_KEY, previous keys from
 * MASTER_KEY_PREVIOUS still unwrap), the built-in KMS (SSE-KMS; an external KMS would be
 * provided under KMS_PROVIDER instead) and the data-key service.
 */
@Global()
@Module({
  providers: [
    {
      provide: KEY_MANAGER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new LocalKeyManager(resolveMasterKey(config), config.previousMasterKeys ?? []),
    },
    {
      provide: 'SSE_C_HMAC_SECRET',
      inject: [APP_CONFIG, DatabaseService],
      // Until a rotation stores it: derived from the key in use before a rotation began (the first previous key), else MASTER_KEY.
      useFactory: (config: AppConfig, db: DatabaseService) =>
        loadServerSecret(
          db,
          secretsKeyring(resolveMasterKey(config), config.previousMasterKeys ?? []),
          'sse-c-hmac',
          config.previousMasterKeys?.[0] ?? resolveMasterKey(config),
        ),
    },
    KmsService,
    { provide: KMS_PROVIDER, useExisting: KmsService },
    EncryptionService,
    MasterKeyRotationService,
  ],
  exports: [EncryptionService, KEY_MANAGER, KmsService, KMS_PROVIDER, MasterKeyRotationService],
})
export class EncryptionModule {}
