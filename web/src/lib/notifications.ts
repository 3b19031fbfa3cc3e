/** Live notifications (the SSE stream): one line of text per event type. */
export interface LiveEvent {
  id: number;
  type: string;
  time: string;
  tenant_id: string | null;
  data: Record<string, unknown>;
}

export function describeEvent(e: Pick<LiveEvent, 'type' | 'data'>): string {
  const d = e.data ?? {};
  const s = (k: string) => (d[k] === undefined || d[k] === null ? '' : String(d[k]));
  switch (e.type) {
    case 'bucket.created':
      return `Bucket ${s('bucket') || s('name')} created`;
    case 'bucket.deleted':
      return `Bucket ${s('bucket') || s('name')} deleted`;
    case 'user.locked':
      return `User ${s('username')} locked after failed logins${d.locked_until ? ` until ${new Date(s('locked_until')).toLocaleTimeString()}` : ''}`;
    case 'quota.near_limit':
      return `Quota of ${s('tenant_name') || s('tenant_id') || 'a tenant'} near its limit${d.percent !== undefined ? ` (${s('percent')}%)` : ''}`;
    case 'settings.changed':
      return `Setting ${s('key')} changed`;
    case 'maintenance.toggled':
      return d.enabled ? 'Maintenance mode is on: S3 writes are refused' : 'Maintenance mode is off';
    default:
      return e.type;
  }
}
