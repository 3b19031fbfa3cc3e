import { Injectable } from '@nestjs/common';
import { BucketsService } from '../buckets/buckets.service';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { effectiveGrants, effectivePublicAccessBlock } from '../buckets/bucket-controls';
import { DomainError } from '../common/domain-error';
import { isPublicPolicy } from './policy/public-policy';
import { DatabaseService } from '../database/database.service';
import { ObjectEntity } from '../objects/entities/object.entity';
import { aclAllows, aclPermissionFor, AclGrant } from './acl/acl';
import { TENANT_FULL_ACCESS } from './policy/builtin-policies';
import { evaluate } from './policy/evaluate';
import { parsePolicy } from './policy/parse-policy';
import type { PolicyDocument, RequestContext } from './policy/policy.types';
import type { Principal } from './principal';

/** What the protocol layer knows of a request, for the access decision. */
export interface AccessRequest {
  /** null = anonymous */
  principal: Principal | null;
  /** The caller's identity policies (empty for anonymous). */
  identityPolicies: readonly PolicyDocument[];
  /** IAM action, e.g. s3:GetObject */
  action: string;
  bucket?: string;
  key?: string;
  versionId?: string;
  /**
   * Condition keys of the request (aws:SourceIp, s3:prefix, …), built only when a policy is
   * actually evaluated (never for root and global admins); the evaluator works on a copy.
   */
  context: () => Record<string, string | string[] | undefined>;
}

export const s3Arn = (bucket?: string, key?: string): string =>
  bucket === undefined ? 'arn:aws:s3:::*' : key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;

/**
 * The S3 access decision, in AWS's order: an explicit Deny in any applicable policy wins; then an
 * Allow from the caller's identity policies, the bucket policy or an ACL grant; otherwise deny.
 * A tenant user has exactly what these grant (least privilege: no policy, no access).
 *
 * What stands in for AWS's account model:
 * - root and global admins are allowed everything (object lock COMPLIANCE is enforced by the
 *   services, for everyone);
 * - identity policies apply inside the caller's tenant only; the tenant-admin role carries the
 *   built-in {@link TENANT_FULL_ACCESS} policy (full access to the tenant's buckets);
 * - a bucket's owner (the user who created it) has full control of it and of its objects while
 *   it stays in the bucket's tenant;
 * - across tenants, only the bucket policy and ACL grants (a group, or a grant naming the other
 *   tenant's user by canonical id) open a bucket;
 * - ListBuckets (s3:ListAllMyBuckets) is open to every authenticated caller: it shows the buckets
 *   the caller owns, and the tenant's when {@link identityAllows} says so.
 */
@Injectable()
export class AuthorizationService {
  private readonly parsed = new Map<string, PolicyDocument | null>();

  constructor(
    private readonly buckets: BucketsService,
    private readonly db: DatabaseService,
  ) {}

  /** Throws AccessDenied unless the request is allowed. */
  async authorize(req: AccessRequest): Promise<void> {
    if (!(await this.isAllowed(req))) throw new DomainError('AccessDenied');
  }

  async isAllowed(req: AccessRequest): Promise<boolean> {
    const p = req.principal;
    if (p?.role === 'admin') return true;

    let bucket: BucketEntity | null = null;
    if (req.bucket !== undefined) {
      try {
        bucket = await this.buckets.entity(req.bucket);
      } catch (err) {
        if (!(err instanceof DomainError) || err.code !== 'BucketNotFound') throw err;
      }
    }
    // A bucket that does not exist: the operation answers NoSuchBucket (or creates it) for an
    // authenticated caller; anonymous callers learn nothing.
    if (req.bucket !== undefined && !bucket) return p !== null && (req.action === 's3:CreateBucket' ? this.identityAllows(req) : true);

    const sameTenant = p !== null && (bucket === null || bucket.tenantId === p.tenantId);
    const ctx = this.context(req);
    const policies: Array<{ kind: 'bucket' | 'identity'; document: PolicyDocument }> = [];
    if (p && sameTenant) for (const document of this.identityPolicies(req)) policies.push({ kind: 'identity', document });
    const bucketPolicy = bucket ? this.bucketPolicy(bucket) : null;
    if (bucketPolicy) policies.push({ kind: 'bucket', document: bucketPolicy });

    if (bucket && req.key !== undefined && policies.some((x) => this.mentionsExistingObjectTag(x.document))) {
      Object.assign(ctx.context, await this.existingObjectTags(bucket, req.key, req.versionId));
    }
    const decision = policies.length > 0 ? evaluate(policies, ctx) : 'ImplicitDeny';
    if (decision === 'ExplicitDeny') return false;
    // RestrictPublicBuckets: a public bucket policy opens the bucket to its own tenant only.
    const restricted =
      !sameTenant &&
      bucket !== undefined &&
      bucket !== null &&
      effectivePublicAccessBlock(bucket)?.restrictPublicBuckets === true &&
      bucketPolicy !== null &&
      isPublicPolicy(bucketPolicy);
    if (decision === 'Allow' && !restricted) return true;
    if (!bucket) return p !== null && req.action === 's3:ListAllMyBuckets';
    if (p && sameTenant && bucket.ownerId === p.userId) return true;
    return this.aclAllows(req, bucket);
  }

  /**
   * Whether the caller's identity policies (with its role's built-in one) allow the request, bucket
   * policy and ACLs aside: CreateBucket of a new bucket, and ListBuckets' choice between the buckets
   * the caller owns and all of its tenant's (s3:ListAllMyBuckets).
   */
  identityAllows(req: AccessRequest): boolean {
    const p = req.principal;
    if (!p) return false;
    if (p.role === 'admin') return true;
    const docs = this.identityPolicies(req).map((document) => ({ kind: 'identity' as const, document }));
    return docs.length > 0 && evaluate(docs, this.context(req)) === 'Allow';
  }

  /** The caller's attached policies, plus the built-in one of the tenant-admin role. */
  private identityPolicies(req: AccessRequest): readonly PolicyDocument[] {
    return req.principal?.role === 'tenant-admin' ? [TENANT_FULL_ACCESS, ...req.identityPolicies] : req.identityPolicies;
  }

  /**
   * ACL grants: a group grant (AllUsers, AuthenticatedUsers) or a grant naming the caller's
   * canonical user id, whatever tenant the caller is in (cross-tenant sharing by ACL).
   */
  private async aclAllows(req: AccessRequest, bucket: BucketEntity): Promise<boolean> {
    const needed = aclPermissionFor(req.action, req.key === undefined ? 'bucket' : 'object');
    if (!needed) return false;
    let grants: AclGrant[] | null;
    if (needed.on === 'bucket') {
      grants = bucket.acl;
    } else {
      const row = await this.db.repo(ObjectEntity).findOne({
        select: { acl: true },
        where: req.versionId
          ? { bucketId: bucket.id, key: req.key!, versionId: req.versionId }
          : { bucketId: bucket.id, key: req.key!, isLatest: true },
      });
      if (!row) return false;
      grants = row.acl;
    }
    // ACLs disabled (BucketOwnerEnforced) grant nothing; IgnorePublicAcls drops the public group grants.
    return aclAllows(effectiveGrants(bucket, grants), { userId: req.principal?.userId ?? null }, needed.permission);
  }

  private readonly tagMentions = new WeakMap<PolicyDocument, boolean>();

  /** Loading an object's tags costs a query: only when a policy conditions on them. */
  private mentionsExistingObjectTag(doc: PolicyDocument): boolean {
    let hit = this.tagMentions.get(doc);
    if (hit === undefined) {
      hit = /s3:existingobjecttag\//i.test(JSON.stringify(doc.Statement.map((st) => st.Condition ?? {})));
      this.tagMentions.set(doc, hit);
    }
    return hit;
  }

  /** `s3:ExistingObjectTag/<key>` context keys of the object the request addresses (none if it does not exist). */
  private async existingObjectTags(bucket: BucketEntity, key: string, versionId?: string): Promise<Record<string, string>> {
    const row = await this.db.repo(ObjectEntity).findOne({
      select: { tags: true },
      where: versionId ? { bucketId: bucket.id, key, versionId } : { bucketId: bucket.id, key, isLatest: true },
    });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(row?.tags ?? {})) out[`s3:ExistingObjectTag/${k}`] = v;
    return out;
  }

  private bucketPolicy(bucket: BucketEntity): PolicyDocument | null {
    if (!bucket.policy) return null;
    const key = `${bucket.id}\n${bucket.policy}`;
    if (!this.parsed.has(key)) {
      if (this.parsed.size > 1000) this.parsed.clear();
      let doc: PolicyDocument | null = null;
      try {
        doc = parsePolicy(bucket.policy, 'bucket');
      } catch {
        doc = null; // validated on write; a policy that no longer parses grants nothing
      }
      this.parsed.set(key, doc);
    }
    return this.parsed.get(key)!;
  }

  private context(req: AccessRequest): RequestContext {
    const p = req.principal;
    return {
      action: req.action,
      resource: s3Arn(req.bucket, req.key),
      principal: p
        ? {
            kind: 'user',
            arn: `arn:aws:iam::${p.account}:user/${p.username}`,
            account: p.account,
            username: p.username,
            userId: p.userId,
          }
        : { kind: 'anonymous' },
      context: { ...req.context() },
    };
  }
}
