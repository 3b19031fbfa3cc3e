import { Injectable } from '@nestjs/common';
import { isObjectOwnership, PublicAccessBlock } from '../../buckets/bucket-controls';
import { BucketsService } from '../../buckets/buckets.service';
import { S3Error } from '../errors/s3-error';
import { readSmallBody } from '../http/read-body';
import { S3Result } from '../http/s3-result';
import { childText, readXml } from '../xml/read-xml';
import { HandlesS3, S3Call } from './handles-s3.decorator';

const PAB_FLAGS = [
  ['BlockPublicAcls', 'blockPublicAcls'],
  ['IgnorePublicAcls', 'ignorePublicAcls'],
  ['BlockPublicPolicy', 'blockPublicPolicy'],
  ['RestrictPublicBuckets', 'restrictPublicBuckets'],
] as const;

/** Ownership controls (Object Ownership) and the public access block of a bucket. */
@Injectable()
export class BucketControlsHandlers {
  constructor(private readonly buckets: BucketsService) {}

  @HandlesS3('GetBucketOwnershipControls')
  async getBucketOwnershipControls({ bucket }: S3Call): Promise<S3Result> {
    const ownership = await this.buckets.getOwnership(bucket);
    return S3Result.xml({ root: 'OwnershipControls', body: { Rule: { ObjectOwnership: ownership } } });
  }

  @HandlesS3('PutBucketOwnershipControls')
  async putBucketOwnershipControls(call: S3Call): Promise<S3Result> {
    const doc = await readXml((await readSmallBody(call)).toString('utf8'), 'OwnershipControls');
    const rules = (doc.Rule ?? []) as Array<Record<string, unknown[]>>;
    const value = rules.length === 1 ? childText(rules[0], 'ObjectOwnership') : undefined;
    if (value === undefined || !isObjectOwnership(value)) throw new S3Error('MalformedXML');
    await this.buckets.setOwnership(call.bucket, value);
    return S3Result.empty(200);
  }

  @HandlesS3('DeleteBucketOwnershipControls')
  async deleteBucketOwnershipControls({ bucket }: S3Call): Promise<S3Result> {
    await this.buckets.get(bucket);
    await this.buckets.setOwnership(bucket, null);
    return S3Result.empty(204);
  }

  @HandlesS3('GetPublicAccessBlock')
  async getPublicAccessBlock({ bucket }: S3Call): Promise<S3Result> {
    const block = await this.buckets.getPublicAccessBlock(bucket);
    const body: Record<string, string> = {};
    for (const [xml, field] of PAB_FLAGS) body[xml] = block[field] ? 'true' : 'false';
    return S3Result.xml({ root: 'PublicAccessBlockConfiguration', body });
  }

  @HandlesS3('PutPublicAccessBlock')
  async putPublicAccessBlock(call: S3Call): Promise<S3Result> {
    const doc = await readXml((await readSmallBody(call)).toString('utf8'), 'PublicAccessBlockConfiguration');
    const block = {} as PublicAccessBlock;
    for (const [xml, field] of PAB_FLAGS) {
      const v = childText(doc, xml)?.trim().toLowerCase();
      if (v !== undefined && v !== 'true' && v !== 'false') throw new S3Error('MalformedXML');
      block[field] = v === 'true';
    }
    await this.buckets.setPublicAccessBlock(call.bucket, block);
    return S3Result.empty(200);
  }

  @HandlesS3('DeletePublicAccessBlock')
  async deletePublicAccessBlock({ bucket }: S3Call): Promise<S3Result> {
    await this.buckets.get(bucket);
    await this.buckets.setPublicAccessBlock(bucket, null);
    return S3Result.empty(204);
  }
}
