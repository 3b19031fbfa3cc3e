import { Injectable } from '@nestjs/common';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { DatabaseService } from '../database/database.service';
import { ClusterInternalService, INTERNAL_NODE_PATH } from './cluster-internal.service';
import { ClusterNodesService, ClusterNodeView, NodeCounts } from './cluster-nodes.service';

export type OverallHealth = 'healthy' | 'degraded' | 'unhealthy';

export interface ClusterHealthSummary extends NodeCounts {
  overall: OverallHealth;
  healthPercentage: number;
  checkedAt: Date;
  nodes: Array<ClusterNodeView & { secondsSinceHeartbeat: number | null }>;
}

export interface ProbeResult {
  nodeId: string;
  reachable: boolean;
  latencyMs: number | null;
  error?: string;
}

export interface ClusterStatus {
  enabled: boolean;
  clusterId: string | null;
  nodeId: string;
  counts: NodeCounts;
  totalBuckets: number;
  /** Buckets this node holds (all of them on a single node). */
  localBuckets: number;
  checkedAt: Date;
}

/** What the console shows of the cluster: status, health summary, and an on-demand probe of every node. */
@Injectable()
export class ClusterHealthService {
  constructor(
    private readonly nodes: ClusterNodesService,
    private readonly internal: ClusterInternalService,
    private readonly db: DatabaseService,
  ) {}

  async status(): Promise<ClusterStatus> {
    const [counts, totalBuckets, localBuckets] = await Promise.all([
      this.nodes.counts(),
      this.db.repo(BucketEntity).count(),
      this.nodes.enabled ? this.db.repo(BucketEntity).countBy({ nodeId: this.nodes.nodeId }) : undefined,
    ]);
    return {
      enabled: this.nodes.enabled,
      clusterId: this.nodes.clusterId(),
      nodeId: this.nodes.nodeId,
      counts,
      totalBuckets,
      localBuckets: localBuckets ?? totalBuckets,
      checkedAt: new Date(),
    };
  }

  async summary(): Promise<ClusterHealthSummary> {
    const nodes = await this.nodes.list();
    const now = Date.now();
    const counted = nodes.filter((n) => n.status === 'active');
    const healthy = counted.filter((n) => n.health === 'healthy').length;
    const pct = counted.length === 0 ? 0 : Math.round((healthy / counted.length) * 1000) / 10;
    return {
      total: nodes.length,
      healthy: nodes.filter((n) => n.health === 'healthy').length,
      unhealthy: nodes.filter((n) => n.health === 'unhealthy').length,
      unknown: nodes.filter((n) => n.health === 'unknown').length,
      left: nodes.filter((n) => n.status === 'left').length,
      overall: healthy === counted.length && healthy > 0 ? 'healthy' : healthy > 0 ? 'degraded' : 'unhealthy',
      healthPercentage: pct,
      checkedAt: new Date(now),
      nodes: nodes.map((n) => ({
        ...n,
        secondsSinceHeartbeat: n.lastHeartbeat ? Math.max(0, Math.round((now - n.lastHeartbeat.getTime()) / 100) / 10) : null,
      })),
    };
  }

  /**
   * A health check now: applies the heartbeat timeout at once, then calls every other node's
   * internal /_cluster/v1/node route (signed) and stores its round trip.
   */
  async refresh(): Promise<{ summary: ClusterHealthSummary; probes: ProbeResult[] }> {
    if (!this.nodes.enabled) return { summary: await this.summary(), probes: [] };
    await this.nodes.markTimedOut();
    const others = (await this.nodes.list()).filter((n) => !n.isLocal);
    const probes = await Promise.all(
      others.map(async (n): Promise<ProbeResult> => {
        try {
          const r = await this.internal.call(n.internalEndpoint, 'GET', INTERNAL_NODE_PATH);
          const body = r.body as { node_id?: string } | null;
          if (r.status !== 200 || body?.node_id !== n.id) {
            await this.nodes.recordLatency(n.id, null);
            return {
              nodeId: n.id,
              reachable: false,
              latencyMs: null,
              error: `answered ${r.status}${body?.node_id ? ` as node ${body.node_id}` : ''}`,
            };
          }
          await this.nodes.recordLatency(n.id, r.latencyMs);
          return { nodeId: n.id, reachable: true, latencyMs: r.latencyMs };
        } catch (err) {
          await this.nodes.recordLatency(n.id, null);
          return { nodeId: n.id, reachable: false, latencyMs: null, error: (err as Error).message };
        }
      }),
    );
    return { summary: await this.summary(), probes };
  }
}
