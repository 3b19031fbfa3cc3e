import type { TenantUsage } from './storage-usage';

/** A tenant is "near its quota" from this fraction of a limit on. */
export const QUOTA_WARNING_RATIO = 0.9;

export type QuotaResource = 'bytes' | 'objects' | 'buckets';

export interface QuotaWarning {
  tenantId: string;
  tenantName: string;
  resource: QuotaResource;
  used: number;
  limit: number;
  /** used / limit in %, two decimals. */
  percent: number;
}

/** Every (tenant, resource) at or above 90 % of its limit. A limit of 0 counts as full. */
export function quotaWarnings(usage: readonly TenantUsage[], ratio = QUOTA_WARNING_RATIO): QuotaWarning[] {
  const out: QuotaWarning[] = [];
  for (const u of usage) {
    if (u.tenantId === null || u.tenantName === null) continue;
    const pairs: Array<[QuotaResource, number, number | null]> = [
      ['bytes', u.bytes, u.maxBytes],
      ['objects', u.objects, u.maxObjects],
      ['buckets', u.buckets, u.maxBuckets],
    ];
    for (const [resource, used, limit] of pairs) {
      if (limit === null) continue;
      if (limit === 0 ? true : used >= limit * ratio) {
        const percent = limit === 0 ? 100 : Math.round((used / limit) * 10000) / 100;
        out.push({ tenantId: u.tenantId, tenantName: u.tenantName, resource, used, limit, percent });
      }
    }
  }
  return out;
}

/**
 * Edge trigger: reports a (tenant, resource) when it reaches the warning level, once, and again
 * only after it has dropped below and come back.
 */
export class QuotaWatch {
  private above = new Set<string>();

  /** The warnings that are new since the previous call. */
  update(warnings: readonly QuotaWarning[]): QuotaWarning[] {
    const next = new Set(warnings.map((w) => `${w.tenantId}/${w.resource}`));
    const fresh = warnings.filter((w) => !this.above.has(`${w.tenantId}/${w.resource}`));
    this.above = next;
    return fresh;
  }
}
