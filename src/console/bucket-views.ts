import { Injectable } from '@nestjs/common';
import { BucketStatsService } from '../buckets/bucket-stats.service';
import { BucketInfo, BucketsService } from '../buckets/buckets.service';
import { DomainError } from '../common/domain-error';
import { aclIsPublic } from '../iam/acl/acl';
import { IamService } from '../iam/iam.service';
import { isPublicPolicy, parsePolicy } from '../iam/policy';
import { TenantsService } from '../tenants/tenants.service';
import { BucketDto, toBucketDto } from './dto/bucket.dto';

/** A bucket's details: the list fields plus what GET /buckets/{name} adds. */
export interface BucketDetailsDto extends BucketDto {
  has_policy: boolean;
  is_public: boolean;
}

/** Builds bucket responses: usage from BucketStatsService, owner and tenant names. */
@Injectable()
export class BucketViews {
  constructor(
    private readonly buckets: BucketsService,
    private readonly stats: BucketStatsService,
    private readonly iam: IamService,
    private readonly tenants: TenantsService,
  ) {}

  async many(list: readonly BucketInfo[]): Promise<BucketDto[]> {
    if (list.length === 0) return [];
    const usage = await this.stats.usage(list.map((b) => b.id));
    const tenantNames = new Map((await this.tenants.list()).map((t) => [t.id, t.name]));
    const out: BucketDto[] = [];
    for (const b of list) {
      const owner = (await this.iam.owner(b.ownerId)).displayName;
      out.push(toBucketDto(b, usage.get(b.id)!, { owner, tenant: b.tenantId ? (tenantNames.get(b.tenantId) ?? null) : null }));
    }
    return out;
  }

  async one(b: BucketInfo): Promise<BucketDetailsDto> {
    const usage = await this.stats.usageOf(b.id);
    const owner = (await this.iam.owner(b.ownerId)).displayName;
    const tenant = b.tenantId ? (await this.tenants.get(b.tenantId)).name : null;
    const lock = b.objectLockEnabled ? await this.buckets.getObjectLockConfiguration(b.name) : null;
    const policy = await this.policyOf(b.name);
    const { grants } = await this.buckets.getAcl(b.name);
    return {
      ...toBucketDto(b, usage, { owner, tenant }, lock),
      has_policy: policy !== null,
      is_public: aclIsPublic(grants) || (policy !== null && isPublicPolicy(policy)),
    };
  }

  private async policyOf(bucket: string) {
    try {
      return parsePolicy(await this.buckets.getPolicy(bucket), 'bucket');
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'BucketPolicyNotFound' || err.code === 'MalformedPolicy')) return null;
      throw err;
    }
  }
}
