import { Body, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthKeys } from '../../auth/auth-keys';
import { AuthError } from '../../auth/auth.errors';
import { AuthService, TOKEN_ALGORITHM, TOKEN_ISSUER } from '../../auth/auth.service';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { Clock } from '../../common/clock';
import { assertVersionId, ObjectsService } from '../../objects/objects.service';
import { CONSOLE_MOUNT } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal, Public } from '../decorators';
import { DownloadLinkDto } from '../dto/transfer.dto';
import { ConsoleRequest, noteAudit } from '../http/console-request';
import { sendObject } from '../http/object-http';
import { ok } from '../http/responses';
import { StorageAccess } from '../storage-access';
import { STORAGE_AUDIT_ACTION as SA, STORAGE_AUDIT_RESOURCE as R } from '../storage.constants';

/** Seconds a download link works: long enough to start the download, short enough to leak little. */
export const DOWNLOAD_LINK_SECONDS = 60;
const AUDIENCE = 'object-download';

/** What a download link carries: the session it was made in (checked again when used) and the object. */
interface DownloadClaims {
  typ: 'download';
  sub: string;
  /** jti and exp of the session: a link dies with a revoked (logged-out) session. */
  sid: string;
  sx: number;
  b: string;
  k: string;
  v?: string;
}

/**
 * Downloads the browser saves itself (no copy of the object in page memory): POST /downloads
 * hands out a short-lived URL for one object; opening it streams the object as an attachment.
 * The link is a token signed with the console key for another audience (never a session token),
 * and using it checks the session and the object permission again.
 */
@ConsoleController('downloads', 'objects')
export class DownloadsController {
  private readonly jwt: JwtService;
  constructor(
    keys: AuthKeys,
    private readonly auth: AuthService,
    private readonly objects: ObjectsService,
    private readonly storage: StorageAccess,
    private readonly clock: Clock,
  ) {
    this.jwt = new JwtService({ secret: keys.jwt, signOptions: { algorithm: TOKEN_ALGORITHM } });
  }

  @Post()
  @HttpCode(200)
  @Audit(R.object, SA.downloadLink)
  @ApiOperation({
    summary: `A download link for one object, valid ${DOWNLOAD_LINK_SECONDS} s: { bucket, key, version_id? } → { url, expires_at }`,
  })
  async link(@CurrentPrincipal() p: ConsolePrincipal, @Req() req: ConsoleRequest, @Body() dto: DownloadLinkDto) {
    if (dto.version_id !== undefined) assertVersionId(dto.version_id);
    const info = await this.storage.bucket(
      req,
      dto.bucket,
      dto.version_id ? 's3:GetObjectVersion' : 's3:GetObject',
      dto.key,
      dto.version_id,
    );
    noteAudit(req, { tenantId: info.tenantId, resourceName: `${dto.bucket}/${dto.key}` });
    const claims: DownloadClaims = {
      typ: 'download',
      sub: p.userId,
      sid: p.tokenId,
      sx: Math.floor(p.tokenExpiresAt / 1000),
      b: dto.bucket,
      k: dto.key,
      ...(dto.version_id ? { v: dto.version_id } : {}),
    };
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const token = await this.jwt.signAsync(
      { ...claims, iat: now, exp: now + DOWNLOAD_LINK_SECONDS },
      { issuer: TOKEN_ISSUER, audience: AUDIENCE },
    );
    const expiresAt = new Date((now + DOWNLOAD_LINK_SECONDS) * 1000).toISOString();
    return ok({ url: `${CONSOLE_MOUNT}/downloads/${token}`, expires_at: expiresAt, expires_in: DOWNLOAD_LINK_SECONDS });
  }

  @Get(':token')
  @Public()
  @Audit(R.object, SA.download)
  @ApiOperation({ summary: 'Open a download link: the object as an attachment (streamed; Range → 206). 401 when expired or invalid' })
  async download(@Req() req: ConsoleRequest, @Res() res: Response, @Param('token') token: string): Promise<void> {
    const claims = await this.verify(token);
    // The session the link was made in must still be valid, and the object still readable by its user.
    req.user = await this.auth.authenticate({ typ: 'console', sub: claims.sub, jti: claims.sid, exp: claims.sx });
    const info = await this.storage.bucket(req, claims.b, claims.v ? 's3:GetObjectVersion' : 's3:GetObject', claims.k, claims.v);
    noteAudit(req, { tenantId: info.tenantId, resourceName: `${claims.b}/${claims.k}` });
    const result = await this.objects.get(claims.b, claims.k, { versionId: claims.v, range: req.get('range') });
    sendObject(req, res, result, 'attachment');
  }

  private async verify(token: string): Promise<DownloadClaims> {
    try {
      const c = await this.jwt.verifyAsync<DownloadClaims>(token, {
        issuer: TOKEN_ISSUER,
        audience: AUDIENCE,
        algorithms: [TOKEN_ALGORITHM],
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
      if (c.typ !== 'download' || typeof c.b !== 'string' || typeof c.k !== 'string') throw new Error('not a download link');
      return c;
    } catch (err) {
      if ((err as Error).name === 'TokenExpiredError')
        throw new AuthError('TokenExpired', 'This download link has expired; start the download again');
      throw new AuthError('Unauthenticated', 'This download link is not valid');
    }
  }
}
