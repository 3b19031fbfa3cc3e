import { Injectable } from '@nestjs/common';
import { BucketsService } from '../../buckets/buckets.service';
import { IamService } from '../../iam/iam.service';
import { ObjectVersionsService } from '../../objects/object-versions.service';
import { ObjectView } from '../../objects/objects.service';
import { S3Error } from '../errors/s3-error';
import { MAX_SMALL_XML_BODY, readSmallBody } from '../http/read-body';
import { S3Result } from '../http/s3-result';
import { readXml } from '../xml/read-xml';
import { Owner } from '../xml/shapes';
import { listVersionsResultXml, readVersioningConfiguration, versioningConfigurationXml } from '../xml/versioning-shapes';
import { HandlesS3, S3Call } from './handles-s3.decorator';
import { encodingType, maxParam } from './request-values';

/** Bucket versioning: GetBucketVersioning, PutBucketVersioning, ListObjectVersions. */
@Injectable()
export class VersioningHandlers {
  constructor(
    private readonly buckets: BucketsService,
    private readonly versions: ObjectVersionsService,
    private readonly iam: IamService,
  ) {}

  @HandlesS3('GetBucketVersioning')
  async getBucketVersioning({ bucket }: S3Call): Promise<S3Result> {
    return S3Result.xml(versioningConfigurationXml(await this.buckets.getVersioning(bucket)));
  }

  @HandlesS3('PutBucketVersioning')
  async putBucketVersioning(call: S3Call): Promise<S3Result> {
    const body = await readSmallBody(call, MAX_SMALL_XML_BODY);
    const request = readVersioningConfiguration(await readXml(body.toString('utf8'), 'VersioningConfiguration'));
    if (request.mfaDelete === 'Enabled') {
      throw new S3Error('NotImplemented', { message: 'MFA Delete is not supported by this server.' });
    }
    if (request.status) await this.buckets.setVersioning(call.bucket, request.status);
    else await this.buckets.get(call.bucket);
    return S3Result.empty(200);
  }

  @HandlesS3('ListObjectVersions')
  async listObjectVersions({ bucket, query }: S3Call): Promise<S3Result> {
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') || undefined;
    const keyMarker = query.get('key-marker') ?? '';
    const versionIdMarker = query.get('version-id-marker') ?? '';
    const maxKeys = maxParam(query, 'max-keys');
    const enc = encodingType(query);
    const page = await this.versions.listObjectVersions(bucket, { prefix, delimiter, keyMarker, versionIdMarker, maxKeys });
    const owners = await this.ownersOf(page.versions);
    return S3Result.xml(
      listVersionsResultXml({
        bucket,
        prefix,
        delimiter,
        keyMarker,
        versionIdMarker,
        maxKeys,
        encodingType: enc,
        page,
        owner: (v) => owners.get(v.ownerId)!,
      }),
    );
  }

  private async ownersOf(versions: ObjectView[]): Promise<Map<string, Owner>> {
    const map = new Map<string, Owner>();
    for (const id of new Set(versions.map((v) => v.ownerId))) map.set(id, await this.iam.owner(id));
    return map;
  }
}
