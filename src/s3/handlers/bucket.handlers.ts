import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { BucketsService } from '../../buckets/buckets.service';
import { IamService } from '../../iam/iam.service';
import { ObjectsService, ObjectView } from '../../objects/objects.service';
import { S3Error } from '../errors/s3-error';
import { H } from '../http/headers';
import { MAX_SMALL_XML_BODY, readSmallBody } from '../http/read-body';
import { S3Result } from '../http/s3-result';
import { listAllMyBucketsXml, listObjectsV1Xml, listObjectsV2Xml, locationXml, Owner } from '../xml/shapes';
import { childText, readXml } from '../xml/read-xml';
import { grantsOnCreate } from './access.handlers';
import { isObjectOwnership } from '../../buckets/bucket-controls';

const OBJECT_OWNERSHIP_HEADER = 'x-amz-object-ownership';
import { HandlesS3, S3Call } from './handles-s3.decorator';
import { encodingType, header, maxParam } from './request-values';

const MAX_BUCKETS_PAGE = 10000;

/** A ListBuckets continuation token back to the bucket name it stands for; InvalidArgument if it is not one. */
function decodeBucketToken(token: string): string {
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (!/^[a-z0-9][a-z0-9.-]{2,62}$/.test(name)) {
    throw new S3Error('InvalidArgument', {
      message: 'The continuation token provided is incorrect',
      fields: { ArgumentName: 'continuation-token' },
    });
  }
  return name;
}

/** Bucket lifecycle and listing: ListBuckets, Create/Head/Delete/GetBucketLocation, ListObjects(V2). */
@Injectable()
export class BucketHandlers {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly buckets: BucketsService,
    private readonly objects: ObjectsService,
    private readonly iam: IamService,
  ) {}

  /**
   * ListBuckets, all at once, or paginated as S3 does since 2024 (`max-buckets`,
   * `continuation-token`, `prefix`, `bucket-region`). The token is the last name of the page.
   */
  @HandlesS3('ListBuckets')
  async listBuckets({ principal, query, identityAllows }: S3Call): Promise<S3Result> {
    const max = query.get('max-buckets');
    if (max !== null && (!/^\d+$/.test(max) || Number(max) < 1 || Number(max) > MAX_BUCKETS_PAGE)) {
      throw new S3Error('InvalidArgument', {
        message: `max-buckets must be between 1 and ${MAX_BUCKETS_PAGE}`,
        fields: { ArgumentName: 'max-buckets', ArgumentValue: max },
      });
    }
    const token = query.get('continuation-token');
    const after = token === null ? undefined : decodeBucketToken(token);
    const limit = max === null ? undefined : Number(max);
    const prefix = query.get('prefix') ?? undefined;
    // The caller's own buckets; its tenant's all when a policy (or its role) allows s3:ListAllMyBuckets.
    const page = await this.buckets.list(principal, {
      ownedOnly: !identityAllows('s3:ListAllMyBuckets'),
      prefix,
      after,
      region: query.get('bucket-region') ?? undefined,
      limit: limit === undefined ? undefined : limit + 1,
    });
    const truncated = limit !== undefined && page.length > limit;
    const shown = truncated ? page.slice(0, limit) : page;
    const next = truncated ? Buffer.from(shown[shown.length - 1].name, 'utf8').toString('base64url') : undefined;
    return S3Result.xml(listAllMyBucketsXml(await this.iam.owner(principal.userId), shown, { prefix, continuationToken: next }));
  }

  @HandlesS3('CreateBucket')
  async createBucket(call: S3Call): Promise<S3Result> {
    const body = await readSmallBody(call, MAX_SMALL_XML_BODY);
    let region = this.config.region;
    if (body.length > 0) {
      const doc = await readXml(body.toString('utf8'), 'CreateBucketConfiguration');
      const constraint = childText(doc, 'LocationConstraint');
      if (constraint && constraint !== this.config.region) {
        throw new S3Error('InvalidLocationConstraint', {
          message: `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
        });
      }
      region = constraint || region;
    }
    // Object lock enables versioning with it, for good.
    const objectLock = header(call.headers, H.amzBucketObjectLockEnabled)?.trim().toLowerCase() === 'true';
    const ownership = header(call.headers, OBJECT_OWNERSHIP_HEADER);
    if (ownership !== undefined && !isObjectOwnership(ownership)) {
      throw new S3Error('InvalidArgument', {
        message: 'Invalid x-amz-object-ownership header',
        fields: { ArgumentName: OBJECT_OWNERSHIP_HEADER, ArgumentValue: ownership },
      });
    }
    await this.buckets.create(call.principal, call.bucket, {
      acl: await grantsOnCreate(call, this.iam, call.principal.userId),
      region,
      objectLock,
      recreateOwnInUsEast1: true,
      objectOwnership: ownership,
    });
    return S3Result.empty(200, { Location: `/${call.bucket}` });
  }

  @HandlesS3('HeadBucket')
  async headBucket({ bucket }: S3Call): Promise<S3Result> {
    const b = await this.buckets.get(bucket);
    return S3Result.empty(200, { [H.amzBucketRegion]: b.region });
  }

  @HandlesS3('DeleteBucket')
  async deleteBucket({ bucket }: S3Call): Promise<S3Result> {
    await this.buckets.delete(bucket);
    return S3Result.empty(204);
  }

  @HandlesS3('GetBucketLocation')
  async getBucketLocation({ bucket }: S3Call): Promise<S3Result> {
    const b = await this.buckets.get(bucket);
    return S3Result.xml(locationXml(b.region));
  }

  @HandlesS3('ListObjectsV2')
  async listObjectsV2({ bucket, query }: S3Call): Promise<S3Result> {
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') || undefined;
    const maxKeys = maxParam(query, 'max-keys');
    const enc = encodingType(query);
    const token = query.get('continuation-token') ?? undefined;
    const startAfter = query.get('start-after') ?? undefined;
    let after = startAfter;
    if (token !== undefined) {
      after = decodeToken(token);
    }
    const page = await this.objects.list(bucket, { prefix, delimiter, after, maxKeys });
    const fetchOwner = query.get('fetch-owner') === 'true';
    const owners = fetchOwner ? await this.ownersOf(page.objects) : undefined;
    return S3Result.xml(
      listObjectsV2Xml({
        bucket,
        prefix,
        delimiter,
        maxKeys,
        encodingType: enc,
        continuationToken: token,
        nextContinuationToken: page.isTruncated && page.lastReturned !== undefined ? encodeToken(page.lastReturned) : undefined,
        startAfter,
        page,
        owner: owners ? (o) => owners.get(o.ownerId)! : undefined,
      }),
    );
  }

  @HandlesS3('ListObjects')
  async listObjects({ bucket, query }: S3Call): Promise<S3Result> {
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') || undefined;
    const maxKeys = maxParam(query, 'max-keys');
    const enc = encodingType(query);
    const marker = query.get('marker') ?? '';
    const page = await this.objects.list(bucket, { prefix, delimiter, after: marker || undefined, maxKeys });
    const owners = await this.ownersOf(page.objects);
    return S3Result.xml(
      listObjectsV1Xml({
        bucket,
        prefix,
        delimiter,
        marker,
        // S3 returns NextMarker only with a delimiter; clients use the last key otherwise.
        nextMarker: page.isTruncated && delimiter ? page.lastReturned : undefined,
        maxKeys,
        encodingType: enc,
        page,
        owner: (o) => owners.get(o.ownerId)!,
      }),
    );
  }

  private async ownersOf(objects: ObjectView[]): Promise<Map<string, Owner>> {
    const map = new Map<string, Owner>();
    for (const id of new Set(objects.map((o) => o.ownerId))) map.set(id, await this.iam.owner(id));
    return map;
  }
}

/** Continuation tokens are opaque to clients: the last key returned, base64url. */
function encodeToken(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(token)) {
    throw new S3Error('InvalidArgument', {
      message: 'The continuation token provided is incorrect',
      fields: { ArgumentName: 'continuation-token' },
    });
  }
  return Buffer.from(token, 'base64url').toString('utf8');
}
