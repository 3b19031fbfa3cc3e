import { QuotaWatch, quotaWarnings } from './quota-watch';
import type { TenantUsage } from './storage-usage';

const tenant = (over: Partial<TenantUsage>): TenantUsage => ({
  tenantId: 't1',
  tenantName: 'acme',
  buckets: 0,
  objects: 0,
  bytes: 0,
  maxBytes: null,
  maxBuckets: null,
  maxObjects: null,
  ...over,
});

describe('quotaWarnings', () => {
  it('warns from 90 % of a limit on, per resource', () => {
    const w = quotaWarnings([tenant({ bytes: 90, maxBytes: 100, objects: 8, maxObjects: 10, buckets: 1, maxBuckets: 1 })]);
    expect(w).toEqual([
      { tenantId: 't1', tenantName: 'acme', resource: 'bytes', used: 90, limit: 100, percent: 90 },
      { tenantId: 't1', tenantName: 'acme', resource: 'buckets', used: 1, limit: 1, percent: 100 },
    ]);
  });

  it('ignores unlimited resources and the global users, and counts a zero limit as full', () => {
    expect(quotaWarnings([tenant({ bytes: 10 ** 12 }), tenant({ tenantId: null, tenantName: null, maxBytes: 1, bytes: 5 })])).toEqual([]);
    expect(quotaWarnings([tenant({ maxObjects: 0 })])).toMatchObject([{ resource: 'objects', percent: 100 }]);
  });
});

describe('QuotaWatch', () => {
  it('reports a warning once, and again after it cleared', () => {
    const watch = new QuotaWatch();
    const w = quotaWarnings([tenant({ bytes: 95, maxBytes: 100 })]);
    expect(watch.update(w)).toHaveLength(1);
    expect(watch.update(w)).toHaveLength(0);
    expect(watch.update([])).toHaveLength(0);
    expect(watch.update(w)).toHaveLength(1);
  });
});
