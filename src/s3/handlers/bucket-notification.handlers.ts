import { Injectable } from '@nestjs/common';
import { BucketConfigService } from '../../buckets/bucket-config.service';
import { readSmallBody } from '../http/read-body';
import { S3Result } from '../http/s3-result';
import { notificationConfigurationXml, readNotificationConfiguration } from '../xml/notification-shapes';
import { readXml } from '../xml/read-xml';
import { HandlesS3, S3Call } from './handles-s3.decorator';

/**
 * Bucket event notifications: the configuration is stored (BucketConfigService, shared with the
 * console's /buckets/{name}/notifications); src/events delivers the events.
 */
@Injectable()
export class BucketNotificationHandlers {
  constructor(private readonly configs: BucketConfigService) {}

  @HandlesS3('GetBucketNotificationConfiguration')
  async getBucketNotificationConfiguration({ bucket }: S3Call): Promise<S3Result> {
    return S3Result.xml(notificationConfigurationXml(await this.configs.getNotification(bucket)));
  }

  /** An empty NotificationConfiguration removes every rule, as in S3. */
  @HandlesS3('PutBucketNotificationConfiguration')
  async putBucketNotificationConfiguration(call: S3Call): Promise<S3Result> {
    const body = await readSmallBody(call, 1024 * 1024);
    const doc = await readXml(body.toString('utf8'), 'NotificationConfiguration');
    const existing = await this.configs.getNotification(call.bucket);
    await this.configs.putNotification(call.bucket, readNotificationConfiguration(doc, existing));
    return S3Result.empty(200);
  }
}
