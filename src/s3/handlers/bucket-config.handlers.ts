import { Injectable } from '@nestjs/common';
import { BucketConfigService } from '../../buckets/bucket-config.service';
import { DomainError } from '../../common/domain-error';
import { S3Error } from '../errors/s3-error';
import { readChecksumRequest } from '../http/checksum-headers';
import {
  CORS_BUCKET_NOT_FOUND,
  CORS_NOT_ALLOWED,
  CORS_NOT_ENABLED,
  CORS_ORIGIN_NEEDED,
  matchCorsRule,
  parseRequestHeaders,
  preflightResponseHeaders,
} from '../http/cors';
import { H } from '../http/headers';
import { readSmallBody } from '../http/read-body';
import { S3Result } from '../http/s3-result';
import {
  corsConfigurationXml,
  lifecycleConfigurationXml,
  readCorsConfiguration,
  readLifecycleConfiguration,
  readTagging,
  taggingXml,
} from '../xml/bucket-config-shapes';
import { readXml } from '../xml/read-xml';
import { HandlesS3, S3Call } from './handles-s3.decorator';
import { header } from './request-values';

/** A CORS configuration document is at most 64 KB (S3). */
const MAX_CORS_BODY = 64 * 1024;

/**
 * Bucket sub-resource configurations: CORS (and the OPTIONS preflight it answers), tagging and
 * lifecycle. Documents are validated by BucketConfigService, which the console calls too.
 */
@Injectable()
export class BucketConfigHandlers {
  constructor(private readonly configs: BucketConfigService) {}

  @HandlesS3('GetBucketCors')
  async getBucketCors({ bucket }: S3Call): Promise<S3Result> {
    return S3Result.xml(corsConfigurationXml(await this.configs.getCors(bucket)));
  }

  @HandlesS3('PutBucketCors')
  async putBucketCors(call: S3Call): Promise<S3Result> {
    const doc = await readConfigDocument(call, 'CORSConfiguration', MAX_CORS_BODY);
    await this.configs.putCors(call.bucket, readCorsConfiguration(doc));
    return S3Result.empty(200);
  }

  @HandlesS3('DeleteBucketCors')
  async deleteBucketCors({ bucket }: S3Call): Promise<S3Result> {
    await this.configs.deleteCors(bucket);
    return S3Result.empty(204);
  }

  @HandlesS3('GetBucketTagging')
  async getBucketTagging({ bucket }: S3Call): Promise<S3Result> {
    return S3Result.xml(taggingXml(await this.configs.getTagging(bucket)));
  }

  @HandlesS3('PutBucketTagging')
  async putBucketTagging(call: S3Call): Promise<S3Result> {
    const doc = await readConfigDocument(call, 'Tagging');
    await this.configs.putTagging(call.bucket, readTagging(doc));
    return S3Result.empty(204);
  }

  @HandlesS3('DeleteBucketTagging')
  async deleteBucketTagging({ bucket }: S3Call): Promise<S3Result> {
    await this.configs.deleteTagging(bucket);
    return S3Result.empty(204);
  }

  @HandlesS3('GetBucketLifecycleConfiguration')
  async getBucketLifecycleConfiguration({ bucket }: S3Call): Promise<S3Result> {
    return S3Result.xml(lifecycleConfigurationXml(await this.configs.getLifecycle(bucket)));
  }

  @HandlesS3('PutBucketLifecycleConfiguration')
  async putBucketLifecycleConfiguration(call: S3Call): Promise<S3Result> {
    const doc = await readConfigDocument(call, 'LifecycleConfiguration');
    await this.configs.putLifecycle(call.bucket, readLifecycleConfiguration(doc));
    return S3Result.empty(200);
  }

  @HandlesS3('DeleteBucketLifecycle')
  async deleteBucketLifecycle({ bucket }: S3Call): Promise<S3Result> {
    await this.configs.deleteLifecycle(bucket);
    return S3Result.empty(204);
  }

  /** The CORS preflight of a browser, on a key. Anonymous: it carries no credentials. */
  @HandlesS3('OptionsObject')
  optionsObject(call: S3Call): Promise<S3Result> {
    return this.preflight(call, 'OBJECT');
  }

  /** The CORS preflight of a browser, on a bucket. */
  @HandlesS3('OptionsBucket')
  optionsBucket(call: S3Call): Promise<S3Result> {
    return this.preflight(call, 'BUCKET');
  }

  /**
   * Evaluates a preflight against the bucket's rules: 200 with the CORS headers of the first rule
   * allowing the origin, the requested method and every requested header; else 403, as S3 answers.
   */
  private async preflight(call: S3Call, resourceType: 'BUCKET' | 'OBJECT'): Promise<S3Result> {
    const origin = header(call.headers, H.origin);
    if (origin === undefined) throw new S3Error('BadRequest', { message: CORS_ORIGIN_NEEDED });
    const method = header(call.headers, H.accessControlRequestMethod);
    const requested = parseRequestHeaders(header(call.headers, H.accessControlRequestHeaders));
    const fields = { Method: method ?? 'OPTIONS', ResourceType: resourceType };
    let rules;
    try {
      rules = await this.configs.corsRules(call.bucket);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'BucketNotFound') {
        throw new S3Error('AccessForbidden', { message: CORS_BUCKET_NOT_FOUND, fields: { ...fields, ResourceType: 'BUCKET' } });
      }
      throw err;
    }
    if (!rules) throw new S3Error('AccessForbidden', { message: CORS_NOT_ENABLED, fields: { ...fields, ResourceType: 'BUCKET' } });
    const rule = method === undefined ? undefined : matchCorsRule(rules, origin, method, requested);
    if (!rule) throw new S3Error('AccessForbidden', { message: CORS_NOT_ALLOWED, fields });
    return S3Result.empty(200, preflightResponseHeaders(rule, origin, requested));
  }
}

/**
 * Reads a configuration document. S3 wants these PUTs integrity-protected: a Content-MD5 or an
 * x-amz-checksum-* value (header or trailer), checked while the body is read.
 */
async function readConfigDocument(call: S3Call, root: string, max?: number): Promise<Record<string, unknown[]>> {
  const checks = readChecksumRequest(call.headers);
  if (checks.contentMd5 === undefined && Object.keys(checks.headerValues).length === 0 && checks.trailerAlgorithms.length === 0) {
    throw new S3Error('InvalidRequest', { message: 'Missing required header for this request: Content-MD5' });
  }
  const body = await readSmallBody(call, max);
  return readXml(body.toString('utf8'), root);
}
