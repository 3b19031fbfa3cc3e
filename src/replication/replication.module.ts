import { Module } from '@nestjs/common';
import { BucketsModule } from '../buckets/buckets.module';
import { EventsModule } from '../events/events.module';
import { ObjectsModule } from '../objects/objects.module';
import { ReplicationService } from './replication.service';

/**
 * Bucket replication to external S3 endpoints: the rules (a bucket configuration) and the worker
 * of the replication tasks of the event outbox (registered with the EventDispatcher).
 */
@Module({ imports: [BucketsModule, ObjectsModule, EventsModule], providers: [ReplicationService], exports: [ReplicationService] })
export class ReplicationModule {}
