import { All, HttpException, HttpStatus } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ConsoleController, NoAudit, Roles } from '../decorators';

function notImplemented(message: string): never {
  throw new HttpException({ success: false, error: message, message, code: 'NotImplemented' }, HttpStatus.NOT_IMPLEMENTED);
}

const CLUSTER_REPLICATION =
  "Cluster replication is not implemented yet: copying a bucket's objects to other nodes needs a replication queue in PostgreSQL, a worker and read failover, which are not built. Node registry, health, bucket placement and forwarding work (GET /api/v1/cluster/nodes).";
/**
 * The reference's routes this server cannot back yet answer 501 NotImplemented with what is
 * missing, so that clients get an honest answer (and the OpenAPI document lists them).
 */
@ConsoleController('cluster', 'cluster')
@Roles('admin')
export class ClusterNotImplementedController {
  @All(['replication', 'replication/*path'])
  @NoAudit()
  @ApiOperation({ summary: 'Cluster replication rules and bulk replication: 501 NotImplemented (not built yet)' })
  replication(): never {
    notImplemented(CLUSTER_REPLICATION);
  }
}
