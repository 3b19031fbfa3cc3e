import { Module } from '@nestjs/common';
import { BucketsModule } from '../buckets/buckets.module';
import { HealthModule } from '../health/health.module';
import { IamModule } from '../iam/iam.module';
import { MetricsModule } from '../metrics/metrics.module';
import { MultipartModule } from '../multipart/multipart.module';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { ObjectsModule } from '../objects/objects.module';
import { ReplicationModule } from '../replication/replication.module';
import { AccessHandlers } from './handlers/access.handlers';
import { AbsentConfigHandlers } from './handlers/absent-config.handlers';
import { ObjectAttributesHandlers } from './handlers/object-attributes.handlers';
import { BucketConfigHandlers } from './handlers/bucket-config.handlers';
import { BucketEncryptionHandlers } from './handlers/bucket-encryption.handlers';
import { PostObjectHandlers } from './handlers/post-object.handlers';
import { BucketControlsHandlers } from './handlers/bucket-controls.handlers';
import { BucketNotificationHandlers } from './handlers/bucket-notification.handlers';
import { BucketReplicationHandlers } from './handlers/bucket-replication.handlers';
import { BucketHandlers } from './handlers/bucket.handlers';
import { S3_HANDLERS } from './handlers/handles-s3.decorator';
import { MultipartHandlers } from './handlers/multipart.handlers';
import { ObjectHandlers } from './handlers/object.handlers';
import { ObjectLockHandlers } from './handlers/object-lock.handlers';
import { ObjectTaggingHandlers } from './handlers/object-tagging.handlers';
import { VersioningHandlers } from './handlers/versioning.handlers';
import { S3Dispatcher } from './s3-dispatcher';
import { S3Endpoint } from './s3-endpoint';
import { S3Server } from './s3-server';
import { S3ClusterForwarding } from './cluster-forwarding';

const HANDLER_GROUPS = [
  AccessHandlers,
  BucketHandlers,
  ObjectHandlers,
  MultipartHandlers,
  VersioningHandlers,
  ObjectLockHandlers,
  ObjectTaggingHandlers,
  BucketConfigHandlers,
  BucketEncryptionHandlers,
  PostObjectHandlers,
  BucketControlsHandlers,
  AbsentConfigHandlers,
  ObjectAttributesHandlers,
  BucketNotificationHandlers,
  BucketReplicationHandlers,
];

@Module({
  imports: [BucketsModule, ObjectsModule, MultipartModule, IamModule, MetricsModule, HealthModule, LifecycleModule, ReplicationModule],
  providers: [
    ...HANDLER_GROUPS,
    { provide: S3_HANDLERS, inject: HANDLER_GROUPS, useFactory: (...groups: object[]) => groups },
    S3Dispatcher,
    S3Server,
    S3Endpoint,
    S3ClusterForwarding,
  ],
  exports: [S3Server, S3Endpoint],
})
export class S3Module {}
