import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { Client } from 'pg';
import { CACHE_TOPICS, CacheInvalidation, CacheTopic } from '../common/cache-invalidation';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseService } from '../database/database.service';
import { NotificationBus } from '../notifications/notification-bus';
import type { NewNotification } from '../notifications/notification.types';

/** The PostgreSQL channels: cache invalidations, and the console's notification events. */
export const CACHE_CHANNEL = 'os3_cache_invalidation';
export const EVENTS_CHANNEL = 'os3_console_events';
const RECONNECT_MS = 1000;
/** pg_notify payloads are limited to 8000 bytes; an event larger than this stays on its node. */
const MAX_EVENT_PAYLOAD = 7900;

interface CacheMessage {
  /** Sending node. */
  n: string;
  t: CacheTopic;
  k: string;
}

interface EventMessage {
  n: string;
  e: NewNotification;
}

/**
 * What nodes tell each other through PostgreSQL LISTEN/NOTIFY, on one dedicated listening
 * connection per node (sending uses the shared pool):
 * - cache invalidations: `CacheInvalidation` sends after a change committed; receivers drop the
 *   named entries. If the listening connection drops, messages may have been missed: every cache
 *   is dropped when it is back (the caches' short lifetimes bound the staleness meanwhile).
 * - console notification events (the SSE stream): an event published on one node is published
 *   on every other node's bus too, so a console connected to any node sees every node's events
 *   (with `data.node_id` naming where it happened).
 */
@Injectable()
export class PgRelayService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PgRelayService.name);
  private client?: Client;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;
  private received = 0;
  private sent = 0;
  /** True while a relayed event is being published here (it must not be relayed back). */
  private republishing = false;
  private unsubscribe?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly caches: CacheInvalidation,
    @Optional() private readonly bus?: NotificationBus,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.cluster || !this.config.databaseUrl) return;
    await this.listen();
    this.caches.connect((topic, key) => this.send(CACHE_CHANNEL, { n: this.nodeId, t: topic, k: key }));
    this.unsubscribe = this.bus?.subscribe((n) => {
      if (this.republishing) return;
      const e: NewNotification = { type: n.type, tenantId: n.tenantId, audience: n.audience, data: { ...n.data, node_id: this.nodeId } };
      this.send(EVENTS_CHANNEL, { n: this.nodeId, e });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.caches.connect(undefined);
    this.unsubscribe?.();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  stats(): { listening: boolean; sent: number; received: number } {
    return { listening: this.client !== undefined, sent: this.sent, received: this.received };
  }

  private get nodeId(): string {
    return this.config.cluster!.nodeId;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (msg) => this.onNotification(msg.channel, msg.payload));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${CACHE_CHANNEL}`);
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.client = client;
  }

  private lost(client: Client, err?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.stopped) return;
    this.logger.warn(`cluster LISTEN connection lost${err ? `: ${err.message}` : ''}; reconnecting`);
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectTimer = setTimeout(() => {
      this.listen()
        .then(() => {
          this.logger.log('cluster LISTEN connection back: dropping every cache (invalidations may have been missed)');
          this.caches.dropAll();
        })
        .catch((err) => {
          this.logger.warn(`cluster LISTEN connection: ${err}`);
          if (!this.stopped) this.scheduleReconnect();
        });
    }, RECONNECT_MS);
    this.reconnectTimer.unref();
  }

  private send(channel: string, message: CacheMessage | EventMessage): void {
    const payload = JSON.stringify(message);
    if (payload.length > MAX_EVENT_PAYLOAD) {
      this.logger.warn(`a message on ${channel} is too large for NOTIFY (${payload.length} bytes); not relayed`);
      return;
    }
    this.sent++;
    this.db.dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]).catch((err) => {
      this.logger.warn(`could not tell the other nodes (${channel}): ${err}`);
    });
  }

  private onNotification(channel: string, payload: string | undefined): void {
    if (!payload) return;
    let msg: CacheMessage | EventMessage;
    try {
      msg = JSON.parse(payload) as CacheMessage | EventMessage;
    } catch {
      return;
    }
    if (msg.n === this.nodeId) return;
    this.received++;
    if (channel === CACHE_CHANNEL) {
      const m = msg as CacheMessage;
      if (CACHE_TOPICS.includes(m.t) && typeof m.k === 'string') this.caches.receive(m.t, m.k);
    } else if (channel === EVENTS_CHANNEL && this.bus) {
      this.republishing = true;
      try {
        this.bus.publish((msg as EventMessage).e);
      } finally {
        this.republishing = false;
      }
    }
  }
}
