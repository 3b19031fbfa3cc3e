import { AuditLogEntity } from '../audit/entities/audit-log.entity';
import { RevokedTokenEntity } from '../auth/entities/revoked-token.entity';
import { BucketConfigEntity } from '../buckets/entities/bucket-config.entity';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { LifecycleProgressEntity } from '../lifecycle/entities/lifecycle-progress.entity';
import { AccessKeyEntity } from '../iam/entities/access-key.entity';
import { UserEntity } from '../iam/entities/user.entity';
import { UserPolicyEntity } from '../iam/entities/user-policy.entity';
import { TenantEntity } from '../tenants/entities/tenant.entity';
import { MultipartUploadEntity } from '../multipart/entities/multipart-upload.entity';
import { UploadPartEntity } from '../multipart/entities/upload-part.entity';
import { ObjectEntity } from '../objects/entities/object.entity';
import { BlobEntity } from '../storage/blob.entity';
import { ShareEntity } from '../shares/entities/share.entity';
import { SettingEntity } from '../settings/entities/setting.entity';
import { MetricSnapshotEntity } from '../monitoring/entities/metric-snapshot.entity';
import { ExternalIdentityEntity } from '../idp/entities/external-identity.entity';
import { GroupMappingEntity } from '../idp/entities/group-mapping.entity';
import { IdentityProviderEntity } from '../idp/entities/identity-provider.entity';
import { OAuthStateEntity } from '../idp/entities/oauth-state.entity';
import { EventOutboxEntity } from '../events/entities/event-outbox.entity';
import { ClusterNodeEntity } from '../cluster/entities/cluster-node.entity';
import { ClusterMigrationEntity } from '../cluster/entities/cluster-migration.entity';
import { ClusterHealthEventEntity } from '../cluster/entities/cluster-health-event.entity';

export const ENTITIES = [
  UserEntity,
  AccessKeyEntity,
  BucketEntity,
  ObjectEntity,
  MultipartUploadEntity,
  UploadPartEntity,
  BlobEntity,
  TenantEntity,
  UserPolicyEntity,
  BucketConfigEntity,
  LifecycleProgressEntity,
  RevokedTokenEntity,
  AuditLogEntity,
  ShareEntity,
  SettingEntity,
  MetricSnapshotEntity,
  IdentityProviderEntity,
  GroupMappingEntity,
  ExternalIdentityEntity,
  OAuthStateEntity,
  EventOutboxEntity,
  ClusterNodeEntity,
  ClusterMigrationEntity,
  ClusterHealthEventEntity,
];
