import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { INVENTORY_FIELDS, INVENTORY_FORMATS, INVENTORY_SCHEDULES, INVENTORY_VERSIONS } from '../../buckets/inventory-configuration';
import { MAX_LIFECYCLE_RULES } from '../../buckets/lifecycle-configuration';
import { MAX_NOTIFICATION_RULES, NOTIFICATION_EVENTS, NOTIFICATION_TARGET_TYPES } from '../../buckets/notification-configuration';
import { ACL_PERMISSIONS, CANNED_ACLS, type AclPermission, type CannedAcl } from '../../iam/acl/acl';
import { LOCK_MODES, type LockMode } from '../../objects/object-lock';

// ---- permissions (ACL grants to users of the bucket's tenant) ----

/** The levels of /permissions: each is a set of ACL grants. The ACL permission names work too. */
export const PERMISSION_LEVELS = ['read', 'write', 'full_control', ...ACL_PERMISSIONS] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

export class CreatePermissionDto {
  @ApiPropertyOptional({ description: 'The user (id or username), of the bucket’s tenant' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  user_id?: string;

  @ApiPropertyOptional({ description: 'Alias of user_id' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  username?: string;

  @ApiProperty({ enum: PERMISSION_LEVELS, description: 'read (list, READ), write (READ and WRITE: put and delete objects), full_control' })
  @IsIn(PERMISSION_LEVELS)
  permission!: PermissionLevel;
}

export class UpdatePermissionDto {
  @ApiProperty({ enum: PERMISSION_LEVELS })
  @IsIn(PERMISSION_LEVELS)
  permission!: PermissionLevel;
}

// ---- versioning ----

export class VersioningDto {
  @ApiPropertyOptional({ enum: ['Enabled', 'Suspended'] })
  @IsOptional()
  @IsIn(['Enabled', 'Suspended'])
  status?: 'Enabled' | 'Suspended';

  @ApiPropertyOptional({ description: 'Alias: true = Enabled, false = Suspended' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

// ---- default encryption (PutBucketEncryption) ----

export class BucketEncryptionDto {
  @ApiProperty({ enum: ['AES256', 'aws:kms'], description: 'AES256 = SSE-S3; aws:kms = SSE-KMS' })
  @IsIn(['AES256', 'aws:kms'])
  sse_algorithm!: 'AES256' | 'aws:kms';

  @ApiPropertyOptional({ description: 'aws:kms only: key id, key ARN or alias/<name> (absent = the default KMS key)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  kms_master_key_id?: string;

  @ApiPropertyOptional({ description: 'S3 Bucket Key (stored and reported; every object has its own data key)' })
  @IsOptional()
  @IsBoolean()
  bucket_key_enabled?: boolean;
}

// ---- lifecycle: the JSON of `aws s3api put-bucket-lifecycle-configuration` (the XML's field names) ----

export class TagDto {
  @ApiProperty()
  @IsString()
  @MaxLength(128)
  Key!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(256)
  Value!: string;
}

export class LifecycleAndDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) Prefix?: string;
  @ApiPropertyOptional({ type: [TagDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TagDto)
  Tags?: TagDto[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) ObjectSizeGreaterThan?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) ObjectSizeLessThan?: number;
}

export class LifecycleFilterDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) Prefix?: string;
  @ApiPropertyOptional({ type: TagDto }) @IsOptional() @ValidateNested() @Type(() => TagDto) Tag?: TagDto;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) ObjectSizeGreaterThan?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) ObjectSizeLessThan?: number;
  @ApiPropertyOptional({ type: LifecycleAndDto }) @IsOptional() @ValidateNested() @Type(() => LifecycleAndDto) And?: LifecycleAndDto;
}

export class LifecycleExpirationDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) Days?: number;
  @ApiPropertyOptional({ description: 'ISO 8601, midnight UTC' }) @IsOptional() @IsString() @MaxLength(64) Date?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() ExpiredObjectDeleteMarker?: boolean;
}

export class NoncurrentVersionExpirationDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) NoncurrentDays?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) NewerNoncurrentVersions?: number;
}

export class AbortIncompleteMultipartUploadDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) DaysAfterInitiation?: number;
}

export class LifecycleRuleDto {
  @ApiPropertyOptional({ description: 'Generated when absent' }) @IsOptional() @IsString() @MaxLength(255) ID?: string;
  @ApiProperty({ enum: ['Enabled', 'Disabled'] }) @IsIn(['Enabled', 'Disabled']) Status!: 'Enabled' | 'Disabled';
  @ApiPropertyOptional({ description: 'Legacy rule-level prefix (instead of Filter)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  Prefix?: string;
  @ApiPropertyOptional({ type: LifecycleFilterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LifecycleFilterDto)
  Filter?: LifecycleFilterDto;
  @ApiPropertyOptional({ type: LifecycleExpirationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LifecycleExpirationDto)
  Expiration?: LifecycleExpirationDto;
  @ApiPropertyOptional({ type: NoncurrentVersionExpirationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => NoncurrentVersionExpirationDto)
  NoncurrentVersionExpiration?: NoncurrentVersionExpirationDto;
  @ApiPropertyOptional({ type: AbortIncompleteMultipartUploadDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AbortIncompleteMultipartUploadDto)
  AbortIncompleteMultipartUpload?: AbortIncompleteMultipartUploadDto;
}

export class LifecycleConfigurationDto {
  @ApiProperty({ type: [LifecycleRuleDto] })
  @IsArray()
  @ArrayMaxSize(MAX_LIFECYCLE_RULES)
  @ValidateNested({ each: true })
  @Type(() => LifecycleRuleDto)
  Rules!: LifecycleRuleDto[];
}

// ---- CORS: the JSON of `aws s3api put-bucket-cors` ----

export class CorsRuleDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) ID?: string;
  @ApiProperty({ type: [String] }) @IsArray() @IsString({ each: true }) AllowedOrigins!: string[];
  @ApiProperty({ type: [String] }) @IsArray() @IsString({ each: true }) AllowedMethods!: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsString({ each: true }) AllowedHeaders?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsString({ each: true }) ExposeHeaders?: string[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) MaxAgeSeconds?: number;
}

export class CorsConfigurationDto {
  @ApiProperty({ type: [CorsRuleDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CorsRuleDto)
  CORSRules!: CorsRuleDto[];
}

// ---- tagging ----

export class TaggingDto {
  @ApiPropertyOptional({ type: [TagDto], description: 'S3 shape: [{ Key, Value }]' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TagDto)
  TagSet?: TagDto[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Alias: { key: value }' })
  @IsOptional()
  @IsObject()
  tags?: Record<string, string>;
}

// ---- ACL ----

export class AclGranteeDto {
  @ApiProperty({ enum: ['CanonicalUser', 'Group'] })
  @IsIn(['CanonicalUser', 'Group'])
  type!: 'CanonicalUser' | 'Group';

  @ApiPropertyOptional({ description: 'CanonicalUser: the user id' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  id?: string;

  @ApiPropertyOptional({ description: 'Group: http://acs.amazonaws.com/groups/global/AllUsers, …/AuthenticatedUsers, …/s3/LogDelivery' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  uri?: string;
}

export class AclGrantDto {
  @ApiProperty({ type: AclGranteeDto })
  @ValidateNested()
  @Type(() => AclGranteeDto)
  grantee!: AclGranteeDto;

  @ApiProperty({ enum: ACL_PERMISSIONS })
  @IsIn(ACL_PERMISSIONS)
  permission!: AclPermission;
}

/** A canned ACL, or the grants: exactly one of them. */
export class PutAclDto {
  @ApiPropertyOptional({ enum: CANNED_ACLS })
  @IsOptional()
  @IsIn(CANNED_ACLS)
  acl?: CannedAcl;

  @ApiPropertyOptional({ enum: CANNED_ACLS, description: 'Alias of acl' })
  @IsOptional()
  @IsIn(CANNED_ACLS)
  canned_acl?: CannedAcl;

  @ApiPropertyOptional({ type: [AclGrantDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AclGrantDto)
  grants?: AclGrantDto[];
}

// ---- notifications ----

export class NotificationTargetDto {
  @ApiProperty({ enum: NOTIFICATION_TARGET_TYPES })
  @IsIn(NOTIFICATION_TARGET_TYPES)
  type!: (typeof NOTIFICATION_TARGET_TYPES)[number];

  @ApiPropertyOptional({
    description: 'webhook: http(s) URL; redis: redis://…; rabbitmq: amqp://…; mqtt: mqtt://… or tcp://…; nats: nats://…',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ description: 'queue, topic, lambda (S3 API): the ARN' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  arn?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'webhook: extra request headers' })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ description: 'redis: channel to PUBLISH to' }) @IsOptional() @IsString() @MaxLength(2048) channel?: string;
  @ApiPropertyOptional({ description: 'redis: list to RPUSH to' }) @IsOptional() @IsString() @MaxLength(2048) key?: string;
  @ApiPropertyOptional({ description: 'rabbitmq: exchange ("" = default)' }) @IsOptional() @IsString() @MaxLength(2048) exchange?: string;
  @ApiPropertyOptional({ description: 'rabbitmq: routing key' }) @IsOptional() @IsString() @MaxLength(2048) routing_key?: string;
  @ApiPropertyOptional({ description: 'mqtt: topic' }) @IsOptional() @IsString() @MaxLength(2048) topic?: string;
  @ApiPropertyOptional({ enum: [0, 1, 2], description: 'mqtt: QoS' }) @IsOptional() @IsIn([0, 1, 2]) qos?: 0 | 1 | 2;
  @ApiPropertyOptional({ description: 'nats: subject' }) @IsOptional() @IsString() @MaxLength(2048) subject?: string;
  @ApiPropertyOptional({ description: "nats: publish through JetStream (waits for the stream's ack)" })
  @IsOptional()
  @IsBoolean()
  jetstream?: boolean;

  @ApiPropertyOptional({ description: 'webhook: HMAC-SHA256 key; each POST carries X-Signature-256: sha256=<hex>. Never returned.' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  secret?: string;
}

export class NotificationFilterDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) prefix?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) suffix?: string;
}

export class NotificationRuleDto {
  @ApiPropertyOptional({ description: 'Generated when absent' }) @IsOptional() @IsString() @MaxLength(255) id?: string;

  @ApiProperty({ type: NotificationTargetDto })
  @ValidateNested()
  @Type(() => NotificationTargetDto)
  target!: NotificationTargetDto;

  @ApiProperty({ enum: NOTIFICATION_EVENTS, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(NOTIFICATION_EVENTS, { each: true })
  events!: string[];

  @ApiPropertyOptional({ type: NotificationFilterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => NotificationFilterDto)
  filter?: NotificationFilterDto;
}

export class NotificationConfigurationDto {
  @ApiProperty({ type: [NotificationRuleDto], description: 'An empty list removes the configuration' })
  @IsArray()
  @ArrayMaxSize(MAX_NOTIFICATION_RULES)
  @ValidateNested({ each: true })
  @Type(() => NotificationRuleDto)
  rules!: NotificationRuleDto[];
}

// ---- object lock ----

export class ObjectLockDto {
  @ApiPropertyOptional({ description: 'Enable object lock (it cannot be disabled); needs versioning Enabled' })
  @IsOptional()
  @IsIn([true], { message: 'enabled must be true: object lock cannot be disabled' })
  enabled?: boolean;

  @ApiPropertyOptional({ enum: LOCK_MODES, description: 'Default retention mode (with days or years); absent = no default retention' })
  @IsOptional()
  @IsIn(LOCK_MODES)
  mode?: LockMode;

  @ApiPropertyOptional({ minimum: 1, maximum: 36500 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36500)
  days?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  years?: number;
}

// ---- inventory ----

export class InventoryConfigurationDto {
  @ApiPropertyOptional({ default: 'default' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'id must be 1-64 characters of letters, digits and ._-' })
  id?: string;

  @ApiPropertyOptional({ default: true, description: 'false: no scheduled reports (POST …/inventory/run still writes one)' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiProperty({ description: 'A bucket of the same tenant' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(63)
  destination_bucket!: string;

  @ApiPropertyOptional({ description: 'Key prefix of the reports: <prefix>/<bucket>/<timestamp>.csv' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  prefix?: string;

  @ApiProperty({ enum: INVENTORY_SCHEDULES })
  @IsIn(INVENTORY_SCHEDULES)
  schedule!: (typeof INVENTORY_SCHEDULES)[number];

  @ApiPropertyOptional({ enum: INVENTORY_FORMATS, default: 'CSV' })
  @IsOptional()
  @IsIn(INVENTORY_FORMATS)
  format?: (typeof INVENTORY_FORMATS)[number];

  @ApiPropertyOptional({ enum: INVENTORY_VERSIONS, default: 'Current' })
  @IsOptional()
  @IsIn(INVENTORY_VERSIONS)
  included_versions?: (typeof INVENTORY_VERSIONS)[number];

  @ApiPropertyOptional({
    enum: INVENTORY_FIELDS,
    isArray: true,
    description: 'Columns after the key (default Size, ETag, LastModifiedDate, StorageClass, VersionId)',
  })
  @IsOptional()
  @IsArray()
  @IsIn(INVENTORY_FIELDS, { each: true })
  fields?: Array<(typeof INVENTORY_FIELDS)[number]>;
}
