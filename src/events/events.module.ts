import { Module } from '@nestjs/common';
import { BucketsModule } from '../buckets/buckets.module';
import { EventDispatcher } from './event-dispatcher';
import { EventsService } from './events.service';

/**
 * Bucket event notifications: the outbox writer (EventsService.record, called by the object,
 * multipart and lifecycle services inside their transactions) and the dispatcher that delivers
 * the outbox to webhook, Redis, RabbitMQ, MQTT and NATS targets.
 */
@Module({ imports: [BucketsModule], providers: [EventsService, EventDispatcher], exports: [EventsService, EventDispatcher] })
export class EventsModule {}
