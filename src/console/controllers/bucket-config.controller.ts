import { Body, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { BucketConfigService, BucketEncryption } from '../../buckets/bucket-config.service';
import { BucketsService } from '../../buckets/buckets.service';
import { DomainError } from '../../common/domain-error';
import { KmsService } from '../../encryption/kms.service';
import { EventDispatcher } from '../../events/event-dispatcher';
import { EventsService } from '../../events/events.service';
import { AUDIT_ACTION as A } from '../console.constants';
import { Audit, ConsoleController } from '../decorators';
import {
  BucketEncryptionDto,
  CorsConfigurationDto,
  LifecycleConfigurationDto,
  NotificationConfigurationDto,
  ObjectLockDto,
  TaggingDto,
  VersioningDto,
} from '../dto/bucket-config.dto';
import {
  corsIn,
  corsOut,
  lifecycleIn,
  lifecycleOut,
  deadLetterOut,
  notificationsIn,
  notificationsOut,
  notificationStatusOut,
  tagsIn,
  tagsOut,
} from '../dto/bucket-config.mappers';
import { ConsoleValidationError } from '../http/console-errors';
import { ConsoleRequest } from '../http/console-request';
import { ok } from '../http/responses';
import { StorageAccess } from '../storage-access';
import { STORAGE_AUDIT_RESOURCE as R } from '../storage.constants';

/**
 * Bucket configuration documents, validated by the same services as their S3 operations:
 * versioning, lifecycle and CORS (JSON with the S3 XML's field names), tags, event notifications,
 * default encryption and object lock. Each route needs the IAM action of the S3 operation it mirrors.
 */
@ConsoleController('buckets', 'bucket-config')
export class BucketConfigController {
  constructor(
    private readonly buckets: BucketsService,
    private readonly configs: BucketConfigService,
    private readonly storage: StorageAccess,
    private readonly events: EventsService,
    private readonly dispatcher: EventDispatcher,
    private readonly kms: KmsService,
  ) {}

  // ---- versioning ----

  @Get(':name/versioning')
  @ApiOperation({ summary: 'Versioning state: Enabled, Suspended, or null (never enabled)' })
  async getVersioning(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:GetBucketVersioning');
    return ok(this.versioningDto(await this.buckets.getVersioning(name)));
  }

  @Put(':name/versioning')
  @Audit(R.bucketConfig, A.update)
  @ApiOperation({ summary: 'Enable or suspend versioning (a bucket never returns to unversioned; object lock keeps it Enabled)' })
  async putVersioning(@Req() req: ConsoleRequest, @Param('name') name: string, @Body() dto: VersioningDto) {
    await this.storage.bucket(req, name, 's3:PutBucketVersioning');
    const status = dto.status ?? (dto.enabled === undefined ? undefined : dto.enabled ? 'Enabled' : 'Suspended');
    if (status === undefined) throw new ConsoleValidationError({ status: ['status (Enabled or Suspended) is required'] });
    await this.buckets.setVersioning(name, status);
    return ok(this.versioningDto(await this.buckets.getVersioning(name)));
  }

  // ---- lifecycle ----

  @Get(':name/lifecycle')
  @ApiOperation({ summary: 'Lifecycle rules ({ "Rules": [...] }, the S3 field names); 404 when none' })
  async getLifecycle(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:GetLifecycleConfiguration');
    return ok(lifecycleOut(await this.configs.getLifecycle(name)));
  }

  @Put(':name/lifecycle')
  @Audit(R.bucketConfig, A.update)
  @ApiOperation({
    summary:
      'Replace the lifecycle rules (as put-bucket-lifecycle-configuration: Filter, Expiration, NoncurrentVersionExpiration, AbortIncompleteMultipartUpload)',
  })
  async putLifecycle(@Req() req: ConsoleRequest, @Param('name') name: string, @Body() dto: LifecycleConfigurationDto) {
    await this.storage.bucket(req, name, 's3:PutLifecycleConfiguration');
    return ok(lifecycleOut(await this.configs.putLifecycle(name, lifecycleIn(dto))));
  }

  @Delete(':name/lifecycle')
  @HttpCode(204)
  @Audit(R.bucketConfig, A.delete)
  @ApiOperation({ summary: 'Remove the lifecycle rules (204)' })
  async deleteLifecycle(@Req() req: ConsoleRequest, @Param('name') name: string): Promise<void> {
    await this.storage.bucket(req, name, 's3:PutLifecycleConfiguration');
    await this.configs.deleteLifecycle(name);
  }

  // ---- CORS ----

  @Get(':name/cors')
  @ApiOperation({ summary: 'CORS rules ({ "CORSRules": [...] }); 404 when none' })
  async getCors(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:GetBucketCORS');
    return ok(corsOut(await this.configs.getCors(name)));
  }

  @Put(':name/cors')
  @Audit(R.bucketConfig, A.update)
  @ApiOperation({ summary: 'Replace the CORS rules (1-100 rules, as put-bucket-cors)' })
  async putCors(@Req() req: ConsoleRequest, @Param('name') name: string, @Body() dto: CorsConfigurationDto) {
    await this.storage.bucket(req, name, 's3:PutBucketCORS');
    const rules = corsIn(dto);
    await this.configs.putCors(name, rules);
    return ok(corsOut(await this.configs.getCors(name)));
  }

  @Delete(':name/cors')
  @HttpCode(204)
  @Audit(R.bucketConfig, A.delete)
  @ApiOperation({ summary: 'Remove the CORS rules (204)' })
  async deleteCors(@Req() req: ConsoleRequest, @Param('name') name: string): Promise<void> {
    await this.storage.bucket(req, name, 's3:PutBucketCORS');
    await this.configs.deleteCors(name);
  }

  // ---- tags ----

  @Get(':name/tagging')
  @ApiOperation({ summary: 'The tag set ({ "TagSet": [{ Key, Value }], "tags": { k: v } }); 404 when none' })
  async getTagging(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:GetBucketTagging');
    return ok(tagsOut(await this.configs.getTagging(name)));
  }

  @Put(':name/tagging')
  @Audit(R.bucketConfig, A.update)
  @ApiOperation({ summary: 'Replace the tag set (up to 50 tags; an empty set removes it)' })
  async putTagging(@Req() req: ConsoleRequest, @Param('name') name: string, @Body() dto: TaggingDto) {
    await this.storage.bucket(req, name, 's3:PutBucketTagging');
    const tags = tagsIn(dto);
    if (tags === undefined) throw new ConsoleValidationError({ TagSet: ['TagSet (or tags) is required'] });
    await this.configs.putTagging(name, tags);
    return ok(tagsOut(tags));
  }

  @Delete(':name/tagging')
  @HttpCode(204)
  @Audit(R.bucketConfig, A.delete)
  @ApiOperation({ summary: 'Remove the tag set (204)' })
  async deleteTagging(@Req() req: ConsoleRequest, @Param('name') name: string): Promise<void> {
    await this.storage.bucket(req, name, 's3:PutBucketTagging');
    await this.configs.deleteTagging(name);
  }

  // ---- notifications ----

  @Get(':name/notifications')
  @ApiOperation({
    summary: 'Event notification rules (empty when none)',
    description: 'Shared with the S3 GetBucketNotificationConfiguration. A webhook secret is never shown (secret_set).',
  })
  async getNotifications(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:GetBucketNotification');
    return ok(notificationsOut(await this.configs.getNotification(name)));
  }

  @Put(':name/notifications')
  @Audit(R.bucketConfig, A.update)
  @ApiOperation({
    summary:
      'Replace the event notification rules: targets webhook, redis, rabbitmq, mqtt, nats (or S3 ARNs), S3 event names, prefix/suffix filters',
    description:
      'Events are written to a transactional outbox with the object change and delivered at least once, in order per target, with ' +
      'retries and exponential backoff; dead-lettered after EVENT_MAX_ATTEMPTS. Also readable and writable through the S3 API (?notification).',
  })
  async putNotifications(@Req() req: ConsoleRequest, @Param('name') name: string, @Body() dto: NotificationConfigurationDto) {
    await this.storage.bucket(req, name, 's3:PutBucketNotification');
    return ok(notificationsOut(await this.configs.putNotification(name, notificationsIn(dto))));
  }

  @Delete(':name/notifications')
  @HttpCode(204)
  @Audit(R.bucketConfig, A.delete)
  @ApiOperation({ summary: 'Remove the event notification rules (204)' })
  async deleteNotifications(@Req() req: ConsoleRequest, @Param('name') name: string): Promise<void> {
    await this.storage.bucket(req, name, 's3:PutBucketNotification');
    await this.configs.deleteNotification(name);
  }

  @Get(':name/notifications/status')
  @ApiOperation({
    summary: 'Delivery status per rule: a live connection check of its target (health), pending and dead-lettered events, last error',
  })
  async getNotificationStatus(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:GetBucketNotification');
    const rules = await this.configs.getNotification(name);
    return ok(notificationStatusOut(await this.dispatcher.bucketStatus(name, rules)));
  }

  @Get(':name/notifications/dead-letters')
  @ApiOperation({ summary: 'Events dead-lettered after EVENT_MAX_ATTEMPTS failed deliveries (oldest first, at most 1000)' })
  async getDeadLetters(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:GetBucketNotification');
    return ok({ events: (await this.events.deadLetters(name, 1000)).map(deadLetterOut) });
  }

  @Post(':name/notifications/dead-letters/retry')
  @HttpCode(200)
  @Audit(R.bucketConfig, A.update)
  @ApiOperation({ summary: 'Put the dead-lettered events back in their queues (in their original order)' })
  async retryDeadLetters(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:PutBucketNotification');
    return ok({ requeued: await this.events.retryDead(name) });
  }

  // ---- default encryption ----

  @Get(':name/encryption')
  @ApiOperation({ summary: 'Default encryption of new objects (sse_algorithm AES256 or aws:kms); 404 when none' })
  async getEncryption(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:GetEncryptionConfiguration');
    return ok(this.encryptionDto(await this.configs.getEncryption(name)));
  }

  @Put(':name/encryption')
  @Audit(R.bucketConfig, A.update)
  @ApiOperation({
    summary: 'Set the default encryption (as put-bucket-encryption): SSE-S3 (AES256) or SSE-KMS (aws:kms, optional key)',
    description: 'Writes that ask for no encryption get it. A kms_master_key_id that names no KMS key is refused (404).',
  })
  async putEncryption(@Req() req: ConsoleRequest, @Param('name') name: string, @Body() dto: BucketEncryptionDto) {
    await this.storage.bucket(req, name, 's3:PutEncryptionConfiguration');
    if (dto.sse_algorithm !== 'aws:kms' && dto.kms_master_key_id !== undefined) {
      throw new ConsoleValidationError({ kms_master_key_id: ['kms_master_key_id applies to aws:kms only'] });
    }
    // A key that names no KMS key is refused now rather than on every later write (as the S3 route does).
    if (dto.kms_master_key_id !== undefined) await this.kms.describe(dto.kms_master_key_id);
    await this.configs.putEncryption(name, {
      algorithm: dto.sse_algorithm,
      bucketKeyEnabled: dto.bucket_key_enabled ?? false,
      ...(dto.kms_master_key_id !== undefined ? { kmsMasterKeyId: dto.kms_master_key_id } : {}),
    });
    return ok(this.encryptionDto(await this.configs.getEncryption(name)));
  }

  @Delete(':name/encryption')
  @HttpCode(204)
  @Audit(R.bucketConfig, A.delete)
  @ApiOperation({ summary: 'Remove the default encryption (204); existing objects stay as they are' })
  async deleteEncryption(@Req() req: ConsoleRequest, @Param('name') name: string): Promise<void> {
    await this.storage.bucket(req, name, 's3:PutEncryptionConfiguration');
    await this.configs.deleteEncryption(name);
  }

  // ---- object lock ----

  @Get(':name/object-lock')
  @ApiOperation({ summary: 'Object lock: enabled, and the default retention (mode with days or years)' })
  async getObjectLock(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:GetBucketObjectLockConfiguration');
    return ok(await this.objectLockDto(name));
  }

  @Put(':name/object-lock')
  @Audit(R.bucketConfig, A.update)
  @ApiOperation({
    summary: 'Enable object lock and set (or clear) the default retention',
    description: 'Object lock cannot be disabled. Enabling it needs versioning Enabled (409 InvalidBucketState otherwise).',
  })
  async putObjectLock(@Req() req: ConsoleRequest, @Param('name') name: string, @Body() dto: ObjectLockDto) {
    await this.storage.bucket(req, name, 's3:PutBucketObjectLockConfiguration');
    if (dto.mode !== undefined && (dto.days === undefined) === (dto.years === undefined)) {
      throw new ConsoleValidationError({ days: ['a default retention has days or years (one of them)'] });
    }
    if (dto.mode === undefined && (dto.days !== undefined || dto.years !== undefined)) {
      throw new ConsoleValidationError({ mode: ['mode (GOVERNANCE or COMPLIANCE) is required with days or years'] });
    }
    const rule =
      dto.mode === undefined ? null : { mode: dto.mode, ...(dto.days !== undefined ? { days: dto.days } : { years: dto.years }) };
    await this.buckets.setObjectLockConfiguration(name, rule);
    return ok(await this.objectLockDto(name));
  }

  private encryptionDto(c: BucketEncryption) {
    return { sse_algorithm: c.algorithm, kms_master_key_id: c.kmsMasterKeyId ?? null, bucket_key_enabled: c.bucketKeyEnabled ?? false };
  }

  private versioningDto(status: 'Enabled' | 'Suspended' | null) {
    return { status, enabled: status === 'Enabled', mfa_delete: 'Disabled' };
  }

  private async objectLockDto(name: string) {
    try {
      const c = await this.buckets.getObjectLockConfiguration(name);
      const r = c.defaultRetention;
      return {
        enabled: true,
        mode: r?.mode ?? null,
        days: r?.days ?? null,
        years: r?.years ?? null,
        default_retention: r ? { ...r } : null,
      };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'ObjectLockConfigurationNotFound') {
        return { enabled: false, mode: null, days: null, years: null, default_retention: null };
      }
      throw err;
    }
  }
}
