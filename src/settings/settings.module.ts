import { Global, Module } from '@nestjs/common';
import { SettingsService } from './settings.service';

/**
 * Runtime settings (typed, validated, stored in the database, defaults from AppConfig). Global so
 * that hot paths anywhere can read them (SettingsService.maintenanceMode() in the S3 server).
 */
@Global()
@Module({ providers: [SettingsService], exports: [SettingsService] })
export class SettingsModule {}
