import { Module } from '@nestjs/common';
import { BucketsModule } from '../buckets/buckets.module';
import { ObjectsModule } from '../objects/objects.module';
import { MultipartService } from './multipart.service';

@Module({ imports: [BucketsModule, ObjectsModule], providers: [MultipartService], exports: [MultipartService] })
export class MultipartModule {}
