import { Body, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { IamService } from '../../iam/iam.service';
import { UsersService } from '../../iam/users.service';
import { assertVersionId } from '../../objects/objects.service';
import { presignedUrl } from '../../s3/auth/presign-url';
import { S3Endpoint } from '../../s3/s3-endpoint';
import { Audit, ConsoleController, CurrentPrincipal } from '../decorators';
import { PresignDto, PresignMethod } from '../dto/presign.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { ConsoleRequest, noteAudit } from '../http/console-request';
import { ok } from '../http/responses';
import { StorageAccess } from '../storage-access';
import { DEFAULT_PRESIGN_SECONDS, STORAGE_AUDIT_RESOURCE as R } from '../storage.constants';
import { AUDIT_ACTION as A } from '../console.constants';

/** The IAM action a presigned request will need (checked now too: no URL for what you may not do). */
function actionOf(method: PresignMethod, versioned: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return versioned ? 's3:GetObjectVersion' : 's3:GetObject';
    case 'PUT':
      return 's3:PutObject';
    case 'DELETE':
      return versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject';
  }
}

/**
 * Presigned S3 URLs (MaxIOFS and Strix shapes): SigV4 query-signed with one of the caller's own
 * active access keys (root: the root key), so the URL acts with the caller's permissions on the S3
 * port. None is created implicitly: a caller without an active key gets 400.
 */
@ConsoleController('presign', 'presign')
export class PresignController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly iam: IamService,
    private readonly endpoint: S3Endpoint,
    private readonly storage: StorageAccess,
    private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(200)
  @Audit(R.presign, A.create)
  @ApiOperation({
    summary: 'A presigned URL for the S3 endpoint: { bucket, key, method, expires_in } → { url, method, expires_in, expires_at }',
  })
  async presign(@CurrentPrincipal() p: ConsolePrincipal, @Req() req: ConsoleRequest, @Body() dto: PresignDto) {
    const method = dto.method ?? 'GET';
    if (dto.version_id !== undefined) {
      if (method === 'PUT') throw new ConsoleValidationError({ version_id: ['version_id does not apply to PUT'] });
      assertVersionId(dto.version_id);
    }
    const expiresIn = dto.expires_in ?? dto.expires ?? dto.expiresIn ?? DEFAULT_PRESIGN_SECONDS;
    const bucket = await this.storage.bucket(req, dto.bucket, actionOf(method, dto.version_id !== undefined), dto.key, dto.version_id);
    const key = await this.signingKey(p);
    const { url, expiresAt } = presignedUrl({
      baseUrl: this.endpoint.baseUrl(req.get('host')),
      method,
      bucket: dto.bucket,
      key: dto.key,
      versionId: dto.version_id,
      accessKeyId: key.accessKeyId,
      secretKey: key.secretKey,
      region: this.config.region,
      expiresSeconds: expiresIn,
      now: this.clock.now(),
    });
    noteAudit(req, {
      tenantId: bucket.tenantId,
      resourceName: `${dto.bucket}/${dto.key}`,
      details: { method, expires_in: expiresIn, access_key_id: key.accessKeyId },
    });
    const data = {
      url,
      method,
      bucket: dto.bucket,
      key: dto.key,
      version_id: dto.version_id ?? null,
      expires_in: expiresIn,
      expires_at: expiresAt.toISOString(),
      access_key_id: key.accessKeyId,
      expiresIn,
      expiresAt: expiresAt.toISOString(),
    };
    return ok(data, { url, expires_in: expiresIn, method, expires_at: data.expires_at });
  }

  /** One of the caller's own active keys: root signs with the root key; others with their oldest active key. */
  private async signingKey(p: ConsolePrincipal): Promise<{ accessKeyId: string; secretKey: string }> {
    const keys = (await this.users.listKeys({ user: p.userId })).filter((k) => k.status === 'active');
    const rootKey = p.isRoot ? this.iam.rootCredentials().accessKey : undefined;
    const ordered = [...keys].sort((a, b) =>
      a.accessKeyId === rootKey ? -1 : b.accessKeyId === rootKey ? 1 : a.createdAt.getTime() - b.createdAt.getTime(),
    );
    for (const k of ordered) {
      const resolved = await this.iam.findAccessKey(k.accessKeyId);
      if (resolved) return { accessKeyId: resolved.accessKeyId, secretKey: resolved.secretKey };
    }
    throw new DomainError('InvalidInput', 'You have no active access key to sign with: create one first (POST /api/v1/access-keys)');
  }
}
