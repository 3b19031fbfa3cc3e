import { Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { BucketLocationService } from '../cluster/bucket-location.service';
import { ClusterNodesService } from '../cluster/cluster-nodes.service';
import { ClusterReplicationService } from '../cluster/cluster-replication.service';
import { DatabaseService } from '../database/database.service';
import { TenantUsage, usageByTenant } from '../monitoring/storage-usage';
import { METRIC } from './metrics.service';

/** A scrape reuses the usage read within this long (scrapes come every 15-60 s; the console may poll faster). */
const USAGE_CACHE_MS = 5_000;
/** Label value of the global users' buckets (they belong to no tenant). */
export const NO_TENANT_LABEL = '';

/**
 * The storage and cluster gauges of the MaxIOFS reference, computed when Prometheus scrapes
 * (collect()): bytes, objects and buckets per tenant; cluster_nodes_total / _healthy from the node
 * registry (1/1 for a single node), cluster_cache_hit_ratio from the bucket location cache, cluster_replication_objects_pending from the
 * cluster replication queue. Registered here (not with makeGaugeProvider) so that each app instance's
 * collect reads its own database, and unregistered when the app closes.
 */
@Injectable()
export class StorageGauges implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(StorageGauges.name);
  private names: string[] = [];
  private cached?: { at: number; usage: Promise<TenantUsage[]> };

  constructor(
    private readonly db: DatabaseService,
    @Optional() private readonly cluster?: ClusterNodesService,
    @Optional() private readonly locations?: BucketLocationService,
    @Optional() private readonly replication?: ClusterReplicationService,
  ) {}

  onModuleInit(): void {
    const usage = () => this.usage();
    const perTenant = (name: string, help: string, pick: (u: TenantUsage) => number) =>
      this.gauge(name, help, ['tenant'], async function (this: Gauge<'tenant'>) {
        this.reset();
        for (const u of await usage()) this.set({ tenant: u.tenantName ?? NO_TENANT_LABEL }, pick(u));
      });
    perTenant(METRIC.storageUsedBytes, 'Bytes stored, per tenant ("" = buckets of global users)', (u) => u.bytes);
    perTenant(METRIC.objectsTotal, 'Objects stored (every version), per tenant', (u) => u.objects);
    perTenant(METRIC.bucketsTotal, 'Buckets, per tenant', (u) => u.buckets);
    const counts = () => this.nodeCounts();
    this.gauge(METRIC.clusterNodesTotal, 'Nodes of the cluster (1: a single node)', [], async function (this: Gauge) {
      this.set((await counts()).total);
    });
    this.gauge(METRIC.clusterNodesHealthy, 'Healthy nodes of the cluster', [], async function (this: Gauge) {
      this.set((await counts()).healthy);
    });
    const locations = this.locations;
    this.gauge(
      METRIC.clusterCacheHitRatio,
      "Hit ratio of this node's bucket location cache (0 until a lookup; a single node makes none)",
      [],
      function (this: Gauge) {
        this.set(locations?.stats().hitRatio ?? 0);
      },
    );
    this.replicationGauge();
  }

  private replicationGauge(): void {
    const pending = () => this.pendingCopies();
    this.gauge(
      METRIC.clusterReplicationPending,
      'Object copies the cluster replication queue still has to make (the whole cluster: the queue is shared; 0 on a single node)',
      [],
      async function (this: Gauge) {
        this.set(await pending());
      },
    );
  }

  private async pendingCopies(): Promise<number> {
    try {
      return (await this.replication?.pending())?.total ?? 0;
    } catch (err) {
      this.logger.warn(`reading the cluster replication queue for the metrics failed: ${err}`);
      return 0;
    }
  }

  onModuleDestroy(): void {
    for (const name of this.names) register.removeSingleMetric(name);
    this.names = [];
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[], collect: (this: Gauge<L>) => void | Promise<void>): void {
    // Another app instance in this process (tests) registered it: the newest app's collect wins.
    if (register.getSingleMetric(name)) register.removeSingleMetric(name);
    new Gauge<L>({ name, help, labelNames, collect });
    this.names.push(name);
  }

  private async nodeCounts(): Promise<{ total: number; healthy: number }> {
    if (!this.cluster) return { total: 1, healthy: 1 };
    try {
      return await this.cluster.counts();
    } catch (err) {
      this.logger.warn(`reading the cluster nodes for the metrics failed: ${err}`);
      return { total: 0, healthy: 0 };
    }
  }

  private usage(): Promise<TenantUsage[]> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < USAGE_CACHE_MS) return this.cached.usage;
    const usage = usageByTenant(this.db.manager).catch((err) => {
      this.logger.warn(`reading storage usage for the metrics failed: ${err}`);
      this.cached = undefined;
      return [];
    });
    this.cached = { at: now, usage };
    return usage;
  }
}
