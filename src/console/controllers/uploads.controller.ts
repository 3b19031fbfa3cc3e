import { Body, Delete, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { MAX_PART_NUMBER, MultipartService } from '../../multipart/multipart.service';
import { AUDIT_ACTION as A } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal } from '../decorators';
import { CompleteUploadDto, CreateUploadDto, UploadKeyQueryDto } from '../dto/transfer.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { ConsoleRequest, consoleEventOrigin, noteAudit } from '../http/console-request';
import { ok } from '../http/responses';
import { StorageAccess } from '../storage-access';
import { STORAGE_AUDIT_ACTION as SA, STORAGE_AUDIT_RESOURCE as R } from '../storage.constants';

function partNumberOf(raw: string): number {
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_PART_NUMBER)) throw new ConsoleValidationError({ partNumber: [`partNumber must be 1 to ${MAX_PART_NUMBER}`] });
  return n;
}

/**
 * Multipart uploads for the web console (large files in parallel parts, each part retried alone):
 * create, upload a part (the raw body, streamed), complete, abort. The same rules as the S3
 * operations: s3:PutObject (s3:AbortMultipartUpload to abort), parts of at least 5 MiB but the last.
 */
@ConsoleController('buckets', 'objects')
export class UploadsController {
  constructor(
    private readonly multipart: MultipartService,
    private readonly storage: StorageAccess,
  ) {}

  @Post(':bucket/uploads')
  @Audit(R.object, A.create)
  @ApiOperation({ summary: 'Start a multipart upload: { key, content_type? } → { upload_id }' })
  async create(
    @CurrentPrincipal() p: ConsolePrincipal,
    @Req() req: ConsoleRequest,
    @Param('bucket') bucket: string,
    @Body() dto: CreateUploadDto,
  ) {
    await this.authorize(req, bucket, dto.key, 's3:PutObject', { multipart: true });
    const upload = await this.multipart.create({
      bucket,
      key: dto.key,
      owner: p,
      metadata: { headers: { 'content-type': dto.content_type || 'application/octet-stream' }, user: {} },
    });
    const data = { bucket, key: upload.key, upload_id: upload.uploadId, initiated: upload.initiated.toISOString() };
    return ok(data);
  }

  @Put(':bucket/uploads/:uploadId/parts/:partNumber')
  @Audit(R.object, SA.upload)
  @ApiConsumes('application/octet-stream')
  @ApiBody({ description: 'The bytes of the part (at least 5 MiB, except the last part)', schema: { type: 'string', format: 'binary' } })
  @ApiOperation({ summary: 'Upload one part (the raw body, streamed; uploading a part number again replaces it) → { etag }' })
  async part(
    @Req() req: ConsoleRequest,
    @Param('bucket') bucket: string,
    @Param('uploadId') uploadId: string,
    @Param('partNumber') rawPart: string,
    @Query() q: UploadKeyQueryDto,
  ) {
    const partNumber = partNumberOf(rawPart);
    await this.authorize(req, bucket, q.key, 's3:PutObject', { upload_id: uploadId, part_number: partNumber });
    const length = req.get('content-length');
    const part = await this.multipart.uploadPart({
      bucket,
      key: q.key,
      uploadId,
      partNumber,
      body: req,
      size: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
      contentMd5: req.get('content-md5'),
      algorithms: [],
    });
    return ok({ part_number: part.partNumber, etag: part.etag, size: part.size });
  }

  @Post(':bucket/uploads/:uploadId/complete')
  @HttpCode(200)
  @Audit(R.object, SA.upload)
  @ApiOperation({ summary: 'Complete a multipart upload: { key, parts: [{ part_number, etag }] } in part order → the object' })
  async complete(
    @Req() req: ConsoleRequest,
    @Param('bucket') bucket: string,
    @Param('uploadId') uploadId: string,
    @Body() dto: CompleteUploadDto,
  ) {
    await this.authorize(req, bucket, dto.key, 's3:PutObject', { upload_id: uploadId, parts: dto.parts.length });
    const done = await this.multipart.complete({
      bucket,
      key: dto.key,
      uploadId,
      parts: dto.parts.map((x) => ({ partNumber: x.part_number, etag: x.etag, checksums: {} })),
      origin: consoleEventOrigin(req),
    });
    return ok({
      bucket,
      key: dto.key,
      etag: done.etag,
      size: done.size,
      version_id: done.versioned ? done.versionId : null,
      last_modified: done.lastModified.toISOString(),
    });
  }

  @Delete(':bucket/uploads/:uploadId')
  @HttpCode(204)
  @Audit(R.object, A.delete)
  @ApiOperation({ summary: 'Abort a multipart upload and drop its parts (204)' })
  async abort(
    @Req() req: ConsoleRequest,
    @Param('bucket') bucket: string,
    @Param('uploadId') uploadId: string,
    @Query() q: UploadKeyQueryDto,
  ): Promise<void> {
    await this.authorize(req, bucket, q.key, 's3:AbortMultipartUpload', { upload_id: uploadId });
    await this.multipart.abort(bucket, q.key, uploadId);
  }

  /** Throws unless the caller may do `action` on the key; notes the audit record's tenant, object and details. */
  private async authorize(req: ConsoleRequest, bucket: string, key: string, action: string, details: Record<string, unknown>) {
    const info = await this.storage.bucket(req, bucket, action, key);
    noteAudit(req, { tenantId: info.tenantId, resourceName: `${bucket}/${key}`, details });
  }
}
