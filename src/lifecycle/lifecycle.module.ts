import { Module } from '@nestjs/common';
import { BucketsModule } from '../buckets/buckets.module';
import { MultipartModule } from '../multipart/multipart.module';
import { ObjectsModule } from '../objects/objects.module';
import { LifecycleService } from './lifecycle.service';
import { LifecycleWorker } from './lifecycle.worker';

/**
 * Bucket lifecycle: the background worker that applies the rules, and the read-side questions
 * (x-amz-expiration). The rules themselves are a bucket configuration (BucketConfigService); this
 * module sits above objects and multipart because it deletes through their services.
 */
@Module({
  imports: [BucketsModule, ObjectsModule, MultipartModule],
  providers: [LifecycleService, LifecycleWorker],
  exports: [LifecycleService, LifecycleWorker],
})
export class LifecycleModule {}
