import { Get, Inject, Req } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { OperationName, OPERATIONS } from '../../s3/routing/operations';
import { SettingsService } from '../../settings/settings.service';
import { ConsoleController, NoAudit } from '../decorators';
import type { ConsoleRequest } from '../http/console-request';
import { ok } from '../http/responses';
import { SERVER_PACKAGE } from '../version';

/** An S3 feature is available when the operation that configures it is implemented (operations.ts is the source of truth). */
const implemented = (name: OperationName): boolean => !('notImplemented' in OPERATIONS[name]);

/**
 * GET /api/v1/config: what the web console needs to know about the server at runtime (the
 * frontend bundle has no configuration baked in): version, region, the S3 endpoint, maintenance
 * mode, the password policy, and which features exist. Any signed-in user. Keys are camelCase, as
 * the MaxIOFS reference names `maintenanceMode`.
 */
@ConsoleController('config', 'system')
export class ServerConfigController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: SettingsService,
  ) {}

  @Get()
  @NoAudit()
  @ApiOperation({ summary: 'Public server configuration: version, region, S3 endpoint, maintenance mode, feature flags' })
  get(@Req() req: ConsoleRequest) {
    const maintenanceMode = this.settings.maintenanceMode();
    return ok({
      name: SERVER_PACKAGE.name,
      version: SERVER_PACKAGE.version,
      region: this.config.region,
      s3Endpoint: this.s3Endpoint(req),
      virtualHostedDomains: [...this.config.domains],
      maintenanceMode,
      maintenanceMessage: maintenanceMode ? this.settings.maintenanceMessage() : null,
      auth: {
        passwordMinLength: this.settings.getNumber('password_min_length'),
        sessionTtlSeconds: this.settings.getNumber('session_ttl'),
        twoFactor: true,
        sso: false,
      },
      limits: { maxObjectSizeBytes: this.config.maxObjectSize, consoleMaxBodyBytes: this.config.consoleMaxBodyBytes },
      features: {
        multiTenancy: true,
        versioning: implemented('PutBucketVersioning'),
        objectLock: implemented('PutObjectLockConfiguration'),
        lifecycle: implemented('PutBucketLifecycleConfiguration'),
        cors: implemented('PutBucketCors'),
        bucketPolicies: implemented('PutBucketPolicy'),
        acls: implemented('PutBucketAcl'),
        tagging: implemented('PutObjectTagging'),
        encryption: implemented('PutBucketEncryption'),
        replication: implemented('PutBucketReplication'),
        website: implemented('PutBucketWebsite'),
        bucketNotifications: implemented('PutBucketNotificationConfiguration'),
        clustering: this.config.cluster !== undefined,
        prometheusMetrics: true,
        notificationsStream: true,
        profiling: true,
      },
    });
  }

  /** S3_PUBLIC_URL, else this host on the S3 port (null when the port is picked by the OS). */
  private s3Endpoint(req: ConsoleRequest): string | null {
    if (this.config.publicUrl) return this.config.publicUrl;
    if (this.config.s3Port === 0) return null;
    const host = req.hostname.includes(':') ? `[${req.hostname}]` : req.hostname;
    return `${req.protocol}://${host}:${this.config.s3Port}`;
  }
}
