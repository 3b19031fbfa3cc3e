import { Injectable } from '@nestjs/common';
import { BucketsService } from '../../buckets/buckets.service';
import { S3Error } from '../errors/s3-error';
import type { S3ErrorCode } from '../errors/s3-error-catalog';
import { S3Result } from '../http/s3-result';
import { HandlesS3, S3Call } from './handles-s3.decorator';

/**
 * Bucket features this server does not offer — static websites, server
 * access logging, transfer acceleration,
 * requester pays. No bucket can have such a configuration (their Put operations answer
 * NotImplemented), so reading one answers what S3 answers for a bucket that has none: tools read
 * them all when they inspect a bucket (Terraform's aws_s3_bucket refuses a 501 for several).
 */
@Injectable()
export class AbsentConfigHandlers {
  constructor(private readonly buckets: BucketsService) {}

  @HandlesS3('GetBucketWebsite')
  getBucketWebsite(call: S3Call): Promise<S3Result> {
    return this.none(call, 'NoSuchWebsiteConfiguration');
  }

  /** Logging disabled: an empty BucketLoggingStatus. */
  @HandlesS3('GetBucketLogging')
  async getBucketLogging({ bucket }: S3Call): Promise<S3Result> {
    await this.buckets.get(bucket);
    return S3Result.xml({ root: 'BucketLoggingStatus', body: {} });
  }

  /** Never configured: an empty AccelerateConfiguration (no Status), as S3 answers. */
  @HandlesS3('GetBucketAccelerateConfiguration')
  async getBucketAccelerateConfiguration({ bucket }: S3Call): Promise<S3Result> {
    await this.buckets.get(bucket);
    return S3Result.xml({ root: 'AccelerateConfiguration', body: {} });
  }

  /** The bucket owner pays, always. */
  @HandlesS3('GetBucketRequestPayment')
  async getBucketRequestPayment({ bucket }: S3Call): Promise<S3Result> {
    await this.buckets.get(bucket);
    return S3Result.xml({ root: 'RequestPaymentConfiguration', body: { Payer: 'BucketOwner' } });
  }

  /** NoSuchBucket first, as for every bucket sub-resource; then the "none configured" error. */
  private async none({ bucket }: S3Call, code: S3ErrorCode): Promise<S3Result> {
    await this.buckets.get(bucket);
    throw new S3Error(code, { fields: { BucketName: bucket } });
  }
}
