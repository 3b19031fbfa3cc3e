import { Injectable } from '@nestjs/common';
import { ReplicationService } from '../../replication/replication.service';
import { S3Error } from '../errors/s3-error';
import { readSmallBody } from '../http/read-body';
import { S3Result } from '../http/s3-result';
import { readXml } from '../xml/read-xml';
import { readReplicationConfiguration, replicationConfigurationXml } from '../xml/replication-shapes';
import { HandlesS3, S3Call } from './handles-s3.decorator';

/**
 * Bucket replication through the S3 API. The standard XML carries no endpoint or credentials, so a
 * rule's destination is created in the console (POST /api/v1/buckets/{name}/replication); here
 * the rules are read, changed (status, priority, filter, delete markers, destination bucket) and
 * removed.
 */
@Injectable()
export class BucketReplicationHandlers {
  constructor(private readonly replication: ReplicationService) {}

  @HandlesS3('GetBucketReplication')
  async getBucketReplication({ bucket }: S3Call): Promise<S3Result> {
    const rules = await this.replication.list(bucket);
    if (rules.length === 0) throw new S3Error('ReplicationConfigurationNotFoundError');
    return S3Result.xml(replicationConfigurationXml(rules));
  }

  @HandlesS3('PutBucketReplication')
  async putBucketReplication(call: S3Call): Promise<S3Result> {
    const body = await readSmallBody(call);
    const doc = await readXml(body.toString('utf8'), 'ReplicationConfiguration');
    await this.replication.replaceFromS3(call.bucket, readReplicationConfiguration(doc));
    return S3Result.empty(200);
  }

  @HandlesS3('DeleteBucketReplication')
  async deleteBucketReplication({ bucket }: S3Call): Promise<S3Result> {
    await this.replication.removeAll(bucket);
    return S3Result.empty(204);
  }
}
