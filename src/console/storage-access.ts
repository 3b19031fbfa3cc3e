import { Injectable } from '@nestjs/common';
import type { ConsolePrincipal } from '../auth/auth.types';
import { BucketInfo, BucketsService } from '../buckets/buckets.service';
import { Clock } from '../common/clock';
import { AuthorizationService } from '../iam/authorization.service';
import { parsePolicy } from '../iam/policy/parse-policy';
import type { PolicyDocument } from '../iam/policy/policy.types';
import { UsersService } from '../iam/users.service';
import { denied } from './console-access';
import { clientIp, ConsoleRequest } from './http/console-request';

/** IAM condition keys a route adds (s3:prefix, s3:delimiter, …). */
export type ExtraContext = Record<string, string | undefined>;

const POLICIES = Symbol('console:identityPolicies');
type WithPolicies = ConsoleRequest & { [POLICIES]?: Promise<PolicyDocument[]> };

/**
 * Buckets and objects on the console follow the S3 rules: every route asks AuthorizationService
 * (the same evaluator as the S3 port: identity policies, bucket policy, bucket ownership, ACLs)
 * for the IAM action the equivalent S3 operation needs. On top of that, the console never shows a
 * bucket of another tenant (403) to anyone but a global admin, whatever its bucket policy says.
 */
@Injectable()
export class StorageAccess {
  constructor(
    private readonly authz: AuthorizationService,
    private readonly users: UsersService,
    private readonly buckets: BucketsService,
    private readonly clock: Clock,
  ) {}

  /** Whether IAM allows `action` to the caller (no tenant check: see bucket()). */
  async allowed(
    req: ConsoleRequest,
    action: string,
    bucket?: string,
    key?: string,
    versionId?: string,
    extra: ExtraContext = {},
  ): Promise<boolean> {
    const p = req.user!;
    if (p.role === 'admin') return true;
    return this.authz.isAllowed({
      principal: p,
      identityPolicies: await this.policies(req),
      action,
      bucket,
      key,
      versionId,
      context: () => ({ ...this.context(req, p), ...(versionId !== undefined ? { 's3:VersionId': versionId } : {}), ...extra }),
    });
  }

  /** Throws AccessDenied (403) unless IAM allows `action`. */
  async authorize(
    req: ConsoleRequest,
    action: string,
    bucket?: string,
    key?: string,
    versionId?: string,
    extra?: ExtraContext,
  ): Promise<void> {
    if (!(await this.allowed(req, action, bucket, key, versionId, extra))) {
      throw denied(`You are not allowed ${action} on ${bucket === undefined ? '*' : key === undefined ? bucket : `${bucket}/${key}`}`);
    }
  }

  /**
   * The bucket, when the caller may perform `action` on it (or on `key` in it): 404 when it does not
   * exist, 403 when it belongs to another tenant or IAM refuses.
   */
  async bucket(
    req: ConsoleRequest,
    name: string,
    action: string,
    key?: string,
    versionId?: string,
    extra?: ExtraContext,
  ): Promise<BucketInfo> {
    const bucket = await this.inTenant(req.user!, name);
    await this.authorize(req, action, name, key, versionId, extra);
    return bucket;
  }

  /** The bucket when it exists and is of the caller's tenant (global admins: any); no IAM check. */
  async inTenant(p: ConsolePrincipal, name: string): Promise<BucketInfo> {
    const bucket = await this.buckets.get(name);
    if (p.role !== 'admin' && bucket.tenantId !== p.tenantId) throw denied(`The bucket ${name} belongs to another tenant`);
    return bucket;
  }

  /** The bucket, for a route only global admins and the admins of the bucket's tenant may use. */
  async administeredBucket(p: ConsolePrincipal, name: string): Promise<BucketInfo> {
    const bucket = await this.inTenant(p, name);
    if (p.role === 'admin' || (p.role === 'tenant-admin' && bucket.tenantId !== null && bucket.tenantId === p.tenantId)) return bucket;
    throw denied('This action needs a global admin or an admin of the bucket’s tenant');
  }

  /**
   * Buckets the caller sees: all for a global admin; for others the buckets of their tenant that
   * IAM lets them list, or read or write objects in.
   */
  async visibleBuckets(req: ConsoleRequest): Promise<BucketInfo[]> {
    const p = req.user!;
    const all = await this.buckets.list(p);
    if (p.role === 'admin') return all;
    const mine = all.filter((b) => b.tenantId === p.tenantId);
    const out: BucketInfo[] = [];
    for (const b of mine) if (await this.canSee(req, b.name)) out.push(b);
    return out;
  }

  async canSee(req: ConsoleRequest, bucket: string): Promise<boolean> {
    return (
      (await this.allowed(req, 's3:ListBucket', bucket)) ||
      (await this.allowed(req, 's3:GetObject', bucket, '*')) ||
      (await this.allowed(req, 's3:PutObject', bucket, '*'))
    );
  }

  /** The caller's inline identity policies, parsed once per request. */
  private policies(req: ConsoleRequest): Promise<PolicyDocument[]> {
    const r = req as WithPolicies;
    r[POLICIES] ??= this.users.listPolicies(req.user!.userId).then((rows) =>
      rows.flatMap((row) => {
        try {
          return [parsePolicy(row.document, 'identity')];
        } catch {
          return []; // validated on write; a policy that no longer parses grants nothing (as on the S3 port)
        }
      }),
    );
    return r[POLICIES];
  }

  private context(req: ConsoleRequest, p: ConsolePrincipal): ExtraContext {
    const now = this.clock.now();
    return {
      'aws:SourceIp': clientIp(req),
      'aws:SecureTransport': req.secure ? 'true' : 'false',
      'aws:CurrentTime': now.toISOString(),
      'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      'aws:Referer': req.get('referer'),
      'aws:UserAgent': req.get('user-agent'),
      'aws:PrincipalType': 'User',
      'aws:username': p.username,
      'aws:userid': p.userId,
    };
  }
}
