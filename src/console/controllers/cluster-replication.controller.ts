import { Body, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ClusterReplicationService } from '../../cluster/cluster-replication.service';
import { DomainError } from '../../common/domain-error';
import { Audit, ConsoleController, NoAudit, Roles } from '../decorators';
import {
  BulkClusterReplicationDto,
  ClusterReplicationQueryDto,
  CreateClusterReplicationDto,
  targetsOf,
  toReplicationRuleDto,
  UpdateClusterReplicationDto,
} from '../dto/cluster-replication.dto';
import { ok, paged, paginate } from '../http/responses';
import { OPS_AUDIT_ACTION as A, OPS_AUDIT_RESOURCE as R } from '../ops.constants';

/**
 * Cluster replication (MaxIOFS "Cluster Replication"), global admins only: rules that copy a
 * bucket's object versions to other nodes (queue in PostgreSQL, worked by the bucket's owner), so
 * that reads fail over to a replica when the owner is down. With cluster mode off: 409.
 */
@ConsoleController('cluster', 'cluster')
@Roles('admin')
export class ClusterReplicationController {
  constructor(private readonly replication: ClusterReplicationService) {}

  @Get('replication')
  @NoAudit()
  @ApiOperation({ summary: 'Replication rules with the copies each still has to make' })
  async list(@Query() q: ClusterReplicationQueryDto) {
    const all = (await this.replication.list(q.bucket)).map(toReplicationRuleDto);
    const { items, pagination } = paginate(all, q.page, q.page_size);
    return paged(items, pagination, { rules: items, total: all.length });
  }

  @Post('replication')
  @Audit(R.clusterReplication, A.create)
  @ApiOperation({
    summary: "A rule: the bucket's versions are copied to the target nodes; its existing versions are queued at once (initial sync)",
  })
  async create(@Body() dto: CreateClusterReplicationDto) {
    const bucket = dto.source_bucket ?? dto.bucket;
    if (!bucket) throw new DomainError('InvalidArgument', 'source_bucket is required');
    if (dto.destination_bucket !== undefined && dto.destination_bucket !== bucket) {
      throw new DomainError('InvalidArgument', 'a replica keeps the bucket name: destination_bucket must equal source_bucket');
    }
    const { rule, queued } = await this.replication.create({
      bucket,
      targetNodeIds: targetsOf(dto) ?? [],
      prefix: dto.prefix,
      enabled: dto.enabled,
      replicateDeletes: dto.replicate_deletes,
      syncIntervalSeconds: dto.sync_interval_seconds,
    });
    return ok({ ...toReplicationRuleDto(rule), queued_objects: queued });
  }

  @Post('replication/bulk')
  @HttpCode(200)
  @Audit(R.clusterReplication, A.bulk)
  @ApiOperation({ summary: 'A rule for every bucket (of source_node_id, or all) to the target nodes, each with its initial sync' })
  async bulk(@Body() dto: BulkClusterReplicationDto) {
    const targets = targetsOf(dto);
    if (!targets?.length) throw new DomainError('InvalidArgument', 'destination_node_id (or destination_node_ids) is required');
    const out = await this.replication.bulk({
      sourceNodeId: dto.source_node_id,
      targetNodeIds: targets,
      prefix: dto.prefix,
      replicateDeletes: dto.replicate_deletes,
    });
    return ok({
      rules_created: out.created.length,
      buckets_skipped: out.skipped.length,
      queued_objects: out.queued,
      rules: out.created.map(toReplicationRuleDto),
      skipped: out.skipped,
    });
  }

  @Get('replication/:id')
  @NoAudit()
  @ApiOperation({ summary: 'One rule' })
  async get(@Param('id') id: string) {
    return ok(toReplicationRuleDto(await this.replication.get(id)));
  }

  @Put('replication/:id')
  @Audit(R.clusterReplication, A.update)
  @ApiOperation({ summary: 'Change a rule: targets, prefix, enabled; new targets (or a rule turned back on) get the existing versions' })
  async update(@Param('id') id: string, @Body() dto: UpdateClusterReplicationDto) {
    const { rule, queued } = await this.replication.update(id, {
      targetNodeIds: targetsOf(dto),
      prefix: dto.prefix,
      enabled: dto.enabled,
      replicateDeletes: dto.replicate_deletes,
      syncIntervalSeconds: dto.sync_interval_seconds,
    });
    return ok({ ...toReplicationRuleDto(rule), queued_objects: queued });
  }

  @Delete('replication/:id')
  @HttpCode(204)
  @Audit(R.clusterReplication, A.delete)
  @ApiOperation({ summary: 'Delete a rule and its pending copies' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.replication.remove(id);
  }
}
