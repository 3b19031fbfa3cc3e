import { Module } from '@nestjs/common';
import { BucketConfigService } from './bucket-config.service';
import { BucketStatsService } from './bucket-stats.service';
import { BucketsService } from './buckets.service';
import { TenantsModule } from '../tenants/tenants.module';

@Module({
  imports: [TenantsModule],
  providers: [BucketsService, BucketConfigService, BucketStatsService],
  exports: [BucketsService, BucketConfigService, BucketStatsService],
})
export class BucketsModule {}
