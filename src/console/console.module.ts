import { EventsModule } from '../events/events.module';
import { ReplicationModule } from '../replication/replication.module';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AuthModule } from '../auth/auth.module';
import { BucketsModule } from '../buckets/buckets.module';
import { HealthModule } from '../health/health.module';
import { IamModule } from '../iam/iam.module';
import { IdpModule } from '../idp/idp.module';
import { IntegrityModule } from '../integrity/integrity.module';
import { InventoryModule } from '../inventory/inventory.module';
import { LoggingModule } from '../logging/logging.module';
import { MonitoringModule } from '../monitoring/monitoring.module';
import { ObjectsModule } from '../objects/objects.module';
import { S3Module } from '../s3/s3.module';
import { SecurityModule } from '../security/security.module';
import { SharesModule } from '../shares/shares.module';
import { TenantsModule } from '../tenants/tenants.module';
import { AclViews } from './acl-views';
import { BucketViews } from './bucket-views';
import { ConsoleAccess } from './console-access';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { AccessKeysController } from './controllers/access-keys.controller';
import { AuditLogsController } from './controllers/audit-logs.controller';
import { AuthController } from './controllers/auth.controller';
import { IdentityProvidersController } from './controllers/identity-providers.controller';
import { OAuthController } from './controllers/oauth.controller';
import { BucketAccessController } from './controllers/bucket-access.controller';
import { BucketAdminController } from './controllers/bucket-admin.controller';
import { BucketConfigController } from './controllers/bucket-config.controller';
import { BucketsController } from './controllers/buckets.controller';
import { ObjectsController } from './controllers/objects.controller';
import { DownloadsController } from './controllers/downloads.controller';
import { UploadsController } from './controllers/uploads.controller';
import { MultipartModule } from '../multipart/multipart.module';
import { PresignController } from './controllers/presign.controller';
import { SharesController } from './controllers/shares.controller';
import { UsageController } from './controllers/usage.controller';
import { BucketReplicationController } from './controllers/bucket-replication.controller';
import { ClusterController } from './controllers/cluster.controller';
import { ClusterMigrationsController } from './controllers/cluster-migrations.controller';
import { ClusterReplicationController } from './controllers/cluster-replication.controller';
import { SystemController } from './controllers/system.controller';
import { TenantsController } from './controllers/tenants.controller';
import { UserPoliciesController } from './controllers/user-policies.controller';
import { UsersController } from './controllers/users.controller';
import { LoggingController } from './controllers/logging.controller';
import { MetricsController } from './controllers/metrics.controller';
import { NotificationsController } from './controllers/notifications.controller';
import { PerformanceController } from './controllers/performance.controller';
import { ProfilingController } from './controllers/profiling.controller';
import { SecurityController } from './controllers/security.controller';
import { ServerConfigController } from './controllers/server-config.controller';
import { SettingsController } from './controllers/settings.controller';
import { KmsController } from './controllers/kms.controller';
import { TenantPublicAccessBlockController } from './controllers/tenant-public-access-block.controller';
import { SseAuthGuard } from './guards/sse-auth.guard';
import { ConsoleAuthGuard } from './guards/console-auth.guard';
import { ConsoleJwtStrategy } from './guards/console-jwt.strategy';
import { LoginRateLimitGuard, LoginThrottle } from './guards/login-rate-limit.guard';
import { ConsoleAuditTrail } from './http/console-audit-trail';
import { consoleValidationPipe } from './http/validation';
import { StorageAccess } from './storage-access';

/**
 * The console REST API on the console port (/api/v1): MaxIOFS console routes and Strix admin
 * routes. Controllers translate HTTP to feature services and back; see src/console/README.md to
 * add one. The exception filter and the validation pipe are registered globally (the filter
 * leaves non-console paths to Nest's default handling).
 */
@Module({
  imports: [
    PassportModule,
    AuthModule,
    IamModule,
    TenantsModule,
    HealthModule,
    MonitoringModule,
    LoggingModule,
    SecurityModule,
    // storage routes (buckets, objects, shares, presign, usage)
    BucketsModule,
    ObjectsModule,
    MultipartModule,
    EventsModule,
    ReplicationModule,
    SharesModule,
    InventoryModule,
    IntegrityModule,
    S3Module,
    IdpModule,
  ],
  controllers: [
    SystemController,
    AuthController,
    UsersController,
    AccessKeysController,
    UserPoliciesController,
    TenantsController,
    AuditLogsController,
    MetricsController,
    PerformanceController,
    SettingsController,
    KmsController,
    TenantPublicAccessBlockController,
    LoggingController,
    ServerConfigController,
    SecurityController,
    ProfilingController,
    NotificationsController,
    ClusterController,
    ClusterMigrationsController,
    ClusterReplicationController,
    BucketReplicationController,
    // storage routes
    BucketsController,
    BucketConfigController,
    BucketAccessController,
    BucketAdminController,
    ObjectsController,
    UploadsController,
    DownloadsController,
    SharesController,
    PresignController,
    UsageController,
    // single sign-on and identity providers
    OAuthController,
    IdentityProvidersController,
  ],
  providers: [
    ConsoleJwtStrategy,
    ConsoleAuthGuard,
    SseAuthGuard,
    LoginThrottle,
    LoginRateLimitGuard,
    ConsoleAccess,
    ConsoleAuditTrail,
    StorageAccess,
    BucketViews,
    AclViews,
    { provide: APP_FILTER, useClass: ConsoleExceptionFilter },
    { provide: APP_PIPE, useFactory: consoleValidationPipe },
  ],
  exports: [ConsoleAccess, ConsoleAuthGuard, LoginRateLimitGuard, ConsoleAuditTrail, AuthModule, IamModule, TenantsModule],
})
export class ConsoleModule {}
