/**
 * Chooses the node that will hold a new bucket's bytes (cluster mode). Provided by src/cluster;
 * absent on a single node, where buckets have no owner node (null).
 */
export abstract class BucketPlacement {
  /** The owner node id of a bucket being created. */
  abstract ownerForNewBucket(): Promise<string | null>;

  /**
   * Whether this node may serve reads of a bucket another node holds: it holds a replica
   * (cluster replication) and the owner is down, so reads fail over here.
   */
  abstract servesReadsOf(bucket: { name: string; nodeId: string | null }): Promise<boolean>;
}
