import { All, HttpException, HttpStatus } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ConsoleController, NoAudit, Roles } from '../decorators';

const MESSAGE =
  'Clustering and replication (cluster nodes, cluster replication and migrations, bucket replication to external S3) are not implemented by this server yet.';

function notImplemented(): never {
  throw new HttpException({ success: false, error: MESSAGE, message: MESSAGE, code: 'NotImplemented' }, HttpStatus.NOT_IMPLEMENTED);
}

/**
 * The reference's cluster and replication routes answer 501 NotImplemented, so that clients get
 * an honest answer (and the OpenAPI document lists them) until clustering is built.
 */
@ConsoleController('cluster', 'cluster')
export class ClusterNotImplementedController {
  @All(['', '*path'])
  @Roles('admin')
  @NoAudit()
  @ApiOperation({ summary: 'Cluster management, cluster replication and migrations: 501 NotImplemented (not built yet)' })
  cluster(): never {
    notImplemented();
  }
}

@ConsoleController('buckets', 'buckets')
export class BucketReplicationNotImplementedController {
  @All([':name/replication', ':name/replication/*path'])
  @NoAudit()
  @ApiOperation({ summary: 'Bucket replication to external S3: 501 NotImplemented (not built yet)' })
  replication(): never {
    notImplemented();
  }
}
