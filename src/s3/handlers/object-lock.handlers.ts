import { Injectable } from '@nestjs/common';
import { BucketsService } from '../../buckets/buckets.service';
import { ObjectLockService } from '../../objects/object-lock.service';
import { readChecksumRequest } from '../http/checksum-headers';
import { MAX_SMALL_XML_BODY, readSmallBody } from '../http/read-body';
import { S3Result } from '../http/s3-result';
import {
  legalHoldXml,
  objectLockConfigurationXml,
  readLegalHold,
  readObjectLockConfiguration,
  readRetention,
  retentionXml,
} from '../xml/object-lock-shapes';
import { readXml } from '../xml/read-xml';
import { HandlesS3, S3Call } from './handles-s3.decorator';
import { canBypassGovernance, requireIntegrityCheck, versionIdParam } from './object-version-values';

/** Object lock: the bucket's configuration, and each version's retention and legal hold. */
@Injectable()
export class ObjectLockHandlers {
  constructor(
    private readonly buckets: BucketsService,
    private readonly locks: ObjectLockService,
  ) {}

  @HandlesS3('GetObjectLockConfiguration')
  async getObjectLockConfiguration({ bucket }: S3Call): Promise<S3Result> {
    return S3Result.xml(objectLockConfigurationXml(await this.buckets.getObjectLockConfiguration(bucket)));
  }

  @HandlesS3('PutObjectLockConfiguration')
  async putObjectLockConfiguration(call: S3Call): Promise<S3Result> {
    const body = await this.readLockDocument(call);
    const rule = readObjectLockConfiguration(await readXml(body, 'ObjectLockConfiguration'));
    await this.buckets.setObjectLockConfiguration(call.bucket, rule);
    return S3Result.empty(200);
  }

  @HandlesS3('GetObjectRetention')
  async getObjectRetention(call: S3Call): Promise<S3Result> {
    const { value } = await this.locks.getRetention(call.bucket, call.key, versionIdParam(call.query));
    return S3Result.xml(retentionXml(value));
  }

  @HandlesS3('PutObjectRetention')
  async putObjectRetention(call: S3Call): Promise<S3Result> {
    const retention = readRetention(await readXml(await this.readLockDocument(call), 'Retention'));
    await this.locks.putRetention(call.bucket, call.key, versionIdParam(call.query), retention, await canBypassGovernance(call));
    return S3Result.empty(200);
  }

  @HandlesS3('GetObjectLegalHold')
  async getObjectLegalHold(call: S3Call): Promise<S3Result> {
    const { value } = await this.locks.getLegalHold(call.bucket, call.key, versionIdParam(call.query));
    return S3Result.xml(legalHoldXml(value));
  }

  @HandlesS3('PutObjectLegalHold')
  async putObjectLegalHold(call: S3Call): Promise<S3Result> {
    const on = readLegalHold(await readXml(await this.readLockDocument(call), 'LegalHold'));
    await this.locks.putLegalHold(call.bucket, call.key, versionIdParam(call.query), on);
    return S3Result.empty(200);
  }

  /** The XML body of a lock PUT: S3 requires Content-MD5 or a checksum on each of them. */
  private async readLockDocument(call: S3Call): Promise<string> {
    requireIntegrityCheck(readChecksumRequest(call.headers));
    return (await readSmallBody(call, MAX_SMALL_XML_BODY)).toString('utf8');
  }
}
