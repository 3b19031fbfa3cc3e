import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { BucketMigrationService } from '../../cluster/bucket-migration.service';
import { Audit, ConsoleController, CurrentPrincipal, NoAudit, Roles } from '../decorators';
import { MigrateBucketDto, MigrationListQueryDto, toMigrationDto } from '../dto/cluster-migration.dto';
import { ok, paged, paginate } from '../http/responses';
import { OPS_AUDIT_ACTION as A, OPS_AUDIT_RESOURCE as R } from '../ops.constants';

/**
 * Bucket migrations between cluster nodes (MaxIOFS "Cluster Migrations"), global admins only: a
 * bucket moves to another node under live traffic (src/cluster/bucket-migration.service.ts);
 * progress and status are persisted in PostgreSQL and readable on every node.
 */
@ConsoleController('cluster', 'cluster')
@Roles('admin')
export class ClusterMigrationsController {
  constructor(private readonly migrations: BucketMigrationService) {}

  @Post('buckets/:bucket/migrate')
  @HttpCode(202)
  @Audit(R.clusterMigration, A.create)
  @ApiOperation({
    summary:
      'Start moving a bucket to another node (202): copy every version, catch up, switch the owner (writes answer 503 Retry-After for that moment), delete the source copy later; 409 when it cannot move',
  })
  async migrate(@CurrentPrincipal() p: ConsolePrincipal, @Param('bucket') bucket: string, @Body() dto: MigrateBucketDto) {
    const row = await this.migrations.start({
      bucket,
      targetNode: dto.target_node_id,
      deleteSource: dto.delete_source,
      cleanupDelaySeconds: dto.cleanup_delay_seconds,
      requestedBy: p.username ?? p.userId,
    });
    return ok(toMigrationDto(row));
  }

  @Get('migrations')
  @NoAudit()
  @ApiOperation({ summary: 'Bucket migrations, newest first (filter by bucket or status)' })
  async list(@Query() q: MigrationListQueryDto) {
    const all = (await this.migrations.list({ bucket: q.bucket, status: q.status })).map(toMigrationDto);
    const { items, pagination } = paginate(all, q.page, q.page_size);
    return paged(items, pagination, { migrations: items, total: all.length });
  }

  @Get('migrations/:id')
  @NoAudit()
  @ApiOperation({ summary: 'One migration: status, progress (objects, blobs and bytes copied, passes), how long writes were fenced' })
  async get(@Param('id') id: string) {
    return ok(toMigrationDto(await this.migrations.get(id)));
  }
}
