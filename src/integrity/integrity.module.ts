import { Module } from '@nestjs/common';
import { BucketsModule } from '../buckets/buckets.module';
import { IntegrityService } from './integrity.service';

/** Bucket integrity verification (console: POST /api/v1/buckets/{name}/verify-integrity). */
@Module({ imports: [BucketsModule], providers: [IntegrityService], exports: [IntegrityService] })
export class IntegrityModule {}
