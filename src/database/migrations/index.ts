import { InitialSchema1763700000000 } from './1763700000000-InitialSchema';
import { Tenancy1763800000000 } from './1763800000000-Tenancy';
import { VersioningLockTagging1763850000000 } from './1763850000000-VersioningLockTagging';
import { BucketConfigs1763870000000 } from './1763870000000-BucketConfigs';
import { ConsoleAuthAudit1763900000000 } from './1763900000000-ConsoleAuthAudit';
import { SettingsMetrics1763960000000 } from './1763960000000-SettingsMetrics';
import { Shares1763970000000 } from './1763970000000-Shares';
import { IdentityProviders1764100000000 } from './1764100000000-IdentityProviders';
import { Encryption1764200000000 } from './1764200000000-Encryption';
import { EventOutbox1764300000000 } from './1764300000000-EventOutbox';
import { ReplicationStatus1764450000000 } from './1764450000000-ReplicationStatus';
import { TenantProfile1764250000000 } from './1764250000000-TenantProfile';
import { TenantFullAccess1764200000000 } from './1764200000000-TenantFullAccess';
import { ObjectUploadId1764200000001 } from './1764200000001-ObjectUploadId';
import { Cluster1764400000000 } from './1764400000000-Cluster';
import { BucketControls1764450000000 } from './1764450000000-BucketControls';
import { ClusterMigrations1764530000000 } from './1764530000000-ClusterMigrations';

/** Every migration, in order. Both SQLite and PostgreSQL run the same list. */
export const MIGRATIONS = [
  InitialSchema1763700000000,
  Tenancy1763800000000,
  VersioningLockTagging1763850000000,
  BucketConfigs1763870000000,
  ConsoleAuthAudit1763900000000,
  SettingsMetrics1763960000000,
  Shares1763970000000,
  IdentityProviders1764100000000,
  Encryption1764200000000,
  TenantFullAccess1764200000000,
  ObjectUploadId1764200000001,
  TenantProfile1764250000000,
  EventOutbox1764300000000,
  Cluster1764400000000,
  ReplicationStatus1764450000000,
  BucketControls1764450000000,
  ClusterMigrations1764530000000,
];
