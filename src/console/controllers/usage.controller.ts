import { Get, Query, Req } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { BucketStatsService } from '../../buckets/bucket-stats.service';
import { TenantsService } from '../../tenants/tenants.service';
import { ConsoleAccess } from '../console-access';
import { ConsoleController, CurrentPrincipal } from '../decorators';
import { ListBucketsQueryDto } from '../dto/bucket.dto';
import { toTenantDto } from '../dto/tenant.dto';
import { ConsoleRequest } from '../http/console-request';
import { ok, paginate } from '../http/responses';
import { StorageAccess } from '../storage-access';

/** Strix GET /api/v1/usage: per-bucket objects and bytes with totals, and per-tenant usage counters. */
@ConsoleController('usage', 'usage')
export class UsageController {
  constructor(
    private readonly stats: BucketStatsService,
    private readonly tenants: TenantsService,
    private readonly storage: StorageAccess,
    private readonly access: ConsoleAccess,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Usage of the buckets you see (object count, total size) with totals; tenants’ usage counters and quotas' })
  async usage(@Req() req: ConsoleRequest, @CurrentPrincipal() p: ConsolePrincipal, @Query() q: ListBucketsQueryDto) {
    const tenantId = q.tenant_id !== undefined ? await this.access.tenantScope(p, q.tenant_id) : undefined;
    let visible = await this.storage.visibleBuckets(req);
    if (tenantId !== undefined) visible = visible.filter((b) => b.tenantId === tenantId);
    if (q.prefix !== undefined) visible = visible.filter((b) => b.name.startsWith(q.prefix!));
    const usage = await this.stats.usage(visible.map((b) => b.id));
    const all = visible.map((b) => {
      const u = usage.get(b.id)!;
      return {
        name: b.name,
        tenant_id: b.tenantId,
        created_at: b.createdAt.toISOString(),
        object_count: u.objects,
        total_size: u.bytes,
        version_count: u.versions,
        versions_size: u.versionBytes,
      };
    });
    const { items, pagination } = paginate(all, q.page, q.page_size);
    const tenantViews =
      p.role === 'admin'
        ? (await this.tenants.list()).filter((t) => tenantId === undefined || t.id === tenantId)
        : p.tenantId
          ? [await this.tenants.get(p.tenantId)]
          : [];
    const data = {
      buckets: items,
      total_buckets: all.length,
      total_objects: all.reduce((n, b) => n + b.object_count, 0),
      total_size: all.reduce((n, b) => n + b.total_size, 0),
      tenants: tenantViews.map(toTenantDto),
      pagination,
    };
    return ok(data, { ...data });
  }
}
