import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { aclsDisabled, assertAclWritable, effectiveGrants, effectivePublicAccessBlock } from '../../buckets/bucket-controls';
import { BucketsService } from '../../buckets/buckets.service';
import { DomainError } from '../../common/domain-error';
import { AclError, AclGrant, aclIsPublic, cannedAclGrants, grantsFromHeaders, RequestedGrant } from '../../iam/acl/acl';
import { IamService } from '../../iam/iam.service';
import { isPublicPolicy } from '../../iam/policy/public-policy';
import { parsePolicy } from '../../iam/policy/parse-policy';
import { ObjectAclService } from '../../objects/object-acl.service';
import { S3Error } from '../errors/s3-error';
import { readSmallBody } from '../http/read-body';
import { S3Result } from '../http/s3-result';
import { accessControlPolicyXml, grantsFromXml } from '../xml/acl-shapes';
import { readXml } from '../xml/read-xml';
import { HandlesS3, S3Call } from './handles-s3.decorator';
import { header } from './request-values';

/** S3 caps bucket policies at 20 KiB. */
const MAX_POLICY_BYTES = 20 * 1024;

/** Who may do what: bucket policies and ACLs of buckets and objects. */
@Injectable()
export class AccessHandlers {
  constructor(
    private readonly buckets: BucketsService,
    private readonly objectAcls: ObjectAclService,
    private readonly iam: IamService,
  ) {}

  @HandlesS3('PutBucketPolicy')
  async putBucketPolicy(call: S3Call): Promise<S3Result> {
    const body = await readSmallBody(call, MAX_POLICY_BYTES, { xml: false });
    const text = body.toString('utf8');
    const parsed = parsePolicy(text, 'bucket', { bucket: call.bucket }); // MalformedPolicy with the reason
    if (effectivePublicAccessBlock(await this.buckets.entity(call.bucket))?.blockPublicPolicy && isPublicPolicy(parsed)) {
      throw new S3Error('AccessDenied', { message: "Access Denied (the bucket's public access block forbids public policies)" });
    }
    await this.buckets.setPolicy(call.bucket, text);
    return S3Result.empty(204);
  }

  @HandlesS3('GetBucketPolicy')
  async getBucketPolicy({ bucket }: S3Call): Promise<S3Result> {
    const body = Buffer.from(await this.buckets.getPolicy(bucket), 'utf8');
    return S3Result.stream(Readable.from([body]), body.length, { 'Content-Type': 'application/json' });
  }

  @HandlesS3('DeleteBucketPolicy')
  async deleteBucketPolicy({ bucket }: S3Call): Promise<S3Result> {
    await this.buckets.get(bucket);
    await this.buckets.setPolicy(bucket, null);
    return S3Result.empty(204);
  }

  @HandlesS3('GetBucketPolicyStatus')
  async getBucketPolicyStatus({ bucket }: S3Call): Promise<S3Result> {
    // Public through its ACL (unless ACLs are disabled or public ones ignored) or through its policy.
    const b = await this.buckets.entity(bucket);
    if (aclIsPublic(effectiveGrants(b, b.acl))) return S3Result.xml({ root: 'PolicyStatus', body: { IsPublic: true } });
    const policy = await this.buckets.getPolicy(bucket);
    return S3Result.xml({ root: 'PolicyStatus', body: { IsPublic: isPublicPolicy(parsePolicy(policy, 'bucket')) } });
  }

  @HandlesS3('GetBucketAcl')
  async getBucketAcl({ bucket }: S3Call): Promise<S3Result> {
    const { ownerId, grants } = await this.buckets.getAcl(bucket);
    // ACLs disabled (BucketOwnerEnforced): the owner has full control, nothing else applies.
    return S3Result.xml(await this.aclDocument(ownerId, aclsDisabled(await this.buckets.entity(bucket)) ? null : grants));
  }

  @HandlesS3('PutBucketAcl')
  async putBucketAcl(call: S3Call): Promise<S3Result> {
    const { ownerId } = await this.buckets.getAcl(call.bucket);
    const grants = await requestedGrants(call, this.iam, ownerId);
    assertAclWritable(await this.buckets.entity(call.bucket), grants);
    await this.buckets.setAcl(call.bucket, grants);
    return S3Result.empty(200);
  }

  @HandlesS3('GetObjectAcl')
  async getObjectAcl({ bucket, key, query }: S3Call): Promise<S3Result> {
    const { ownerId, grants } = await this.objectAcls.get(bucket, key, query.get('versionId') ?? undefined);
    const b = await this.buckets.entity(bucket);
    if (aclsDisabled(b)) return S3Result.xml(await this.aclDocument(b.ownerId, null));
    return S3Result.xml(await this.aclDocument(ownerId, grants));
  }

  @HandlesS3('PutObjectAcl')
  async putObjectAcl(call: S3Call): Promise<S3Result> {
    const versionId = call.query.get('versionId') ?? undefined;
    const { ownerId } = await this.objectAcls.get(call.bucket, call.key, versionId);
    const bucketOwner = (await this.buckets.getAcl(call.bucket)).ownerId;
    const grants = await requestedGrants(call, this.iam, ownerId, bucketOwner);
    assertAclWritable(await this.buckets.entity(call.bucket), grants);
    await this.objectAcls.set(call.bucket, call.key, grants, versionId);
    return S3Result.empty(200);
  }

  private async aclDocument(ownerId: string, grants: AclGrant[] | null) {
    const owner = await this.iam.owner(ownerId);
    const list = grants ?? cannedAclGrants('private', ownerId);
    const names = new Map<string, string>();
    for (const g of list) if (g.grantee.type === 'CanonicalUser') names.set(g.grantee.id, (await this.iam.owner(g.grantee.id)).displayName);
    return accessControlPolicyXml(owner, list, (id) => names.get(id) ?? id);
  }
}

/**
 * The grants a Put*Acl request asks for: a canned `x-amz-acl`, `x-amz-grant-*` headers, or an
 * AccessControlPolicy body — exactly one of them, as S3 requires. Header and body grants are
 * exactly the ones listed, their grantees resolved (an unknown id or email is refused).
 */
export async function requestedGrants(call: S3Call, iam: IamService, ownerId: string, bucketOwnerId?: string): Promise<AclGrant[]> {
  const body = await readSmallBody(call, 64 * 1024);
  const canned = header(call.headers, 'x-amz-acl');
  let requested: RequestedGrant[];
  try {
    const fromHeaders = grantsFromHeaders(call.headers);
    const given = [canned !== undefined, fromHeaders !== null, body.length > 0].filter(Boolean).length;
    if (given === 0) throw new S3Error('MissingSecurityHeader', { message: 'Your request was missing a required header: x-amz-acl' });
    if (given > 1) {
      throw new S3Error('InvalidRequest', {
        message: 'Specifying both Canned ACLs and Header Grants, or an ACL body with either, is not allowed',
      });
    }
    if (canned !== undefined) return cannedAclGrants(canned, ownerId, bucketOwnerId);
    requested = fromHeaders ?? grantsFromXml(await readXml(body.toString('utf8'), 'AccessControlPolicy'));
  } catch (err) {
    if (err instanceof AclError) throw new DomainError('MalformedAcl', err.message);
    throw err;
  }
  return iam.resolveGrants(requested);
}

/**
 * Grants of an `x-amz-acl` / `x-amz-grant-*` set on a create request (CreateBucket, PutObject…);
 * null when none. `bucketOwnerId` is asked for only by the bucket-owner-* canned ACLs.
 */
export async function grantsOnCreate(
  call: S3Call,
  iam: IamService,
  ownerId: string,
  bucketOwnerId?: () => Promise<string>,
): Promise<AclGrant[] | null> {
  const canned = header(call.headers, 'x-amz-acl');
  let requested: RequestedGrant[] | null;
  try {
    if (canned !== undefined) {
      return cannedAclGrants(canned, ownerId, canned.startsWith('bucket-owner-') && bucketOwnerId ? await bucketOwnerId() : undefined);
    }
    requested = grantsFromHeaders(call.headers);
  } catch (err) {
    if (err instanceof AclError) throw new S3Error('InvalidArgument', { message: err.message, fields: { ArgumentName: 'x-amz-acl' } });
    throw err;
  }
  return requested && iam.resolveGrants(requested);
}

export { aclIsPublic };
