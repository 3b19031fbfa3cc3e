import type { UserRole } from '../iam/entities/user.entity';

/** The events of the console's notification stream (GET /api/v1/notifications/stream). */
export const NOTIFICATION = {
  bucketCreated: 'bucket.created',
  bucketDeleted: 'bucket.deleted',
  userLocked: 'user.locked',
  quotaNearLimit: 'quota.near_limit',
  settingsChanged: 'settings.changed',
  maintenanceToggled: 'maintenance.toggled',
  clusterNodeUnhealthy: 'cluster.node_unhealthy',
  clusterNodeHealthy: 'cluster.node_healthy',
} as const;
export type NotificationType = (typeof NOTIFICATION)[keyof typeof NOTIFICATION];

/**
 * Who may see an event besides global admins (who see every event): `admins` = the admins of
 * the event's tenant; `all` = every member of the event's tenant, or everyone when the event
 * belongs to no tenant (e.g. maintenance mode).
 */
export type NotificationAudience = 'admins' | 'all';

export interface Notification {
  /** Increasing within this process; sent as the SSE `id:` (Last-Event-ID replays what came after it). */
  id: number;
  type: NotificationType;
  /** ISO 8601. */
  time: string;
  /** The tenant the event concerns; null = the server itself, or a global user's resource. */
  tenantId: string | null;
  audience: NotificationAudience;
  /** Small, JSON-serializable facts. Never secrets. */
  data: Record<string, unknown>;
}

export type NewNotification = Omit<Notification, 'id' | 'time'>;

/** The subscriber's side of the visibility rule. */
export interface NotificationRecipient {
  role: UserRole;
  tenantId: string | null;
}

/**
 * Whether a subscriber receives an event: global admins everything; a tenant admin the events
 * of their tenant and the server-wide events meant for all; a user the events meant for all, of
 * their tenant or server-wide.
 */
export function canReceive(r: NotificationRecipient, n: Pick<Notification, 'tenantId' | 'audience'>): boolean {
  if (r.role === 'admin') return true;
  const ownTenant = n.tenantId !== null && n.tenantId === r.tenantId;
  const serverWide = n.tenantId === null && n.audience === 'all';
  if (r.role === 'tenant-admin') return ownTenant || serverWide;
  return n.audience === 'all' && (ownTenant || serverWide);
}
