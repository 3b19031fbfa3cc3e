import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { NewNotification, Notification } from './notification.types';

export type NotificationListener = (n: Notification) => void;

/** Events kept for replay to a reconnecting stream (Last-Event-ID). */
const REPLAY = 200;

/**
 * The in-process event bus of the console notifications: services publish, the SSE streams
 * subscribe. publish() never throws and never waits: a listener that fails is logged and skipped.
 *
 * One process only. Several nodes sharing PostgreSQL would relay events with LISTEN/NOTIFY (one
 * channel, the event as JSON payload), each node feeding the notification into its own bus.
 */
@Injectable()
export class NotificationBus {
  private readonly logger = new Logger(NotificationBus.name);
  private readonly listeners = new Set<NotificationListener>();
  private readonly recent: Notification[] = [];
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  publish(event: NewNotification): Notification {
    const n: Notification = { ...event, id: this.nextId++, time: this.clock.now().toISOString() };
    this.recent.push(n);
    if (this.recent.length > REPLAY) this.recent.shift();
    for (const listener of this.listeners) {
      try {
        listener(n);
      } catch (err) {
        this.logger.warn(`a notification listener failed on ${n.type}: ${err}`);
      }
    }
    return n;
  }

  /** Calls `listener` for every event published from now on; returns the unsubscribe function. */
  subscribe(listener: NotificationListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Events published after `lastId` that are still kept (oldest first). */
  since(lastId: number): Notification[] {
    return this.recent.filter((n) => n.id > lastId);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
