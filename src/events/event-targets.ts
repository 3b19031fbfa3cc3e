import { createHmac } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { Logger } from '@nestjs/common';
import * as amqp from 'amqplib';
import Redis from 'ioredis';
import * as mqtt from 'mqtt';
import { connect as natsConnect, NatsConnection } from 'nats';
import type { NotificationTarget } from '../buckets/notification-configuration';

/** A request to a target gives up after this long (then it is retried with backoff). */
const SEND_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5_000;
export const SIGNATURE_HEADER = 'X-Signature-256';

/** One open connection to a broker, reused for every message of the targets that share its URL. */
interface Connection {
  send(target: NotificationTarget, body: string): Promise<void>;
  close(): Promise<void>;
}

export interface TargetCheck {
  ok: boolean;
  latency_ms: number;
  error?: string;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Webhook: one POST per message; 2xx is an acknowledgement. */
async function postWebhook(target: NotificationTarget, body: string): Promise<void> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(target.headers ?? {}) };
  if (target.secret) headers[SIGNATURE_HEADER] = `sha256=${createHmac('sha256', target.secret).update(body).digest('hex')}`;
  const res = await fetch(target.url!, { method: 'POST', headers, body, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status >= 300) throw new Error(`webhook answered HTTP ${res.status}`);
}

async function openRedis(url: string, onClose: () => void): Promise<Connection> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  client.on('end', onClose);
  await client.connect();
  return {
    async send(target, body) {
      if (target.key !== undefined) await client.rpush(target.key, body);
      else await client.publish(target.channel!, body);
    },
    async close() {
      client.disconnect();
    },
  };
}

async function openAmqp(url: string, onClose: () => void): Promise<Connection> {
  const conn = await amqp.connect(url, { timeout: CONNECT_TIMEOUT_MS });
  conn.on('error', () => undefined);
  conn.on('close', onClose);
  const channel = await conn.createConfirmChannel();
  channel.on('error', () => undefined);
  channel.on('close', () => {
    onClose();
    void conn.close().catch(() => undefined);
  });
  return {
    async send(target, body) {
      // Confirm mode: resolved when the broker took the message (an unroutable one is still confirmed).
      await new Promise<void>((resolve, reject) => {
        channel.publish(
          target.exchange ?? '',
          target.routingKey!,
          Buffer.from(body),
          { persistent: true, contentType: 'application/json' },
          (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
        );
      });
    },
    async close() {
      await conn.close().catch(() => undefined);
    },
  };
}

async function openMqtt(url: string, onClose: () => void): Promise<Connection> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: CONNECT_TIMEOUT_MS, clean: true });
  client.on('error', () => undefined);
  client.on('close', onClose);
  return {
    async send(target, body) {
      await client.publishAsync(target.topic!, body, { qos: target.qos ?? 1 });
    },
    async close() {
      await client.endAsync(true).catch(() => undefined);
    },
  };
}

async function openNats(url: string, onClose: () => void): Promise<Connection> {
  const nc: NatsConnection = await natsConnect({ servers: url, reconnect: false, timeout: CONNECT_TIMEOUT_MS });
  void nc.closed().then(onClose, onClose);
  return {
    async send(target, body) {
      const data = new TextEncoder().encode(body);
      if (target.jetstream) {
        await nc.jetstream().publish(target.subject!, data);
      } else {
        nc.publish(target.subject!, data);
        await nc.flush();
      }
    },
    async close() {
      await nc.close().catch(() => undefined);
    },
  };
}

const OPENERS: Partial<Record<NotificationTarget['type'], (url: string, onClose: () => void) => Promise<Connection>>> = {
  redis: openRedis,
  rabbitmq: openAmqp,
  mqtt: openMqtt,
  nats: openNats,
};

/**
 * Sends messages to notification targets: webhook POSTs, and one shared connection per broker URL
 * (Redis, RabbitMQ, MQTT, NATS) opened on first use, dropped on any error (the next attempt
 * reconnects).
 */
export class TargetSenders {
  private readonly logger = new Logger(TargetSenders.name);
  private readonly connections = new Map<string, Promise<Connection>>();

  async send(target: NotificationTarget, body: string): Promise<void> {
    if (target.type === 'webhook') return postWebhook(target, body);
    const connKey = `${target.type} ${target.url}`;
    const conn = await this.connection(target, connKey);
    try {
      await withTimeout(conn.send(target, body), SEND_TIMEOUT_MS, `${target.type} publish`);
    } catch (err) {
      this.drop(connKey);
      throw err;
    }
  }

  /** A live check: connects (a fresh connection, so that a dead shared one is not trusted) and closes. */
  async check(target: NotificationTarget): Promise<TargetCheck> {
    const started = Date.now();
    try {
      if (target.type === 'webhook') {
        const url = new URL(target.url!);
        await tcpProbe(url.hostname, Number(url.port || (url.protocol === 'https:' ? 443 : 80)));
      } else {
        const open = OPENERS[target.type];
        if (!open) throw new Error(`no server target named by ${target.arn}`);
        const conn = await withTimeout(
          open(target.url!, () => undefined),
          CONNECT_TIMEOUT_MS + 1000,
          `${target.type} connect`,
        );
        await conn.close();
      }
      return { ok: true, latency_ms: Date.now() - started };
    } catch (err) {
      return { ok: false, latency_ms: Date.now() - started, error: errorText(err) };
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.allSettled(all.map(async (c) => (await c).close()));
  }

  private connection(target: NotificationTarget, connKey: string): Promise<Connection> {
    let conn = this.connections.get(connKey);
    if (!conn) {
      const open = OPENERS[target.type];
      if (!open) return Promise.reject(new Error(`cannot deliver to a ${target.type} target`));
      conn = withTimeout(
        open(target.url!, () => this.forget(connKey, conn!)),
        CONNECT_TIMEOUT_MS + 1000,
        `${target.type} connect`,
      );
      this.connections.set(connKey, conn);
      conn.catch(() => this.forget(connKey, conn!));
    }
    return conn;
  }

  private forget(connKey: string, conn: Promise<Connection>): void {
    if (this.connections.get(connKey) === conn) this.connections.delete(connKey);
  }

  private drop(connKey: string): void {
    const conn = this.connections.get(connKey);
    if (!conn) return;
    this.connections.delete(connKey);
    void conn.then((c) => c.close()).catch(() => undefined);
    this.logger.debug(`dropped the connection ${connKey}`);
  }
}

function tcpProbe(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, timeout: CONNECT_TIMEOUT_MS });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`connecting to ${host}:${port} timed out`));
    });
    socket.once('error', reject);
  });
}

export function errorText(err: unknown): string {
  const e = err as { message?: string; code?: string };
  const text = e?.message || e?.code || String(err);
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}
