/**
 * Chooses the node that will hold a new bucket's bytes (cluster mode). Provided by src/cluster;
 * absent on a single node, where buckets have no owner node (null).
 */
export abstract class BucketPlacement {
  /** The owner node id of a bucket being created. */
  abstract ownerForNewBucket(): Promise<string | null>;
}
