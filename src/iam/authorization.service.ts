import { Injectable } from '@nestjs/common';
import { BucketsService } from '../buckets/buckets.service';
import { BucketEntity } from '../buckets/entities/bucket.entity';
import { DomainError } from '../common/domain-error';
import { DatabaseService } from '../database/database.service';
import { ObjectEntity } from '../objects/entities/object.entity';
import { aclAllows, aclPermissionFor, AclGrant } from './acl/acl';
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
 *
 * Defaults that stand in for AWS's account model:
 * - root and global admins are allowed everything (object lock COMPLIANCE is enforced by the
 *   services, for everyone);
 * - a tenant is the account: its tenant admins may do anything with its buckets, and so may its
 *   users who have NO identity policy attached; once a user has policies, they decide alone;
 * - nothing a tenant's users or ACLs grant reaches another tenant's buckets: only that bucket's
 *   own policy can open it to outsiders (e.g. `Principal: "*"` for public read).
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
    // A bucket that does not exist: the operation answers NoSuchBucket (or creates it) for a
    // caller who could act in its own tenant; anonymous callers learn nothing.
    if (req.bucket !== undefined && !bucket) return p !== null && (req.action === 's3:CreateBucket' ? this.mayCreate(req) : true);

    const sameTenant = p !== null && (bucket === null || bucket.tenantId === p.tenantId);
    const ctx = this.context(req);
    const policies: Array<{ kind: 'bucket' | 'identity'; document: PolicyDocument }> = [];
    if (p && sameTenant) for (const document of req.identityPolicies) policies.push({ kind: 'identity', document });
    const bucketPolicy = bucket ? this.bucketPolicy(bucket) : null;
    if (bucketPolicy) policies.push({ kind: 'bucket', document: bucketPolicy });

    if (bucket && req.key !== undefined && policies.some((x) => this.mentionsExistingObjectTag(x.document))) {
      Object.assign(ctx.context, await this.existingObjectTags(bucket, req.key, req.versionId));
    }
    const decision = policies.length > 0 ? evaluate(policies, ctx) : 'ImplicitDeny';
    if (decision === 'ExplicitDeny') return false;
    if (decision === 'Allow') return true;
    if (p && sameTenant && (p.role === 'tenant-admin' || req.identityPolicies.length === 0)) return true;
    if (!bucket) return false;
    return this.aclAllows(req, bucket, sameTenant);
  }

  private mayCreate(req: AccessRequest): boolean {
    const p = req.principal!;
    if (p.role === 'tenant-admin' || req.identityPolicies.length === 0) return true;
    const docs = req.identityPolicies.map((document) => ({ kind: 'identity' as const, document }));
    return evaluate(docs, this.context(req)) === 'Allow';
  }

  /**
   * ACL grants, as AWS applies them to accounts: the owner's own FULL_CONTROL entry gives the
   * owner's users nothing beyond their tenant defaults and policies (they are already decided
   * above), and a user of another tenant is reached only by group grants (AllUsers,
   * AuthenticatedUsers), never by a grant naming someone.
   */
  private async aclAllows(req: AccessRequest, bucket: BucketEntity, sameTenant: boolean): Promise<boolean> {
    const needed = aclPermissionFor(req.action, req.key === undefined ? 'bucket' : 'object');
    if (!needed) return false;
    const who = { userId: req.principal?.userId ?? null };
    let grants: AclGrant[] | null;
    let ownerId: string;
    if (needed.on === 'bucket') {
      grants = bucket.acl;
      ownerId = bucket.ownerId;
    } else {
      const row = await this.db.repo(ObjectEntity).findOne({
        select: { acl: true, ownerId: true },
        where: req.versionId
          ? { bucketId: bucket.id, key: req.key!, versionId: req.versionId }
          : { bucketId: bucket.id, key: req.key!, isLatest: true },
      });
      if (!row) return false;
      grants = row.acl;
      ownerId = row.ownerId;
    }
    const applicable = (grants ?? []).filter((g) =>
      g.grantee.type === 'Group' ? true : req.principal !== null && sameTenant && g.grantee.id !== ownerId,
    );
    return aclAllows(applicable, who, needed.permission);
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
