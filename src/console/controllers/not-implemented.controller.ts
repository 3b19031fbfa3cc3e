import { All, HttpException, HttpStatus } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ConsoleController, NoAudit, Roles } from '../decorators';

function notImplemented(message: string): never {
  throw new HttpException({ success: false, error: message, message, code: 'NotImplemented' }, HttpStatus.NOT_IMPLEMENTED);
}

const CLUSTER_MIGRATIONS =
  'Bucket migrations between nodes are not implemented yet: moving a bucket to another node needs a copy / catch-up / owner-switch worker, which is not built (buckets stay on the node that created them).';

/**
 * The reference's routes this server cannot back yet answer 501 NotImplemented with what is
 * missing, so that clients get an honest answer (and the OpenAPI document lists them).
 */
@ConsoleController('cluster', 'cluster')
@Roles('admin')
export class ClusterNotImplementedController {
  @All(['migrations', 'migrations/*path', 'buckets/:bucket/migrate'])
  @NoAudit()
  @ApiOperation({ summary: 'Bucket migrations between nodes: 501 NotImplemented (not built yet)' })
  migrations(): never {
    notImplemented(CLUSTER_MIGRATIONS);
  }
}
