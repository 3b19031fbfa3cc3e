import {
  Body,
  Delete,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { BucketConfigService } from '../../buckets/bucket-config.service';
import { BucketStatsService } from '../../buckets/bucket-stats.service';
import type { InventoryConfiguration } from '../../buckets/inventory-configuration';
import { IntegrityRateLimitedError, IntegrityReport, IntegrityService, VERIFY_INTERVAL_MS } from '../../integrity/integrity.service';
import { InventoryRunResult, InventoryService } from '../../inventory/inventory.service';
import { TenantsService } from '../../tenants/tenants.service';
import { BucketViews } from '../bucket-views';
import { AUDIT_ACTION as A } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal, Roles } from '../decorators';
import { InventoryConfigurationDto } from '../dto/bucket-config.dto';
import { PageQueryDto } from '../dto/pagination.dto';
import { toTenantDto } from '../dto/tenant.dto';
import { ConsoleRequest, noteAudit } from '../http/console-request';
import { ok, paged, paginate } from '../http/responses';
import { StorageAccess } from '../storage-access';
import { STORAGE_AUDIT_ACTION as SA, STORAGE_AUDIT_RESOURCE as R } from '../storage.constants';

const toInventoryDto = (c: InventoryConfiguration) => ({
  id: c.id,
  enabled: c.enabled,
  destination_bucket: c.destinationBucket,
  prefix: c.prefix,
  schedule: c.schedule,
  format: c.format,
  included_versions: c.includedVersions,
  fields: c.fields,
  last_run_at: c.lastRunAt !== undefined ? new Date(c.lastRunAt).toISOString() : null,
});

const toRunDto = (r: InventoryRunResult) => ({
  bucket: r.bucket,
  destination_bucket: r.destinationBucket,
  key: r.key,
  rows: r.rows,
  object_bytes: r.objectBytes,
  size: r.size,
  etag: r.etag,
  created_at: r.createdAt.toISOString(),
});

const toIntegrityDto = (r: IntegrityReport) => ({
  bucket: r.bucket,
  versions_checked: r.versionsChecked,
  blobs_checked: r.blobsChecked,
  bytes_checked: r.bytesChecked,
  passed: r.passed,
  failed: r.failed,
  ok: r.failed === 0,
  failures: r.failures.map((f) => ({ key: f.key, version_id: f.versionId, problem: f.problem, detail: f.detail })),
  failures_truncated: r.failuresTruncated,
  started_at: r.startedAt.toISOString(),
  finished_at: r.finishedAt.toISOString(),
  duration_ms: r.finishedAt.getTime() - r.startedAt.getTime(),
});

/**
 * Bucket inventory (configuration, reports, runs), integrity verification and statistics
 * recalculation. Running a job is for global admins and the admins of the bucket's tenant.
 */
@ConsoleController('buckets', 'buckets')
export class BucketAdminController {
  constructor(
    private readonly configs: BucketConfigService,
    private readonly inventory: InventoryService,
    private readonly integrity: IntegrityService,
    private readonly stats: BucketStatsService,
    private readonly tenants: TenantsService,
    private readonly views: BucketViews,
    private readonly storage: StorageAccess,
  ) {}

  @Get(':name/inventory')
  @ApiOperation({ summary: 'The inventory configuration (404 when none)' })
  async getInventory(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, 's3:GetInventoryConfiguration');
    const config = await this.configs.getInventory(name);
    if (!config) throw new NotFoundException(`The bucket ${name} has no inventory configuration`);
    return ok(toInventoryDto(config));
  }

  @Put(':name/inventory')
  @Audit(R.inventory, A.update)
  @ApiOperation({
    summary: 'Set the inventory configuration',
    description:
      'A CSV report (header row, then key and the chosen fields per object) is written into destination_bucket (same tenant; ' +
      'you need s3:PutObject there) under <prefix>/<bucket>/<timestamp>.csv, Daily or Weekly, and on POST …/inventory/run.',
  })
  async putInventory(@Req() req: ConsoleRequest, @Param('name') name: string, @Body() dto: InventoryConfigurationDto) {
    await this.storage.bucket(req, name, 's3:PutInventoryConfiguration');
    await this.storage.bucket(req, dto.destination_bucket, 's3:PutObject', '*');
    const config = await this.configs.putInventory(name, {
      id: dto.id,
      enabled: dto.enabled,
      destinationBucket: dto.destination_bucket,
      prefix: dto.prefix,
      schedule: dto.schedule,
      format: dto.format,
      includedVersions: dto.included_versions,
      fields: dto.fields,
    });
    return ok(toInventoryDto(config));
  }

  @Delete(':name/inventory')
  @HttpCode(204)
  @Audit(R.inventory, A.delete)
  @ApiOperation({ summary: 'Remove the inventory configuration (204; reports already written stay)' })
  async deleteInventory(@Req() req: ConsoleRequest, @Param('name') name: string): Promise<void> {
    await this.storage.bucket(req, name, 's3:PutInventoryConfiguration');
    await this.configs.deleteInventory(name);
  }

  @Get(':name/inventory/reports')
  @ApiOperation({ summary: 'The reports written so far (objects in the destination bucket), newest first' })
  async reports(@Req() req: ConsoleRequest, @Param('name') name: string, @Query() q: PageQueryDto) {
    await this.storage.bucket(req, name, 's3:GetInventoryConfiguration');
    const { config, reports } = await this.inventory.listReports(name);
    const all = reports.map((r) => ({
      key: r.key,
      bucket: config!.destinationBucket,
      size: r.size,
      etag: r.etag,
      created_at: r.lastModified.toISOString(),
      last_modified: r.lastModified.toISOString(),
    }));
    const { items, pagination } = paginate(all, q.page, q.page_size);
    return paged(items, pagination, { reports: items });
  }

  @Post(':name/inventory/run')
  @HttpCode(200)
  @Roles('admin', 'tenant-admin')
  @Audit(R.inventory, SA.run)
  @ApiOperation({ summary: 'Write an inventory report now (admins); answers the report written' })
  async runInventory(@CurrentPrincipal() p: ConsolePrincipal, @Req() req: ConsoleRequest, @Param('name') name: string) {
    const bucket = await this.storage.administeredBucket(p, name);
    noteAudit(req, { tenantId: bucket.tenantId });
    const report = toRunDto(await this.inventory.run(name));
    return ok(report, { report });
  }

  @Post(':name/verify-integrity')
  @HttpCode(200)
  @Roles('admin', 'tenant-admin')
  @Audit(R.bucket, SA.verifyIntegrity)
  @ApiOperation({
    summary: 'Re-read every blob of every version and check sizes, MD5 (ETags) and stored checksums (admins)',
    description: `Rate-limited: once per ${VERIFY_INTERVAL_MS / 1000} s per bucket (429 with Retry-After). Answers counts and the failing keys.`,
  })
  async verifyIntegrity(
    @CurrentPrincipal() p: ConsolePrincipal,
    @Req() req: ConsoleRequest,
    @Res({ passthrough: true }) res: Response,
    @Param('name') name: string,
  ) {
    const bucket = await this.storage.administeredBucket(p, name);
    noteAudit(req, { tenantId: bucket.tenantId });
    try {
      const report = toIntegrityDto(await this.integrity.verify(name));
      noteAudit(req, { details: { versions_checked: report.versions_checked, failed: report.failed } });
      return ok(report, { report });
    } catch (err) {
      if (!(err instanceof IntegrityRateLimitedError)) throw err;
      res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw new HttpException(err.message, HttpStatus.TOO_MANY_REQUESTS);
    }
  }

  @Post(':name/recalculate-stats')
  @HttpCode(200)
  @Roles('admin', 'tenant-admin')
  @Audit(R.bucket, SA.recalculateStats)
  @ApiOperation({ summary: "Recount the bucket's objects and bytes, and repair its tenant's usage counters (admins)" })
  async recalculateStats(@CurrentPrincipal() p: ConsolePrincipal, @Req() req: ConsoleRequest, @Param('name') name: string) {
    const bucket = await this.storage.administeredBucket(p, name);
    noteAudit(req, { tenantId: bucket.tenantId });
    const usage = await this.stats.usageOf(bucket.id);
    const tenant = bucket.tenantId ? toTenantDto(await this.tenants.recalculate(bucket.tenantId)) : null;
    const dto = (await this.views.many([bucket]))[0];
    const data = {
      bucket: dto,
      object_count: usage.objects,
      size: usage.bytes,
      version_count: usage.versions,
      versions_size: usage.versionBytes,
      tenant,
    };
    return ok(data, { ...data });
  }
}
