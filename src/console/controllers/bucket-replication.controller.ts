import { Body, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ReplicationService } from '../../replication/replication.service';
import { AUDIT_ACTION as A } from '../console.constants';
import { Audit, ConsoleController } from '../decorators';
import { ReplicationRuleDto, replicationRuleIn, replicationRuleOut, replicationStatusOut } from '../dto/replication.dto';
import { ConsoleRequest } from '../http/console-request';
import { ok } from '../http/responses';
import { StorageAccess } from '../storage-access';
import { STORAGE_AUDIT_RESOURCE as R } from '../storage.constants';

const READ = 's3:GetReplicationConfiguration';
const WRITE = 's3:PutReplicationConfiguration';

/**
 * Bucket replication to external S3 endpoints (the reference's /buckets/{name}/replication routes).
 * Destination credentials are stored encrypted and never returned.
 */
@ConsoleController('buckets', 'bucket-replication')
export class BucketReplicationController {
  constructor(
    private readonly replication: ReplicationService,
    private readonly storage: StorageAccess,
  ) {}

  @Get(':name/replication')
  @ApiOperation({ summary: 'Replication rules of the bucket' })
  async list(@Req() req: ConsoleRequest, @Param('name') name: string) {
    await this.storage.bucket(req, name, READ);
    const rules = (await this.replication.list(name)).map(replicationRuleOut);
    return ok({ rules }, { rules });
  }

  @Post(':name/replication')
  @HttpCode(201)
  @Audit(R.bucketConfig, A.create)
  @ApiOperation({ summary: 'Create a rule (replicate_existing: the objects already there are queued too)' })
  async create(@Req() req: ConsoleRequest, @Param('name') name: string, @Body() dto: ReplicationRuleDto) {
    await this.storage.bucket(req, name, WRITE);
    const { rule, queued } = await this.replication.create(name, replicationRuleIn(dto));
    return ok({ ...replicationRuleOut(rule), queued });
  }

  @Get(':name/replication/:id')
  @ApiOperation({ summary: 'One rule' })
  async get(@Req() req: ConsoleRequest, @Param('name') name: string, @Param('id') id: string) {
    await this.storage.bucket(req, name, READ);
    return ok(replicationRuleOut(await this.replication.get(name, id)));
  }

  @Put(':name/replication/:id')
  @Audit(R.bucketConfig, A.update)
  @ApiOperation({ summary: 'Replace a rule (a destination without secret_key keeps the stored one)' })
  async update(@Req() req: ConsoleRequest, @Param('name') name: string, @Param('id') id: string, @Body() dto: ReplicationRuleDto) {
    await this.storage.bucket(req, name, WRITE);
    return ok(replicationRuleOut(await this.replication.update(name, id, replicationRuleIn(dto))));
  }

  @Delete(':name/replication/:id')
  @HttpCode(204)
  @Audit(R.bucketConfig, A.delete)
  @ApiOperation({ summary: 'Delete a rule (its queued tasks are dropped when they come up) (204)' })
  async remove(@Req() req: ConsoleRequest, @Param('name') name: string, @Param('id') id: string): Promise<void> {
    await this.storage.bucket(req, name, WRITE);
    await this.replication.remove(name, id);
  }

  @Get(':name/replication/:id/status')
  @ApiOperation({ summary: 'Pending, failed (dead-lettered) and replicated objects, lag of the oldest pending one, last error' })
  async status(@Req() req: ConsoleRequest, @Param('name') name: string, @Param('id') id: string) {
    await this.storage.bucket(req, name, READ);
    return ok(replicationStatusOut(await this.replication.status(name, id)));
  }

  @Post(':name/replication/:id/sync')
  @HttpCode(202)
  @Audit(R.bucketConfig, A.update)
  @ApiOperation({ summary: 'Queue every current object the rule covers (a full resync); answers how many were queued' })
  async sync(@Req() req: ConsoleRequest, @Param('name') name: string, @Param('id') id: string) {
    await this.storage.bucket(req, name, WRITE);
    return ok({ queued: await this.replication.sync(name, id) });
  }
}
