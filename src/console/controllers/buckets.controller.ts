import { Body, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { BucketsService } from '../../buckets/buckets.service';
import { DomainError } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { cannedAclGrants } from '../../iam/acl/acl';
import { BucketViews } from '../bucket-views';
import { ConsoleAccess } from '../console-access';
import { AUDIT_ACTION as A } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal } from '../decorators';
import { CreateBucketDto, ListBucketsQueryDto } from '../dto/bucket.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { ConsoleRequest, noteAudit } from '../http/console-request';
import { ok, paged, paginate } from '../http/responses';
import { StorageAccess } from '../storage-access';
import { STORAGE_AUDIT_RESOURCE as R } from '../storage.constants';

/**
 * Buckets (MaxIOFS and Strix). A global admin sees every bucket, a tenant admin their tenant's,
 * a user the buckets of their tenant their IAM permissions let them use. Object counts and sizes
 * are aggregated from the objects when asked.
 */
@ConsoleController('buckets', 'buckets')
export class BucketsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly buckets: BucketsService,
    private readonly views: BucketViews,
    private readonly storage: StorageAccess,
    private readonly access: ConsoleAccess,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List buckets with object count and size (Strix: also `buckets`)' })
  async list(@Req() req: ConsoleRequest, @CurrentPrincipal() p: ConsolePrincipal, @Query() q: ListBucketsQueryDto) {
    const tenantId = q.tenant_id !== undefined ? await this.access.tenantScope(p, q.tenant_id) : undefined;
    let visible = await this.storage.visibleBuckets(req);
    if (tenantId !== undefined) visible = visible.filter((b) => b.tenantId === tenantId);
    if (q.prefix !== undefined) visible = visible.filter((b) => b.name.startsWith(q.prefix!));
    const { items, pagination } = paginate(visible, q.page, q.page_size);
    const dtos = await this.views.many(items);
    return paged(dtos, pagination, { buckets: dtos });
  }

  @Post()
  @Audit(R.bucket, A.create)
  @ApiOperation({ summary: 'Create a bucket in your tenant (Strix: { "name" }); 409 when the name is taken' })
  async create(@Req() req: ConsoleRequest, @CurrentPrincipal() p: ConsolePrincipal, @Body() dto: CreateBucketDto) {
    if (dto.region !== undefined && dto.region !== this.config.region) {
      throw new ConsoleValidationError({ region: [`region must be ${this.config.region}, the region of this server`] });
    }
    // A taken name is 409 whoever asks (bucket names are global, as in S3); else IAM decides.
    const taken = await this.buckets.get(dto.name).then(
      () => true,
      (err) => (err instanceof DomainError && err.code === 'BucketNotFound' ? false : Promise.reject(err)),
    );
    if (!taken) await this.storage.authorize(req, 's3:CreateBucket', dto.name);
    const objectLock = dto.object_lock_enabled ?? dto.objectLock ?? false;
    const acl = dto.acl !== undefined ? cannedAclGrants(dto.acl, p.userId) : null;
    await this.buckets.create(p, dto.name, { region: dto.region, objectLock, acl });
    const versioning = dto.versioning ?? (dto.versioning_enabled ? 'Enabled' : undefined);
    if (versioning !== undefined && !objectLock) await this.buckets.setVersioning(dto.name, versioning);
    const bucket = await this.views.one(await this.buckets.get(dto.name));
    noteAudit(req, { resourceName: dto.name });
    return ok(bucket, { bucket, name: bucket.name });
  }

  @Get(':name')
  @ApiOperation({ summary: 'A bucket: object count and size, versioning, object lock, region, owner, tenant' })
  async get(@Req() req: ConsoleRequest, @CurrentPrincipal() p: ConsolePrincipal, @Param('name') name: string) {
    const bucket = await this.storage.inTenant(p, name);
    if (!(await this.storage.canSee(req, name))) await this.storage.authorize(req, 's3:ListBucket', name);
    const dto = await this.views.one(bucket);
    return ok(dto, { bucket: dto });
  }

  @Delete(':name')
  @HttpCode(204)
  @Audit(R.bucket, A.delete)
  @ApiOperation({ summary: 'Delete an empty bucket (204; 409 BucketNotEmpty otherwise)' })
  async remove(@Req() req: ConsoleRequest, @Param('name') name: string): Promise<void> {
    const bucket = await this.storage.bucket(req, name, 's3:DeleteBucket');
    noteAudit(req, { tenantId: bucket.tenantId });
    await this.buckets.delete(name);
  }
}
