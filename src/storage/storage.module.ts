import { resolve } from 'node:path';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { BlobStore } from './blob-store.service';
import { DiskReserve } from './disk-reserve.service';
import { FilesystemBackend } from './filesystem.backend';
import { STORAGE_BACKEND } from './storage-backend';

@Global()
@Module({
  providers: [
    {
      provide: STORAGE_BACKEND,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const backend = new FilesystemBackend(resolve(config.dataDir), config.fsync);
        await backend.init();
        return backend;
      },
    },
    BlobStore,
    DiskReserve,
  ],
  exports: [BlobStore, DiskReserve, STORAGE_BACKEND],
})
export class StorageModule {}
