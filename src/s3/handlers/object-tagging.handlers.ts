import { Injectable } from '@nestjs/common';
import { ObjectTaggingService } from '../../objects/object-tagging.service';
import { MAX_SMALL_XML_BODY, readSmallBody } from '../http/read-body';
import { S3Result } from '../http/s3-result';
import { readXml } from '../xml/read-xml';
import { readTagging, taggingXml } from '../xml/tagging-shapes';
import { HandlesS3, S3Call } from './handles-s3.decorator';
import { versionHeaders, versionIdParam } from './object-version-values';

/** Object tagging, per version: GetObjectTagging, PutObjectTagging, DeleteObjectTagging. */
@Injectable()
export class ObjectTaggingHandlers {
  constructor(private readonly tagging: ObjectTaggingService) {}

  @HandlesS3('GetObjectTagging')
  async getObjectTagging(call: S3Call): Promise<S3Result> {
    const got = await this.tagging.getTags(call.bucket, call.key, versionIdParam(call.query));
    return S3Result.xml(taggingXml(got.tags), versionHeaders(got.versioned, got.versionId));
  }

  @HandlesS3('PutObjectTagging')
  async putObjectTagging(call: S3Call): Promise<S3Result> {
    const body = await readSmallBody(call, MAX_SMALL_XML_BODY);
    const pairs = readTagging(await readXml(body.toString('utf8'), 'Tagging'));
    const done = await this.tagging.putTags(call.bucket, call.key, versionIdParam(call.query), pairs);
    return S3Result.empty(200, versionHeaders(done.versioned, done.versionId));
  }

  @HandlesS3('DeleteObjectTagging')
  async deleteObjectTagging(call: S3Call): Promise<S3Result> {
    const done = await this.tagging.deleteTags(call.bucket, call.key, versionIdParam(call.query));
    return S3Result.empty(204, versionHeaders(done.versioned, done.versionId));
  }
}
