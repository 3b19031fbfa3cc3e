import { Injectable } from '@nestjs/common';
import { BucketConfigService, BucketEncryption } from '../../buckets/bucket-config.service';
import { KmsService } from '../../encryption/kms.service';
import { S3Error } from '../errors/s3-error';
import { readChecksumRequest } from '../http/checksum-headers';
import { readSmallBody } from '../http/read-body';
import { S3Result } from '../http/s3-result';
import { XmlDocument } from '../xml/write-xml';
import { childText, readXml } from '../xml/read-xml';
import { HandlesS3, S3Call } from './handles-s3.decorator';

const ROOT = 'ServerSideEncryptionConfiguration';

/** Default encryption of a bucket (Put/Get/DeleteBucketEncryption): new objects that ask for none get it. */
@Injectable()
export class BucketEncryptionHandlers {
  constructor(
    private readonly configs: BucketConfigService,
    private readonly kms: KmsService,
  ) {}

  @HandlesS3('GetBucketEncryption')
  async getBucketEncryption({ bucket }: S3Call): Promise<S3Result> {
    return S3Result.xml(encryptionConfigurationXml(await this.configs.getEncryption(bucket)));
  }

  @HandlesS3('PutBucketEncryption')
  async putBucketEncryption(call: S3Call): Promise<S3Result> {
    const checks = readChecksumRequest(call.headers);
    if (checks.contentMd5 === undefined && Object.keys(checks.headerValues).length === 0 && checks.trailerAlgorithms.length === 0) {
      throw new S3Error('InvalidRequest', { message: 'Missing required header for this request: Content-MD5' });
    }
    const doc = await readXml((await readSmallBody(call)).toString('utf8'), ROOT);
    const config = readEncryptionConfiguration(doc);
    // A key that names no KMS key is refused now rather than on every later write.
    if (config.kmsMasterKeyId !== undefined) await this.kms.describe(config.kmsMasterKeyId);
    await this.configs.putEncryption(call.bucket, config);
    return S3Result.empty(200);
  }

  @HandlesS3('DeleteBucketEncryption')
  async deleteBucketEncryption({ bucket }: S3Call): Promise<S3Result> {
    await this.configs.deleteEncryption(bucket);
    return S3Result.empty(204);
  }
}

type XmlNode = Record<string, unknown[]>;

/** Exactly one Rule with ApplyServerSideEncryptionByDefault/SSEAlgorithm, as S3 accepts. */
export function readEncryptionConfiguration(doc: XmlNode): BucketEncryption {
  const rules = (doc.Rule ?? []) as XmlNode[];
  if (rules.length !== 1) throw new S3Error('MalformedXML');
  const rule = rules[0];
  const apply = (rule.ApplyServerSideEncryptionByDefault?.[0] ?? undefined) as XmlNode | undefined;
  const algorithm = childText(apply, 'SSEAlgorithm');
  if (!apply || algorithm === undefined) throw new S3Error('MalformedXML');
  const bucketKey = childText(rule, 'BucketKeyEnabled');
  const bucketKeyEnabled = bucketKey?.trim().toLowerCase() === 'true';
  if (algorithm === 'aws:kms') {
    const keyId = childText(apply, 'KMSMasterKeyID')?.trim();
    return keyId ? { algorithm, kmsMasterKeyId: keyId, bucketKeyEnabled } : { algorithm, bucketKeyEnabled };
  }
  if (algorithm === 'aws:kms:dsse') {
    throw new S3Error('NotImplemented', { message: 'Dual-layer SSE-KMS (aws:kms:dsse) is not implemented; use aws:kms.' });
  }
  if (algorithm !== 'AES256') {
    throw new S3Error('InvalidArgument', {
      message: 'The encryption method specified is not supported',
      fields: { ArgumentName: 'SSEAlgorithm', ArgumentValue: algorithm },
    });
  }
  if (childText(apply, 'KMSMasterKeyID') !== undefined) {
    throw new S3Error('InvalidArgument', { message: 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms' });
  }
  return { algorithm, bucketKeyEnabled };
}

export function encryptionConfigurationXml(config: BucketEncryption): XmlDocument {
  return {
    root: ROOT,
    body: {
      Rule: {
        ApplyServerSideEncryptionByDefault:
          config.kmsMasterKeyId !== undefined
            ? { SSEAlgorithm: config.algorithm, KMSMasterKeyID: config.kmsMasterKeyId }
            : { SSEAlgorithm: config.algorithm },
        BucketKeyEnabled: config.bucketKeyEnabled ? 'true' : 'false',
      },
    },
  };
}
