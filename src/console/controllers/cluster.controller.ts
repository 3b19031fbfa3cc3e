import { Body, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { BucketLocationService } from '../../cluster/bucket-location.service';
import { ClusterHealthService, ClusterHealthSummary } from '../../cluster/cluster-health.service';
import { ClusterProxyService } from '../../cluster/cluster-proxy.service';
import { ClusterNodesService } from '../../cluster/cluster-nodes.service';
import { ClusterReplicationService, PendingFigures } from '../../cluster/cluster-replication.service';
import { DomainError } from '../../common/domain-error';
import { Audit, ConsoleController, NoAudit, Roles } from '../decorators';
import {
  AddClusterNodeDto,
  ClearCacheBodyDto,
  ClearCacheQueryDto,
  HealthHistoryQueryDto,
  InitializeClusterDto,
  JoinClusterDto,
  toClusterNodeDto,
  toHealthEventDto,
  UpdateClusterNodeDto,
} from '../dto/cluster.dto';
import { PageQueryDto } from '../dto/pagination.dto';
import { ok, pageInfo, paged, paginate } from '../http/responses';
import { OPS_AUDIT_ACTION as A, OPS_AUDIT_RESOURCE as R } from '../ops.constants';

/**
 * Cluster management (MaxIOFS "Cluster Management"), global admins only. Membership is the node
 * registry in the shared PostgreSQL: nodes register themselves when they boot with
 * CLUSTER_ENABLED; these routes show it and change it. With cluster mode off they describe the
 * single node and refuse changes (409, saying how to turn cluster mode on).
 */
@ConsoleController('cluster', 'cluster')
@Roles('admin')
export class ClusterController {
  constructor(
    private readonly nodes: ClusterNodesService,
    private readonly health: ClusterHealthService,
    private readonly locations: BucketLocationService,
    private readonly proxy: ClusterProxyService,
    private readonly replication: ClusterReplicationService,
  ) {}

  @Post('initialize')
  @HttpCode(200)
  @Audit(R.cluster, A.initialize)
  @ApiOperation({
    summary: 'Nodes form a cluster by booting on one PostgreSQL with CLUSTER_ENABLED: 409 (already initialized, or how to enable it)',
  })
  async initialize(@Body() _dto: InitializeClusterDto): Promise<never> {
    if (!this.nodes.enabled) {
      throw new DomainError(
        'ClusterConflict',
        'a cluster is formed at boot: start every node with CLUSTER_ENABLED=true, the same DATABASE_URL (PostgreSQL) and CLUSTER_SECRET; each registers itself',
      );
    }
    throw new DomainError('ClusterConflict', `this node already belongs to cluster ${this.nodes.clusterId()}`, {
      cluster_id: this.nodes.clusterId() ?? '',
    });
  }

  @Post('join')
  @HttpCode(200)
  @Audit(R.cluster, A.join)
  @ApiOperation({ summary: 'This node takes part in the cluster again after leaving (new buckets may be placed on it)' })
  async join(@Body() dto: JoinClusterDto) {
    const node = toClusterNodeDto(await this.nodes.join(dto.cluster_token));
    return ok({ message: 'Successfully joined cluster', node });
  }

  @Post('leave')
  @HttpCode(200)
  @Audit(R.cluster, A.leave)
  @ApiOperation({ summary: 'This node leaves: it keeps running and serving what it holds, but gets no new buckets' })
  async leave() {
    const node = toClusterNodeDto(await this.nodes.leave());
    return ok({ message: 'Successfully left cluster', node });
  }

  @Get('status')
  @NoAudit()
  @ApiOperation({ summary: 'Cluster status: nodes by health, buckets' })
  async status() {
    const s = await this.health.status();
    return ok({
      is_enabled: s.enabled,
      cluster_id: s.clusterId,
      node_id: s.nodeId,
      total_nodes: s.counts.total,
      healthy_nodes: s.counts.healthy,
      unhealthy_nodes: s.counts.unhealthy,
      unknown_nodes: s.counts.unknown,
      left_nodes: s.counts.left,
      degraded_nodes: 0,
      unavailable_nodes: s.counts.unhealthy,
      total_buckets: s.totalBuckets,
      local_buckets: s.localBuckets,
      replicated_buckets: (await this.replication.list()).filter((r) => r.enabled).length,
      last_updated: s.checkedAt.toISOString(),
    });
  }

  @Get('config')
  @NoAudit()
  @ApiOperation({ summary: "This node's cluster configuration (never the secret)" })
  async config() {
    const c = this.nodes.cluster;
    const self = await this.nodes.get(this.nodes.nodeId);
    return ok({
      is_cluster_enabled: this.nodes.enabled,
      cluster_id: this.nodes.clusterId(),
      node_id: self.id,
      node_name: self.name,
      endpoint: self.s3Endpoint,
      internal_endpoint: self.internalEndpoint,
      zone: self.zone,
      heartbeat_interval_seconds: c ? c.heartbeatIntervalMs / 1000 : null,
      node_timeout_seconds: c ? c.nodeTimeoutMs / 1000 : null,
      created_at: self.createdAt.toISOString(),
    });
  }

  @Get('nodes')
  @NoAudit()
  @ApiOperation({ summary: 'Every registered node with its health and last heartbeat' })
  async list(@Query() q: PageQueryDto) {
    const all = (await this.nodes.list()).map(toClusterNodeDto);
    const { items, pagination } = paginate(all, q.page, q.page_size);
    return paged(items, pagination, { nodes: items, total: all.length });
  }

  @Post('nodes')
  @Audit(R.clusterNode, A.create)
  @ApiOperation({ summary: 'Declare a node before it runs: `unknown` until it boots with this NODE_ID' })
  async add(@Body() dto: AddClusterNodeDto) {
    const node = await this.nodes.add({
      id: dto.id,
      name: dto.name,
      s3Endpoint: dto.endpoint,
      internalEndpoint: dto.internal_endpoint,
      zone: dto.zone,
      capacityBytes: dto.capacity_total,
    });
    return ok(toClusterNodeDto(node));
  }

  @Get('nodes/:id')
  @NoAudit()
  @ApiOperation({ summary: 'One node' })
  async get(@Param('id') id: string) {
    return ok(toClusterNodeDto(await this.nodes.get(id)));
  }

  @Put('nodes/:id')
  @Audit(R.clusterNode, A.update)
  @ApiOperation({ summary: 'Change a node: name, endpoints, zone, capacity, status (active | left)' })
  async update(@Param('id') id: string, @Body() dto: UpdateClusterNodeDto) {
    const node = await this.nodes.update(id, {
      name: dto.name,
      s3Endpoint: dto.endpoint,
      internalEndpoint: dto.internal_endpoint,
      zone: dto.zone,
      capacityBytes: dto.capacity_total,
      status: dto.status,
    });
    return ok(toClusterNodeDto(node));
  }

  @Delete('nodes/:id')
  @HttpCode(204)
  @Audit(R.clusterNode, A.delete)
  @ApiOperation({ summary: 'Remove a node that is not running (409 for a live node, or this one)' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.nodes.remove(id);
  }

  @Get('health')
  @NoAudit()
  @ApiOperation({ summary: 'Health summary: nodes by health, overall status, seconds since each heartbeat' })
  async healthSummary() {
    const [summary, pending] = await Promise.all([this.health.summary(), this.replication.pending()]);
    return ok({ ...toHealthDto(summary), replication: toPendingDto(pending) });
  }

  @Get('health/history')
  @NoAudit()
  @ApiOperation({ summary: 'Health and membership changes, newest first' })
  async history(@Query() q: HealthHistoryQueryDto) {
    const { total, events } = await this.nodes.history(q.page_size, (q.page - 1) * q.page_size, q.node_id);
    const items = events.map(toHealthEventDto);
    return paged(items, pageInfo(total, q.page, q.page_size), { events: items });
  }

  @Post('health/refresh')
  @HttpCode(200)
  @Audit(R.cluster, A.healthCheck)
  @ApiOperation({ summary: 'Health check now: heartbeat timeouts applied, every other node probed with a signed internal call' })
  async refresh() {
    const { summary, probes } = await this.health.refresh();
    return ok({
      ...toHealthDto(summary),
      probes: probes.map((p) => ({ node_id: p.nodeId, reachable: p.reachable, latency_ms: p.latencyMs, error: p.error ?? null })),
    });
  }

  @Get('cache/stats')
  @NoAudit()
  @ApiOperation({ summary: "This node's bucket location cache: entries, hits, misses, hit ratio; requests forwarded to owner nodes" })
  cacheStats() {
    const s = this.locations.stats();
    const p = this.proxy.stats();
    return ok({
      enabled: s.enabled,
      node_id: this.nodes.nodeId,
      entries: s.entries,
      hits: s.hits,
      misses: s.misses,
      hit_ratio: s.hitRatio,
      invalidations: s.invalidations,
      ttl_seconds: s.ttlSeconds,
      forwarded_requests: p.forwarded,
      forward_failures: p.failures,
    });
  }

  @Delete('cache')
  @HttpCode(200)
  @Audit(R.cluster, A.clearCache)
  @ApiOperation({ summary: 'Clear this node\'s bucket location cache (one bucket with ?bucket= or {"bucket"}, else all)' })
  clearCache(@Query() q: ClearCacheQueryDto, @Body() dto: ClearCacheBodyDto) {
    const bucket = q.bucket ?? dto?.bucket;
    const cleared = this.locations.clear(bucket);
    return ok({
      message: bucket ? `Cache invalidated for bucket: ${bucket}` : 'Bucket location cache cleared',
      bucket: bucket ?? null,
      cleared,
    });
  }
}

/** The cluster replication queue (shared: every node shows the same figures). */
function toPendingDto(p: PendingFigures) {
  return {
    objects_pending: p.total,
    pending_by_node: p.byTarget,
    retrying: p.retrying,
    oldest_pending_at: p.oldestAt?.toISOString() ?? null,
  };
}

function toHealthDto(h: ClusterHealthSummary) {
  return {
    overall_status: h.overall,
    total_nodes: h.total,
    healthy_nodes: h.healthy,
    unhealthy_nodes: h.unhealthy,
    unknown_nodes: h.unknown,
    left_nodes: h.left,
    health_percentage: h.healthPercentage,
    last_check: h.checkedAt.toISOString(),
    nodes: h.nodes.map((n) => ({ ...toClusterNodeDto(n), seconds_since_heartbeat: n.secondsSinceHeartbeat })),
  };
}
