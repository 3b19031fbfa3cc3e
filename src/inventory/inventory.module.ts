import { Module } from '@nestjs/common';
import { BucketsModule } from '../buckets/buckets.module';
import { ObjectsModule } from '../objects/objects.module';
import { InventoryService } from './inventory.service';

/**
 * Bucket inventory reports. The configuration is a bucket configuration (BucketConfigService);
 * this module sits above objects because it lists buckets and writes reports through ObjectsService.
 */
@Module({ imports: [BucketsModule, ObjectsModule], providers: [InventoryService], exports: [InventoryService] })
export class InventoryModule {}
