import { Injectable, Optional } from '@nestjs/common';
import { BucketPlacement } from '../buckets/bucket-placement';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { ALL_ENTRIES, CacheInvalidation } from '../common/cache-invalidation';
import { DomainError } from '../common/domain-error';
import { DatabaseService } from '../database/database.service';
import { ClusterNodesService, ClusterNodeView } from './cluster-nodes.service';
import { ClusterReplicationRuleEntity } from './entities/cluster-replication-rule.entity';

/** Bucket owners change only by deletion/creation (invalidated across nodes) or a migration: a long lifetime is safe. */
const LOCATION_TTL_MS = 30_000;
const LOCATION_CACHE_MAX = 100_000;
/** The registry read for forwarding is reused this long (node endpoints and health change rarely). */
const NODES_TTL_MS = 1_000;

export interface BucketLocation {
  bucket: string;
  /** null: the bucket does not exist, or has no owner (created before cluster mode): served where it is asked. */
  nodeId: string | null;
}

export interface LocationCacheStats {
  enabled: boolean;
  entries: number;
  hits: number;
  misses: number;
  hitRatio: number;
  invalidations: number;
  ttlSeconds: number;
}

/**
 * Where each bucket lives (buckets.node_id), with a per-node cache and its hit/miss statistics,
 * and the placement of new buckets. A cached location is dropped on every node when the bucket
 * changes (CacheInvalidation topic `bucket`, relayed by LISTEN/NOTIFY).
 *
 * Placement: a new bucket belongs to the node that receives CreateBucket; if that node has left
 * the cluster, to the healthy active node holding the fewest buckets.
 */
@Injectable()
export class BucketLocationService extends BucketPlacement {
  private readonly cache = new Map<string, { nodeId: string | null; expires: number }>();
  private hits = 0;
  private misses = 0;
  private invalidations = 0;
  private generation = 0;
  private nodesCache?: { at: number; nodes: Promise<Map<string, ClusterNodeView>> };

  constructor(
    private readonly nodes: ClusterNodesService,
    private readonly db: DatabaseService,
    @Optional() invalidation?: CacheInvalidation,
  ) {
    super();
    invalidation?.on('bucket', (name) => {
      this.generation++;
      this.invalidations++;
      if (name === ALL_ENTRIES) this.cache.clear();
      else this.cache.delete(name);
    });
  }

  async ownerForNewBucket(): Promise<string | null> {
    if (!this.nodes.enabled) return null;
    const self = await this.nodes.get(this.nodes.nodeId);
    if (self.status === 'active') return self.id;
    const candidates = (await this.nodes.healthyNodes()).map((n) => n.id);
    if (candidates.length === 0) throw new DomainError('ClusterNodeUnavailable', 'no healthy active node can hold a new bucket');
    const rows: Array<{ node_id: string; n: string }> = await this.db.dataSource.query(
      'SELECT node_id, COUNT(*) AS n FROM buckets WHERE node_id = ANY($1) GROUP BY node_id',
      [candidates],
    );
    const load = new Map(rows.map((r) => [r.node_id, Number(r.n)]));
    return candidates.sort((x, y) => (load.get(x) ?? 0) - (load.get(y) ?? 0) || x.localeCompare(y))[0];
  }

  /** The owner of `bucket` (cached). */
  async locate(bucket: string): Promise<BucketLocation> {
    const now = Date.now();
    const hit = this.cache.get(bucket);
    if (hit && hit.expires > now) {
      this.hits++;
      return { bucket, nodeId: hit.nodeId };
    }
    this.misses++;
    const generation = this.generation;
    const row = await this.db.repo(BucketEntity).findOne({ select: { nodeId: true }, where: { name: bucket } });
    const nodeId = row?.nodeId ?? null;
    if (generation === this.generation) {
      if (this.cache.size >= LOCATION_CACHE_MAX) this.cache.clear();
      this.cache.set(bucket, { nodeId, expires: now + LOCATION_TTL_MS });
    }
    return { bucket, nodeId };
  }

  /**
   * The node a request for `bucket` must be streamed to, or null when this node serves it
   * (it owns the bucket, the bucket has no owner, or does not exist: the operation says so).
   */
  async remoteOwner(bucket: string): Promise<ClusterNodeView | null> {
    if (!this.nodes.enabled) return null;
    const { nodeId } = await this.locate(bucket);
    if (nodeId === null || nodeId === this.nodes.nodeId) return null;
    const node = (await this.nodeMap()).get(nodeId);
    if (!node) throw new DomainError('ClusterNodeUnavailable', `bucket ${bucket} belongs to node ${nodeId}, which is not registered`);
    return node;
  }

  /** Whether this node holds a replica of `bucket` (an enabled cluster replication rule names it) and the owner is not healthy. */
  async servesReadsOf(bucket: { name: string; nodeId: string | null }): Promise<boolean> {
    if (!this.nodes.enabled || bucket.nodeId === null || bucket.nodeId === this.nodes.nodeId) return false;
    if ((await this.nodeMap()).get(bucket.nodeId)?.health === 'healthy') return false;
    const rules = await this.db
      .repo(ClusterReplicationRuleEntity)
      .find({ select: { targetNodeIds: true }, where: { bucketName: bucket.name, enabled: true } });
    return rules.some((r) => r.targetNodeIds.includes(this.nodes.nodeId));
  }

  /** Drops one bucket's location (or all) from this node's cache. */
  clear(bucket?: string): number {
    this.generation++;
    if (bucket !== undefined) return this.cache.delete(bucket) ? 1 : 0;
    const n = this.cache.size;
    this.cache.clear();
    return n;
  }

  stats(): LocationCacheStats {
    const lookups = this.hits + this.misses;
    return {
      enabled: this.nodes.enabled,
      entries: this.cache.size,
      hits: this.hits,
      misses: this.misses,
      hitRatio: lookups === 0 ? 0 : this.hits / lookups,
      invalidations: this.invalidations,
      ttlSeconds: LOCATION_TTL_MS / 1000,
    };
  }

  /** How many buckets each node holds. */
  async bucketsPerNode(): Promise<Map<string | null, number>> {
    const rows: Array<{ node_id: string | null; n: string }> = await this.db.dataSource.query(
      'SELECT node_id, COUNT(*) AS n FROM buckets GROUP BY node_id',
    );
    return new Map(rows.map((r) => [r.node_id, Number(r.n)]));
  }

  private nodeMap(): Promise<Map<string, ClusterNodeView>> {
    const now = Date.now();
    if (this.nodesCache && now - this.nodesCache.at < NODES_TTL_MS) return this.nodesCache.nodes;
    const nodes = this.nodes.list().then((list) => new Map(list.map((n) => [n.id, n])));
    nodes.catch(() => (this.nodesCache = undefined));
    this.nodesCache = { at: now, nodes };
    return nodes;
  }
}
