import { Body, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { BucketsService } from '../../buckets/buckets.service';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { UsersService } from '../../iam/users.service';
import { ObjectsService } from '../../objects/objects.service';
import { ShareError } from '../../shares/share.errors';
import { ListSharesFilter, SharesService } from '../../shares/shares.service';
import { ConsoleAccess, denied } from '../console-access';
import { AUDIT_ACTION as A, CONSOLE_MOUNT } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal, Public } from '../decorators';
import { CreateShareDto, ListSharesQueryDto, toShareDto } from '../dto/share.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { ConsoleRequest, noteAudit } from '../http/console-request';
import { sendObject } from '../http/object-http';
import { ok, pageInfo, paged } from '../http/responses';
import { ShareErrorFilter } from '../http/share-error.filter';
import { StorageAccess } from '../storage-access';
import { DEFAULT_SHARE_SECONDS, MAX_SHARE_SECONDS, STORAGE_AUDIT_ACTION as SA, STORAGE_AUDIT_RESOURCE as R } from '../storage.constants';

/**
 * Share links: a revocable, expiring public URL for one object, downloaded without credentials at
 * /api/v1/shares/{token}/download. Creating one needs read access to the object; the token is shown
 * once (only its hash is stored). A link stops working when revoked (410), expired (410), used up
 * (max_downloads, 410), or when its creator is deleted or deactivated.
 */
@ConsoleController('shares', 'shares')
@UseFilters(ShareErrorFilter)
export class SharesController {
  constructor(
    private readonly shares: SharesService,
    private readonly buckets: BucketsService,
    private readonly objects: ObjectsService,
    private readonly users: UsersService,
    private readonly storage: StorageAccess,
    private readonly access: ConsoleAccess,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Share links: all (global admin), the tenant’s (tenant admin) or your own; active ones unless include_inactive',
  })
  async list(@CurrentPrincipal() p: ConsolePrincipal, @Query() q: ListSharesQueryDto) {
    const filter: ListSharesFilter = { activeOnly: q.include_inactive !== true, page: q.page, pageSize: q.page_size, bucket: q.bucket };
    if (p.role === 'user') {
      if (q.tenant_id !== undefined) await this.access.tenantScope(p, q.tenant_id);
      filter.createdBy = p.userId;
    } else {
      const tenantId = await this.access.tenantScope(p, q.tenant_id);
      if (tenantId !== undefined) filter.tenantId = tenantId;
    }
    const { items, total } = await this.shares.list(filter);
    const dtos = items.map(toShareDto);
    return paged(dtos, pageInfo(total, q.page, q.page_size), { shares: dtos });
  }

  @Post()
  @Audit(R.share, A.create)
  @ApiOperation({ summary: 'Create a share link for an object you may read; answers the public URL and its token (once)' })
  async create(@CurrentPrincipal() p: ConsolePrincipal, @Req() req: ConsoleRequest, @Body() dto: CreateShareDto) {
    const bucket = await this.storage.bucket(
      req,
      dto.bucket,
      dto.version_id ? 's3:GetObjectVersion' : 's3:GetObject',
      dto.key,
      dto.version_id,
    );
    const head = await this.objects.head(dto.bucket, dto.key, { versionId: dto.version_id });
    const now = this.clock.now().getTime();
    let expiresAt: number;
    if (dto.expires_at !== undefined) {
      if (dto.expires_in !== undefined || dto.expiresIn !== undefined) {
        throw new ConsoleValidationError({ expires_at: ['give expires_at or expires_in, not both'] });
      }
      expiresAt = new Date(dto.expires_at).getTime();
      if (expiresAt <= now || expiresAt > now + MAX_SHARE_SECONDS * 1000) {
        throw new ConsoleValidationError({ expires_at: [`expires_at must be in the future, within ${MAX_SHARE_SECONDS / 86_400} days`] });
      }
    } else {
      expiresAt = now + (dto.expires_in ?? dto.expiresIn ?? DEFAULT_SHARE_SECONDS) * 1000;
    }
    const { share, token } = await this.shares.create({
      bucketId: bucket.id,
      bucket: bucket.name,
      key: dto.key,
      versionId: dto.version_id,
      tenantId: bucket.tenantId,
      createdBy: { userId: p.userId, username: p.username },
      expiresAt: new Date(expiresAt),
      maxDownloads: dto.max_downloads,
    });
    noteAudit(req, {
      tenantId: bucket.tenantId,
      resourceName: share.id,
      details: { bucket: dto.bucket, key: dto.key, version_id: head.object.versionId },
    });
    const url = `${req.protocol}://${req.get('host')}${CONSOLE_MOUNT}/shares/${token}/download`;
    const data = { ...toShareDto(share), token, url, share_url: url };
    return ok(data, { share: data, url });
  }

  @Delete(':id')
  @HttpCode(204)
  @Audit(R.share, SA.revoke)
  @ApiOperation({ summary: 'Revoke a share link (204): your own, or (admins) one of your tenant' })
  async revoke(@CurrentPrincipal() p: ConsolePrincipal, @Req() req: ConsoleRequest, @Param('id') id: string): Promise<void> {
    const share = await this.shares.get(id);
    const mayRevoke =
      p.role === 'admin' ||
      share.createdBy === p.userId ||
      (p.role === 'tenant-admin' && share.tenantId !== null && share.tenantId === p.tenantId);
    if (!mayRevoke) throw denied('You can only revoke your own share links');
    noteAudit(req, { tenantId: share.tenantId });
    await this.shares.revoke(id);
  }

  @Get(':token/download')
  @Public()
  @Audit(R.share, SA.download)
  @ApiOperation({
    summary: 'Download a shared object without credentials (Range supported)',
    description:
      'Counts a download (a request for a range starting after byte 0 is not counted). 404: unknown link; 410: revoked, expired or used up.',
  })
  async download(@Req() req: ConsoleRequest, @Res() res: Response, @Param('token') token: string): Promise<void> {
    const share = await this.shares.resolve(token);
    noteAudit(req, { tenantId: share.tenantId, resourceName: share.id, details: { bucket: share.bucket, key: share.key } });
    const bucket = await this.buckets.get(share.bucket).catch((err) => {
      if (err instanceof DomainError && err.code === 'BucketNotFound') return null;
      throw err;
    });
    if (!bucket || bucket.id !== share.bucketId) throw new ShareError('ShareNotFound', 'The shared object no longer exists');
    const creator = await this.users.get(share.createdBy).catch(() => null);
    if (!creator || creator.status !== 'active')
      throw new ShareError('ShareRevoked', 'This share link is no longer valid: its creator cannot share anymore');
    const range = req.get('range');
    const result = await this.objects.get(share.bucket, share.key, { versionId: share.versionId ?? undefined, range });
    const counts = req.method !== 'HEAD' && (result.range === undefined || result.range.start === 0);
    if (counts) {
      try {
        await this.shares.recordDownload(share.id);
      } catch (err) {
        result.body.destroy();
        throw err;
      }
    }
    sendObject(req, res, result, 'attachment');
  }
}
