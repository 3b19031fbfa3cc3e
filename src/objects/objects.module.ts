import { Module } from '@nestjs/common';
import { BucketsModule } from '../buckets/buckets.module';
import { EventsModule } from '../events/events.module';
import { TenantsModule } from '../tenants/tenants.module';
import { ObjectsService } from './objects.service';
import { ObjectAclService } from './object-acl.service';
import { ObjectLockService } from './object-lock.service';
import { ObjectTaggingService } from './object-tagging.service';
import { ObjectVersionsService } from './object-versions.service';

const SERVICES = [ObjectsService, ObjectAclService, ObjectVersionsService, ObjectLockService, ObjectTaggingService];

@Module({ imports: [BucketsModule, TenantsModule, EventsModule], providers: SERVICES, exports: SERVICES })
export class ObjectsModule {}
