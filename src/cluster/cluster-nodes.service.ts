import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { hostname } from 'node:os';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig, ClusterConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError } from '../common/domain-error';
import { DatabaseService } from '../database/database.service';
import { NotificationBus } from '../notifications/notification-bus';
import { NOTIFICATION } from '../notifications/notification.types';
import { ClusterHealthEventEntity } from './entities/cluster-health-event.entity';
import { ClusterNodeEntity, ClusterNodeHealth, ClusterNodeStatus } from './entities/cluster-node.entity';

/** The database clock in epoch ms: every node judges heartbeats by the same clock. */
const DB_NOW_MS = `(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint`;

export interface ClusterNodeView {
  id: string;
  name: string;
  s3Endpoint: string;
  internalEndpoint: string;
  zone: string;
  capacityBytes: number;
  status: ClusterNodeStatus;
  health: ClusterNodeHealth;
  lastHeartbeat: Date | null;
  startedAt: Date | null;
  latencyMs: number | null;
  createdAt: Date;
  updatedAt: Date;
  /** This process. */
  isLocal: boolean;
}

export interface NodeCounts {
  total: number;
  healthy: number;
  unhealthy: number;
  unknown: number;
  left: number;
}

export interface NewNodeInput {
  id?: string;
  name: string;
  s3Endpoint: string;
  internalEndpoint?: string;
  zone?: string;
  capacityBytes?: number;
}

export interface NodeChanges {
  name?: string;
  s3Endpoint?: string;
  internalEndpoint?: string;
  zone?: string;
  capacityBytes?: number;
  status?: ClusterNodeStatus;
}

export interface HealthEventView {
  id: string;
  nodeId: string;
  event: string;
  observedBy: string;
  detail: string;
  at: Date;
}

const NODE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The node registry (table `cluster_nodes` in the shared PostgreSQL). Each node registers itself
 * when it starts listening, then heartbeats every CLUSTER_HEARTBEAT_SECONDS; on the same beat it
 * marks unhealthy any node whose last heartbeat is older than CLUSTER_NODE_TIMEOUT_SECONDS (one
 * conditional UPDATE: whichever node gets there first records the transition, once). Times are
 * the database's clock, so nodes' clocks need not agree.
 *
 * Single node (no CLUSTER_ENABLED): nothing is written; the figures describe this one node.
 */
@Injectable()
export class ClusterNodesService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ClusterNodesService.name);
  readonly cluster?: ClusterConfig;
  private readonly host: string;
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;
  private started = false;
  private s3Url?: string;
  private countsCache?: { at: number; counts: Promise<NodeCounts> };

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly db: DatabaseService,
    @Optional() private readonly notifications?: NotificationBus,
  ) {
    this.cluster = config.cluster;
    this.host = config.host;
    if (this.cluster && !db.isPostgres) {
      // loadConfig refuses this already; a config built in code must not slip through either.
      throw new Error('cluster mode requires PostgreSQL (DATABASE_URL); SQLite is single-node only');
    }
  }

  get enabled(): boolean {
    return this.cluster !== undefined;
  }

  get nodeId(): string {
    return this.cluster?.nodeId ?? 'local';
  }

  /** The stable id of the cluster (derived from the shared secret: every node agrees, nothing to store). */
  clusterId(): string | null {
    if (!this.cluster) return null;
    return createHmac('sha256', this.cluster.secret).update('cluster-id').digest('hex').slice(0, 16);
  }

  /** This node's S3 URL as registered. */
  localS3Endpoint(): string | undefined {
    return this.cluster?.endpoint ?? this.s3Url;
  }

  localInternalEndpoint(): string | undefined {
    return this.cluster?.internalEndpoint ?? this.localS3Endpoint();
  }

  /** Called once the S3 port listens (app.factory): registers this node and starts heartbeating. */
  async start(s3Url: string): Promise<void> {
    // Bound to every interface: other nodes reach us by host name (NODE_ENDPOINT says otherwise).
    const wildcard = this.host === '0.0.0.0' || this.host === '::';
    this.s3Url = wildcard ? `http://${hostname()}:${new URL(s3Url).port}` : s3Url;
    if (!this.cluster || this.started) return;
    this.started = true;
    await this.register();
    this.timer = setInterval(() => {
      this.beating ??= this.beat()
        .catch((err) => this.logger.warn(`cluster heartbeat failed: ${err}`))
        .finally(() => (this.beating = undefined));
    }, this.cluster.heartbeatIntervalMs);
    this.timer.unref();
  }

  /** Stops heartbeating and says so in the registry, so the others need not wait for the timeout. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    if (!this.cluster || !this.started || !this.db.dataSource.isInitialized) return;
    try {
      await this.db.tx(async (m) => {
        await m.query(`UPDATE cluster_nodes SET health = 'unhealthy', updated_at = ${DB_NOW_MS} WHERE id = $1`, [this.nodeId]);
        await this.recordEvent(m, this.nodeId, 'unhealthy', 'stopped (graceful shutdown)');
      });
    } catch (err) {
      this.logger.warn(`could not mark this node stopped: ${err}`);
    }
  }

  private async register(): Promise<void> {
    const c = this.cluster!;
    const s3 = this.localS3Endpoint()!;
    await this.db.tx(async (m) => {
      await m.query(
        `INSERT INTO cluster_nodes (id, name, s3_endpoint, internal_endpoint, zone, capacity_bytes, status, health, last_heartbeat, started_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'active', 'healthy', ${DB_NOW_MS}, ${DB_NOW_MS}, ${DB_NOW_MS}, ${DB_NOW_MS})
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, s3_endpoint = EXCLUDED.s3_endpoint,
           internal_endpoint = EXCLUDED.internal_endpoint, zone = EXCLUDED.zone, capacity_bytes = EXCLUDED.capacity_bytes,
           health = 'healthy', last_heartbeat = EXCLUDED.last_heartbeat, started_at = EXCLUDED.started_at, updated_at = EXCLUDED.updated_at`,
        [c.nodeId, c.nodeName, s3, this.localInternalEndpoint() ?? s3, c.zone, c.capacityBytes],
      );
      await this.recordEvent(m, c.nodeId, 'registered', `${c.nodeName} at ${s3}`);
    });
    this.countsCache = undefined;
    this.logger.log(`cluster node ${c.nodeId} (${c.nodeName}) registered at ${s3}`);
  }

  /** One beat: our heartbeat, then the others' timeouts. */
  async beat(): Promise<void> {
    if (!this.cluster) return;
    const recovered = await this.db.tx(async (m) => {
      const rows: Array<{ health: string }> = await m.query(`SELECT health FROM cluster_nodes WHERE id = $1 FOR UPDATE`, [this.nodeId]);
      if (rows.length === 0) return null; // removed while running: register again below
      await m.query(`UPDATE cluster_nodes SET last_heartbeat = ${DB_NOW_MS}, health = 'healthy', updated_at = ${DB_NOW_MS} WHERE id = $1`, [
        this.nodeId,
      ]);
      if (rows[0].health !== 'healthy') {
        await this.recordEvent(m, this.nodeId, 'healthy', 'heartbeating again');
        return true;
      }
      return false;
    });
    if (recovered === null) await this.register();
    else if (recovered) this.announce(NOTIFICATION.clusterNodeHealthy, this.nodeId, this.cluster.nodeName);
    await this.markTimedOut();
  }

  /** Marks unhealthy the nodes whose heartbeat is older than the bound; returns them. */
  async markTimedOut(): Promise<Array<{ id: string; name: string }>> {
    if (!this.cluster) return [];
    const down = await this.db.tx(async (m) => {
      const rows: Array<{ id: string; name: string; last_heartbeat: string }> = await m.query(
        `WITH u AS (
           UPDATE cluster_nodes SET health = 'unhealthy', updated_at = ${DB_NOW_MS}
           WHERE id <> $1 AND health = 'healthy' AND last_heartbeat < ${DB_NOW_MS} - $2
           RETURNING id, name, last_heartbeat)
         SELECT * FROM u`,
        [this.nodeId, this.cluster!.nodeTimeoutMs],
      );
      for (const r of rows) {
        await this.recordEvent(m, r.id, 'unhealthy', `no heartbeat for more than ${this.cluster!.nodeTimeoutMs / 1000} s`);
      }
      return rows;
    });
    if (down.length) this.countsCache = undefined;
    for (const n of down) {
      this.logger.warn(`cluster node ${n.id} (${n.name}) missed its heartbeats: marked unhealthy`);
      this.announce(NOTIFICATION.clusterNodeUnhealthy, n.id, n.name);
    }
    return down.map((n) => ({ id: n.id, name: n.name }));
  }

  async list(): Promise<ClusterNodeView[]> {
    if (!this.cluster) return [this.standaloneView()];
    const rows = await this.db.repo(ClusterNodeEntity).find({ order: { id: 'ASC' } });
    return rows.map((r) => this.view(r));
  }

  async get(id: string): Promise<ClusterNodeView> {
    if (!this.cluster) {
      if (id === this.nodeId) return this.standaloneView();
      throw new DomainError('ClusterNodeNotFound', `cluster node ${id} does not exist`);
    }
    return this.view(await this.entity(this.db.manager, id));
  }

  /** Healthy active nodes (targets for placement and forwarding). */
  async healthyNodes(): Promise<ClusterNodeView[]> {
    return (await this.list()).filter((n) => n.health === 'healthy' && n.status === 'active');
  }

  async counts(): Promise<NodeCounts> {
    if (!this.cluster) return { total: 1, healthy: 1, unhealthy: 0, unknown: 0, left: 0 };
    const now = Date.now();
    if (this.countsCache && now - this.countsCache.at < 1000) return this.countsCache.counts;
    const counts = this.list().then((nodes) => ({
      total: nodes.length,
      healthy: nodes.filter((n) => n.health === 'healthy').length,
      unhealthy: nodes.filter((n) => n.health === 'unhealthy').length,
      unknown: nodes.filter((n) => n.health === 'unknown').length,
      left: nodes.filter((n) => n.status === 'left').length,
    }));
    counts.catch(() => (this.countsCache = undefined));
    this.countsCache = { at: now, counts };
    return counts;
  }

  /** Declares a node before it runs (it shows as `unknown` until it registers with this id). */
  async add(input: NewNodeInput): Promise<ClusterNodeView> {
    this.requireCluster();
    const id = input.id ?? input.name;
    if (!NODE_ID.test(id)) throw new DomainError('InvalidInput', 'node ids are 1-64 characters of A-Z a-z 0-9 . _ -');
    checkUrl('endpoint', input.s3Endpoint);
    if (input.internalEndpoint !== undefined) checkUrl('internal_endpoint', input.internalEndpoint);
    const row = await this.db.tx(async (m) => {
      if (await m.existsBy(ClusterNodeEntity, { id })) throw new DomainError('ClusterConflict', `cluster node ${id} already exists`);
      const [{ now }] = await m.query(`SELECT ${DB_NOW_MS} AS now`);
      const node = m.create(ClusterNodeEntity, {
        id,
        name: input.name,
        s3Endpoint: input.s3Endpoint.replace(/\/+$/, ''),
        internalEndpoint: (input.internalEndpoint ?? input.s3Endpoint).replace(/\/+$/, ''),
        zone: input.zone ?? '',
        capacityBytes: input.capacityBytes ?? 0,
        status: 'active',
        health: 'unknown',
        lastHeartbeat: null,
        startedAt: null,
        latencyMs: null,
        createdAt: Number(now),
        updatedAt: Number(now),
      });
      await m.insert(ClusterNodeEntity, node);
      await this.recordEvent(m, id, 'added', `declared by an administrator at ${node.s3Endpoint}`);
      return node;
    });
    this.countsCache = undefined;
    return this.view(row);
  }

  async update(id: string, changes: NodeChanges): Promise<ClusterNodeView> {
    this.requireCluster();
    if (changes.s3Endpoint !== undefined) checkUrl('endpoint', changes.s3Endpoint);
    if (changes.internalEndpoint !== undefined) checkUrl('internal_endpoint', changes.internalEndpoint);
    if (changes.status !== undefined && changes.status !== 'active' && changes.status !== 'left') {
      throw new DomainError('InvalidInput', 'status must be active or left');
    }
    const row = await this.db.tx(async (m) => {
      const node = await this.entity(m, id, true);
      const before = node.status;
      if (changes.name !== undefined) node.name = changes.name;
      if (changes.s3Endpoint !== undefined) node.s3Endpoint = changes.s3Endpoint.replace(/\/+$/, '');
      if (changes.internalEndpoint !== undefined) node.internalEndpoint = changes.internalEndpoint.replace(/\/+$/, '');
      if (changes.zone !== undefined) node.zone = changes.zone;
      if (changes.capacityBytes !== undefined) node.capacityBytes = changes.capacityBytes;
      if (changes.status !== undefined) node.status = changes.status;
      const [{ now }] = await m.query(`SELECT ${DB_NOW_MS} AS now`);
      node.updatedAt = Number(now);
      await m.save(node);
      if (before !== node.status) await this.recordEvent(m, id, node.status === 'left' ? 'left' : 'joined', 'changed by an administrator');
      return node;
    });
    this.countsCache = undefined;
    return this.view(row);
  }

  /** Removes a node that is not running (unhealthy, unknown); a live node must stop (or leave) first. */
  async remove(id: string): Promise<void> {
    this.requireCluster();
    if (id === this.nodeId)
      throw new DomainError('ClusterConflict', 'this node cannot remove itself: use POST /api/v1/cluster/leave, or stop it');
    await this.db.tx(async (m) => {
      const node = await this.entity(m, id, true);
      if (node.health === 'healthy' && node.status === 'active') {
        throw new DomainError(
          'ClusterConflict',
          `cluster node ${id} is running and heartbeating: stop it (it is then marked unhealthy) or make it leave before removing it`,
        );
      }
      const [{ n }] = await m.query('SELECT COUNT(*) AS n FROM buckets WHERE node_id = $1', [id]);
      if (Number(n) > 0) {
        throw new DomainError(
          'ClusterConflict',
          `cluster node ${id} holds ${n} bucket(s): their objects would be lost; bring it back (or move them) first`,
        );
      }
      await m.delete(ClusterNodeEntity, { id });
      await this.recordEvent(m, id, 'removed', 'removed by an administrator');
    });
    this.countsCache = undefined;
  }

  /** This node takes part again (after leave). A `token`, when given, must be the cluster secret. */
  async join(token?: string): Promise<ClusterNodeView> {
    this.requireCluster();
    if (token !== undefined) {
      const digest = (v: string) => createHash('sha256').update(v).digest();
      if (!timingSafeEqual(digest(token), digest(this.cluster!.secret))) {
        throw new DomainError('AccessDenied', 'cluster_token is not the CLUSTER_SECRET of this cluster');
      }
    }
    return this.update(this.nodeId, { status: 'active' });
  }

  /** This node stays up and keeps serving, but is no longer a target for new buckets. */
  async leave(): Promise<ClusterNodeView> {
    this.requireCluster();
    return this.update(this.nodeId, { status: 'left' });
  }

  async history(limit: number, offset: number, nodeId?: string): Promise<{ total: number; events: HealthEventView[] }> {
    if (!this.cluster) return { total: 0, events: [] };
    const [rows, total] = await this.db.repo(ClusterHealthEventEntity).findAndCount({
      where: nodeId ? { nodeId } : {},
      order: { at: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { total, events: rows.map((r) => ({ ...r, at: new Date(r.at) })) };
  }

  /** Stores the round trip of a probe (health refresh). */
  async recordLatency(id: string, latencyMs: number | null): Promise<void> {
    if (!this.cluster) return;
    await this.db.tx((m) => m.update(ClusterNodeEntity, { id }, { latencyMs }));
  }

  private requireCluster(): void {
    if (!this.cluster) {
      throw new DomainError(
        'ClusterConflict',
        'cluster mode is off: start every node with CLUSTER_ENABLED=true, the same DATABASE_URL (PostgreSQL) and CLUSTER_SECRET',
      );
    }
  }

  private async entity(m: EntityManager, id: string, lock = false): Promise<ClusterNodeEntity> {
    const node = lock
      ? await m.getRepository(ClusterNodeEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } })
      : await m.findOneBy(ClusterNodeEntity, { id });
    if (!node) throw new DomainError('ClusterNodeNotFound', `cluster node ${id} does not exist`);
    return node;
  }

  private async recordEvent(m: EntityManager, nodeId: string, event: string, detail: string): Promise<void> {
    await m.query(
      `INSERT INTO cluster_health_events (id, node_id, event, observed_by, detail, at) VALUES ($1, $2, $3, $4, $5, ${DB_NOW_MS})`,
      [randomUUID(), nodeId, event, this.nodeId, detail.slice(0, 512)],
    );
  }

  private announce(type: (typeof NOTIFICATION)['clusterNodeHealthy' | 'clusterNodeUnhealthy'], id: string, name: string): void {
    this.notifications?.publish({
      type,
      tenantId: null,
      audience: 'admins',
      data: { node_id: id, node_name: name, observed_by: this.nodeId },
    });
  }

  private view(r: ClusterNodeEntity): ClusterNodeView {
    return {
      id: r.id,
      name: r.name,
      s3Endpoint: r.s3Endpoint,
      internalEndpoint: r.internalEndpoint,
      zone: r.zone,
      capacityBytes: r.capacityBytes,
      status: r.status,
      health: r.health,
      lastHeartbeat: r.lastHeartbeat === null ? null : new Date(r.lastHeartbeat),
      startedAt: r.startedAt === null ? null : new Date(r.startedAt),
      latencyMs: r.latencyMs,
      createdAt: new Date(r.createdAt),
      updatedAt: new Date(r.updatedAt),
      isLocal: r.id === this.nodeId,
    };
  }

  /** A single node describes itself (nothing stored). */
  private standaloneView(): ClusterNodeView {
    const now = new Date();
    const s3 = this.s3Url ?? '';
    return {
      id: this.nodeId,
      name: this.nodeId,
      s3Endpoint: s3,
      internalEndpoint: s3,
      zone: '',
      capacityBytes: 0,
      status: 'active',
      health: 'healthy',
      lastHeartbeat: now,
      startedAt: null,
      latencyMs: null,
      createdAt: now,
      updatedAt: now,
      isLocal: true,
    };
  }
}

function checkUrl(field: string, value: string): void {
  if (!/^https?:\/\/[^/\s]+\/?$/.test(value)) throw new DomainError('InvalidInput', `${field} must be an http(s) URL without a path`);
}
