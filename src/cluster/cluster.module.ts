import { Global, Module } from '@nestjs/common';
import { BucketPlacement } from '../buckets/bucket-placement';
import { BucketLocationService } from './bucket-location.service';
import { PgRelayService } from './pg-relay.service';
import { ClusterHealthService } from './cluster-health.service';
import { ClusterInternalService } from './cluster-internal.service';
import { ClusterNodesService } from './cluster-nodes.service';
import { ClusterProxyService } from './cluster-proxy.service';
import { RemoteBlobs } from '../storage/remote-blobs';
import { RemoteBlobsService } from './remote-blobs.service';
import { ObjectTransferService } from './object-transfer.service';
import { BucketMigrationService } from './bucket-migration.service';

/**
 * Scale-out on one shared PostgreSQL (CLUSTER_ENABLED): node registry and heartbeats, node-to-node
 * calls signed with CLUSTER_SECRET, cache invalidation across nodes with LISTEN/NOTIFY, bucket
 * placement, the streaming proxy to a bucket's owner node and the transfer of object bytes between
 * nodes (object-transfer.service.ts). Loaded
 * always; with cluster mode off it writes nothing and describes the single node. Global, so that
 * the S3 port's seam and the metrics can ask it without importing it.
 */
@Global()
@Module({
  providers: [
    ClusterNodesService,
    PgRelayService,
    ClusterInternalService,
    ClusterHealthService,
    BucketLocationService,
    ClusterProxyService,
    RemoteBlobsService,
    ObjectTransferService,
    BucketMigrationService,
    { provide: BucketPlacement, useExisting: BucketLocationService },
    // Only in cluster mode: a single node has no other volume to reach.
    { provide: RemoteBlobs, inject: [RemoteBlobsService], useFactory: (r: RemoteBlobsService) => (r.enabled ? r : null) },
  ],
  exports: [
    ClusterNodesService,
    PgRelayService,
    ClusterInternalService,
    ClusterHealthService,
    BucketLocationService,
    ClusterProxyService,
    RemoteBlobsService,
    RemoteBlobs,
    ObjectTransferService,
    BucketMigrationService,
    BucketPlacement,
  ],
})
export class ClusterModule {}
