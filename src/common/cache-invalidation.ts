import { Injectable, Logger } from '@nestjs/common';

/** The per-node caches that another node's change must drop. */
export type CacheTopic = 'access-key' | 'bucket' | 'bucket-config' | 'settings';
export const CACHE_TOPICS: readonly CacheTopic[] = ['access-key', 'bucket', 'bucket-config', 'settings'];
/** Key meaning "every entry of the topic". */
export const ALL_ENTRIES = '*';

export type CacheDrop = (key: string) => void;
/** Carries an invalidation to the other nodes (the cluster module's LISTEN/NOTIFY relay). */
export type CacheTransport = (topic: CacheTopic, key: string) => void;

/**
 * Cache invalidation across nodes. A service registers how it drops an entry (`on`) and calls
 * `invalidate` after a change has committed: the entry is dropped here at once, and, in a
 * cluster, on every other node through the transport (src/cluster: PostgreSQL LISTEN/NOTIFY).
 * Single node: no transport, invalidate() is a local drop.
 */
@Injectable()
export class CacheInvalidation {
  private readonly logger = new Logger(CacheInvalidation.name);
  private readonly drops = new Map<CacheTopic, Set<CacheDrop>>();
  private transport?: CacheTransport;

  on(topic: CacheTopic, drop: CacheDrop): () => void {
    let set = this.drops.get(topic);
    if (!set) this.drops.set(topic, (set = new Set()));
    set.add(drop);
    return () => set.delete(drop);
  }

  /** Drops `key` of `topic` here and on every other node. Call it after the change committed. */
  invalidate(topic: CacheTopic, key: string): void {
    this.apply(topic, key);
    this.transport?.(topic, key);
  }

  /** An invalidation sent by another node. */
  receive(topic: CacheTopic, key: string): void {
    this.apply(topic, key);
  }

  /** Drops every entry of every topic here (after the transport may have missed messages). */
  dropAll(): void {
    for (const topic of CACHE_TOPICS) this.apply(topic, ALL_ENTRIES);
  }

  connect(transport: CacheTransport | undefined): void {
    this.transport = transport;
  }

  private apply(topic: CacheTopic, key: string): void {
    for (const drop of this.drops.get(topic) ?? []) {
      try {
        drop(key);
      } catch (err) {
        this.logger.warn(`dropping ${topic} ${key} failed: ${err}`);
      }
    }
  }
}
