import { Body, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { DomainError } from '../../common/domain-error';
import { ObjectAclService } from '../../objects/object-acl.service';
import { ObjectLockService } from '../../objects/object-lock.service';
import { ObjectTaggingService } from '../../objects/object-tagging.service';
import { ObjectVersionsService } from '../../objects/object-versions.service';
import { ObjectsService, ObjectView } from '../../objects/objects.service';
import { AclViews, grantsOfRequest } from '../acl-views';
import { AUDIT_ACTION as A } from '../console.constants';
import { Audit, ConsoleController, CurrentPrincipal } from '../decorators';
import { PutAclDto } from '../dto/bucket-config.dto';
import {
  BulkDeleteDto,
  DeleteObjectQueryDto,
  DownloadQueryDto,
  LegalHoldDto,
  ObjectRetentionDto,
  ObjectTaggingDto,
  ListObjectsQueryDto,
  ObjectVersionsQueryDto,
  RestoreVersionDto,
  SearchObjectsQueryDto,
  toObjectDto,
  VersionQueryDto,
} from '../dto/object.dto';
import { ConsoleValidationError } from '../http/console-errors';
import { ConsoleRequest, consoleEventOrigin, noteAudit } from '../http/console-request';
import { objectKeyOf, sendObject, uploadMetadata } from '../http/object-http';
import { ok } from '../http/responses';
import { StorageAccess } from '../storage-access';
import { SEARCH_SCAN_LIMIT, STORAGE_AUDIT_ACTION as SA, STORAGE_AUDIT_RESOURCE as R } from '../storage.constants';

const KEY_PARAM = {
  name: 'key',
  description:
    'The object key, slashes included (percent-encode the last slash of a key that ends with /acl, /legal-hold, /tagging, /retention, /versions or /restore)',
};

const taggingOut = (key: string, versionId: string, tags: Record<string, string>) => ({
  key,
  version_id: versionId,
  tags,
  // Sorted by key, as S3 lists tag sets.
  TagSet: Object.entries(tags)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([Key, Value]) => ({ Key, Value })),
});

/** The new version an upload or a restore wrote. */
const writtenOut = (
  bucket: string,
  key: string,
  w: { etag: string; size: number; versioned: boolean; versionId: string; lastModified: Date },
) => ({
  bucket,
  key,
  etag: w.etag,
  size: w.size,
  version_id: w.versioned ? w.versionId : null,
  last_modified: w.lastModified.toISOString(),
});

/** Continuation tokens: the last key (or version id) returned, base64url. */
const token = (v: string | undefined) => (v === undefined ? null : Buffer.from(v, 'utf8').toString('base64url'));
function fromToken(t: string | undefined, field = 'continuation_token'): string | undefined {
  if (t === undefined) return undefined;
  const v = Buffer.from(t, 'base64url').toString('utf8');
  if (v.length === 0 || token(v) !== t.replace(/=+$/, ''))
    throw new ConsoleValidationError({ [field]: [`${field} is not a token this server issued`] });
  return v;
}

const versionOf = (q: VersionQueryDto) => q.versionId ?? q.version_id;

/**
 * Objects of a bucket: list, search, download (streamed, ranges), upload (streamed, raw body),
 * delete, ACL, legal hold, versions; Strix bulk delete. Keys with slashes are the `{key+}` of the
 * path, taken from the raw URL. Every route needs the IAM action of the S3 operation it mirrors.
 */
@ConsoleController('buckets', 'objects')
export class ObjectsController {
  constructor(
    private readonly objects: ObjectsService,
    private readonly versions: ObjectVersionsService,
    private readonly acls: ObjectAclService,
    private readonly lock: ObjectLockService,
    private readonly tagging: ObjectTaggingService,
    private readonly aclViews: AclViews,
    private readonly storage: StorageAccess,
  ) {}

  @Get(':bucket/objects')
  @ApiOperation({ summary: 'List objects in key order: prefix, delimiter (common_prefixes), page_size and continuation_token' })
  async list(@Req() req: ConsoleRequest, @Param('bucket') bucket: string, @Query() q: ListObjectsQueryDto) {
    await this.storage.bucket(req, bucket, 's3:ListBucket', undefined, undefined, {
      's3:prefix': q.prefix ?? '',
      's3:delimiter': q.delimiter,
      's3:max-keys': String(q.page_size),
    });
    const after = fromToken(q.continuation_token) ?? q.marker;
    const page = await this.objects.list(bucket, { prefix: q.prefix, delimiter: q.delimiter, after, maxKeys: q.page_size });
    const objects = page.objects.map(toObjectDto);
    const data = {
      bucket,
      prefix: q.prefix ?? '',
      delimiter: q.delimiter ?? null,
      objects,
      common_prefixes: page.commonPrefixes,
      key_count: objects.length + page.commonPrefixes.length,
      page_size: q.page_size,
      is_truncated: page.isTruncated,
      next_continuation_token: page.isTruncated ? token(page.lastReturned) : null,
    };
    return ok(data, { objects, common_prefixes: data.common_prefixes, is_truncated: data.is_truncated });
  }

  @Get(':bucket/objects/search')
  @ApiOperation({
    summary: 'Search objects: prefix, name contains, size and modification ranges, content type, tags',
    description: `A keyset scan in key order (from prefix, or from continuation_token), at most ${SEARCH_SCAN_LIMIT} keys per request: truncated says whether to go on.`,
  })
  async search(@Req() req: ConsoleRequest, @Param('bucket') bucket: string, @Query() q: SearchObjectsQueryDto) {
    await this.storage.bucket(req, bucket, 's3:ListBucket', undefined, undefined, { 's3:prefix': q.prefix ?? '' });
    const tagFilter = parseTagFilter(q.tags);
    const needTags = tagFilter.length > 0;
    if (needTags) await this.storage.authorize(req, 's3:GetObjectTagging', bucket, '*');
    const match = objectFilter(q);
    const results: ObjectView[] = [];
    let after = fromToken(q.continuation_token);
    let scanned = 0;
    let truncated = false;
    let lastExamined: string | undefined;
    scan: for (;;) {
      const page = await this.objects.list(bucket, { prefix: q.prefix, after, maxKeys: Math.min(1000, SEARCH_SCAN_LIMIT - scanned) });
      for (const o of page.objects) {
        scanned++;
        lastExamined = o.key;
        if (match(o) && (!needTags || (o.tagCount > 0 && tagsMatch((await this.tagging.getTags(bucket, o.key)).tags, tagFilter)))) {
          results.push(o);
        }
        if (results.length >= q.page_size || scanned >= SEARCH_SCAN_LIMIT) {
          truncated = page.isTruncated || o !== page.objects[page.objects.length - 1];
          break scan;
        }
      }
      if (!page.isTruncated) break;
      after = page.lastReturned;
    }
    const objects = results.map(toObjectDto);
    const data = {
      bucket,
      objects,
      count: objects.length,
      scanned,
      truncated,
      next_continuation_token: truncated ? token(lastExamined) : null,
    };
    return ok(data, { objects, truncated });
  }

  @Delete(':bucket/objects')
  @Audit(R.object, SA.bulkDelete)
  @ApiOperation({ summary: 'Delete several objects (Strix: { "keys": [...] }; or { "objects": [{ key, version_id }] }), up to 1000' })
  async bulkDelete(
    @CurrentPrincipal() p: ConsolePrincipal,
    @Req() req: ConsoleRequest,
    @Param('bucket') bucket: string,
    @Body() dto: BulkDeleteDto,
  ) {
    const info = await this.storage.inTenant(p, bucket);
    noteAudit(req, { tenantId: info.tenantId });
    const entries = dto.objects ?? dto.keys?.map((key) => ({ key, version_id: undefined as string | undefined }));
    if (entries === undefined || (dto.objects !== undefined && dto.keys !== undefined)) {
      throw new ConsoleValidationError({ keys: ['give keys (or objects), one of them'] });
    }
    const errors: Array<{ key: string; version_id: string | null; code: string; message: string }> = [];
    const allowed: Array<{ key: string; versionId?: string }> = [];
    for (const e of entries) {
      const action = e.version_id !== undefined ? 's3:DeleteObjectVersion' : 's3:DeleteObject';
      if (await this.storage.allowed(req, action, bucket, e.key, e.version_id)) allowed.push({ key: e.key, versionId: e.version_id });
      else errors.push({ key: e.key, version_id: e.version_id ?? null, code: 'AccessDenied', message: 'Access Denied' });
    }
    const results = await this.objects.deleteMany(bucket, allowed, { owner: p, origin: consoleEventOrigin(req) });
    const deleted = [];
    for (const r of results) {
      if (r.error) errors.push({ key: r.key, version_id: r.versionId ?? null, code: r.error.code, message: r.error.message });
      else deleted.push({ key: r.key, version_id: r.outcome?.versionId ?? null, delete_marker: r.outcome?.deleteMarker ?? false });
    }
    noteAudit(req, { details: { deleted: deleted.length, errors: errors.length } });
    const data = { deleted, errors, deleted_count: deleted.length, error_count: errors.length };
    return ok(data, { ...data });
  }

  @Get(':bucket/objects/*key/acl')
  @ApiParam(KEY_PARAM)
  @ApiOperation({ summary: "An object's ACL (versionId: a specific version)" })
  async getAcl(@Req() req: ConsoleRequest, @Param('bucket') bucket: string, @Query() q: VersionQueryDto) {
    const key = objectKeyOf(req, '/acl');
    const versionId = versionOf(q);
    await this.storage.bucket(req, bucket, versionId ? 's3:GetObjectVersionAcl' : 's3:GetObjectAcl', key, versionId);
    const { ownerId, grants } = await this.acls.get(bucket, key, versionId);
    return ok(await this.aclViews.dto(ownerId, grants));
  }

  @Put(':bucket/objects/*key/acl')
  @ApiParam(KEY_PARAM)
  @Audit(R.object, A.update)
  @ApiOperation({ summary: 'Replace an object\'s ACL: { "acl": "<canned>" } or { "grants": [...] }' })
  async putAcl(@Req() req: ConsoleRequest, @Param('bucket') bucket: string, @Query() q: VersionQueryDto, @Body() dto: PutAclDto) {
    const key = objectKeyOf(req, '/acl');
    const versionId = versionOf(q);
    const info = await this.storage.bucket(req, bucket, versionId ? 's3:PutObjectVersionAcl' : 's3:PutObjectAcl', key, versionId);
    this.note(req, info.tenantId, bucket, key);
    const { ownerId } = await this.acls.get(bucket, key, versionId);
    await this.acls.set(bucket, key, await this.aclViews.resolve(grantsOfRequest(dto, ownerId, info.ownerId)), versionId);
    const after = await this.acls.get(bucket, key, versionId);
    return ok(await this.aclViews.dto(after.ownerId, after.grants));
  }

  @Get(':bucket/objects/*key/legal-hold')
  @ApiParam(KEY_PARAM)
  @ApiOperation({ summary: "An object version's legal hold (ON / OFF); the bucket needs object lock" })
  async getLegalHold(@Req() req: ConsoleRequest, @Param('bucket') bucket: string, @Query() q: VersionQueryDto) {
    const key = objectKeyOf(req, '/legal-hold');
    const versionId = versionOf(q);
    await this.storage.bucket(req, bucket, 's3:GetObjectLegalHold', key, versionId);
    try {
      const hold = await this.lock.getLegalHold(bucket, key, versionId);
      return ok({ key, version_id: hold.versionId, status: hold.value ? 'ON' : 'OFF', legal_hold: hold.value });
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'NoSuchObjectLockConfiguration')) throw err;
      return ok({ key, version_id: versionId ?? null, status: 'OFF', legal_hold: false });
    }
  }

  @Put(':bucket/objects/*key/legal-hold')
  @ApiParam(KEY_PARAM)
  @Audit(R.object, A.update)
  @ApiOperation({ summary: 'Place or release a legal hold ({ "status": "ON" | "OFF" })' })
  async putLegalHold(@Req() req: ConsoleRequest, @Param('bucket') bucket: string, @Query() q: VersionQueryDto, @Body() dto: LegalHoldDto) {
    const key = objectKeyOf(req, '/legal-hold');
    const versionId = versionOf(q);
    const info = await this.storage.bucket(req, bucket, 's3:PutObjectLegalHold', key, versionId);
    this.note(req, info.tenantId, bucket, key);
    const on = dto.status !== undefined ? dto.status === 'ON' : (dto.enabled ?? dto.legal_hold);
    if (on === undefined) throw new ConsoleValidationError({ status: ['status (ON or OFF) is required'] });
    const done = await this.lock.putLegalHold(bucket, key, versionId, on);
    return ok({ key, version_id: done.versionId, status: on ? 'ON' : 'OFF', legal_hold: on });
  }

  @Get(':bucket/objects/*key/tagging')
  @ApiParam(KEY_PARAM)
  @ApiOperation({ summary: "An object version's tags ({ tags: { k: v }, TagSet: [{ Key, Value }] })" })
  async getTagging(@Req() req: ConsoleRequest, @Param('bucket') bucket: string, @Query() q: VersionQueryDto) {
    const key = objectKeyOf(req, '/tagging');
    const versionId = versionOf(q);
    await this.storage.bucket(req, bucket, versionId ? 's3:GetObjectVersionTagging' : 's3:GetObjectTagging', key, versionId);
    const t = await this.tagging.getTags(bucket, key, versionId);
    return ok(taggingOut(key, t.versionId, t.tags));
  }

  @Put(':bucket/objects/*key/tagging')
  @ApiParam(KEY_PARAM)
  @Audit(R.object, A.update)
  @ApiOperation({ summary: 'Replace an object version\'s tags ({ "tags": { k: v } } or { "TagSet": [...] }; an empty set removes them)' })
  async putTagging(
    @Req() req: ConsoleRequest,
    @Param('bucket') bucket: string,
    @Query() q: VersionQueryDto,
    @Body() dto: ObjectTaggingDto,
  ) {
    const key = objectKeyOf(req, '/tagging');
    const versionId = versionOf(q);
    const info = await this.storage.bucket(req, bucket, versionId ? 's3:PutObjectVersionTagging' : 's3:PutObjectTagging', key, versionId);
    this.note(req, info.tenantId, bucket, key);
    const pairs: Array<[string, string]> = dto.TagSet ? dto.TagSet.map((t) => [t.Key, t.Value]) : Object.entries(dto.tags ?? {});
    const done = await this.tagging.putTags(bucket, key, versionId, pairs);
    const t = await this.tagging.getTags(bucket, key, done.versionId);
    return ok(taggingOut(key, t.versionId, t.tags));
  }

  @Get(':bucket/objects/*key/retention')
  @ApiParam(KEY_PARAM)
  @ApiOperation({ summary: "An object version's retention (mode, retain_until; null when none); the bucket needs object lock" })
  async getRetention(@Req() req: ConsoleRequest, @Param('bucket') bucket: string, @Query() q: VersionQueryDto) {
    const key = objectKeyOf(req, '/retention');
    const versionId = versionOf(q);
    await this.storage.bucket(req, bucket, 's3:GetObjectRetention', key, versionId);
    try {
      const r = await this.lock.getRetention(bucket, key, versionId);
      return ok({ key, version_id: r.versionId, mode: r.value.mode, retain_until: new Date(r.value.retainUntil).toISOString() });
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'NoSuchObjectLockConfiguration')) throw err;
      return ok({ key, version_id: versionId ?? null, mode: null, retain_until: null });
    }
  }

  @Put(':bucket/objects/*key/retention')
  @ApiParam(KEY_PARAM)
  @Audit(R.object, A.update)
  @ApiOperation({
    summary:
      'Set an object version\'s retention ({ "mode": "GOVERNANCE" | "COMPLIANCE", "retain_until": ISO 8601 }); mode null removes it; shortening GOVERNANCE needs bypass_governance',
  })
  async putRetention(
    @Req() req: ConsoleRequest,
    @Param('bucket') bucket: string,
    @Query() q: VersionQueryDto,
    @Body() dto: ObjectRetentionDto,
  ) {
    const key = objectKeyOf(req, '/retention');
    const versionId = versionOf(q);
    const info = await this.storage.bucket(req, bucket, 's3:PutObjectRetention', key, versionId);
    this.note(req, info.tenantId, bucket, key);
    if (dto.mode && !dto.retain_until) throw new ConsoleValidationError({ retain_until: ['retain_until is required with a mode'] });
    const retention = dto.mode ? { mode: dto.mode, retainUntil: Date.parse(dto.retain_until!) } : null;
    const canBypassGovernance =
      dto.bypass_governance === true && (await this.storage.allowed(req, 's3:BypassGovernanceRetention', bucket, key, versionId));
    const done = await this.lock.putRetention(bucket, key, versionId, retention, canBypassGovernance);
    return ok({
      key,
      version_id: done.versionId,
      mode: retention?.mode ?? null,
      retain_until: retention ? new Date(retention.retainUntil).toISOString() : null,
    });
  }

  @Get(':bucket/objects/*key/versions')
  @ApiParam(KEY_PARAM)
  @ApiOperation({ summary: "A key's versions and delete markers, newest first (page_size, continuation_token)" })
  async listVersions(@Req() req: ConsoleRequest, @Param('bucket') bucket: string, @Query() q: ObjectVersionsQueryDto) {
    const key = objectKeyOf(req, '/versions');
    await this.storage.bucket(req, bucket, 's3:ListBucketVersions', undefined, undefined, { 's3:prefix': key });
    const marker = fromToken(q.continuation_token);
    const page = await this.versions.listObjectVersions(bucket, {
      prefix: key,
      keyMarker: marker !== undefined ? key : undefined,
      versionIdMarker: marker,
      maxKeys: q.page_size,
    });
    const mine = page.versions.filter((v) => v.key === key);
    const more = page.isTruncated && mine.length === page.versions.length;
    const versions = mine.map(toObjectDto);
    const data = {
      bucket,
      key,
      versions,
      is_truncated: more,
      next_continuation_token: more ? token(mine[mine.length - 1]?.versionId) : null,
    };
    return ok(data, { versions });
  }

  @Post(':bucket/objects/*key/restore')
  @HttpCode(200)
  @ApiParam(KEY_PARAM)
  @Audit(R.object, A.update)
  @ApiOperation({
    summary: 'Restore a version: copy it server-side to a new current version ({ "version_id": "..." }; no bytes pass through the client)',
    description: 'Needs s3:GetObjectVersion on the version and s3:PutObject on the key, as a CopyObject onto the same key would.',
  })
  async restoreVersion(
    @CurrentPrincipal() p: ConsolePrincipal,
    @Req() req: ConsoleRequest,
    @Param('bucket') bucket: string,
    @Body() dto: RestoreVersionDto,
  ) {
    const key = objectKeyOf(req, '/restore');
    const info = await this.storage.bucket(req, bucket, 's3:GetObjectVersion', key, dto.version_id);
    await this.storage.bucket(req, bucket, 's3:PutObject', key);
    this.note(req, info.tenantId, bucket, key);
    const copied = await this.objects.copy({
      srcBucket: bucket,
      srcKey: key,
      srcVersionId: dto.version_id,
      dstBucket: bucket,
      dstKey: key,
      owner: p,
      origin: consoleEventOrigin(req),
    });
    const data = { ...writtenOut(bucket, key, copied), source_version_id: copied.sourceVersionId };
    return ok(data, { ...data });
  }

  @Get(':bucket/objects/*key')
  @ApiParam(KEY_PARAM)
  @Audit(R.object, SA.download)
  @ApiOperation({
    summary: 'Download an object (streamed; Range → 206; Content-Disposition attachment, ?download=false for inline)',
  })
  async download(@Req() req: ConsoleRequest, @Res() res: Response, @Param('bucket') bucket: string, @Query() q: DownloadQueryDto) {
    const key = objectKeyOf(req);
    const versionId = versionOf(q);
    const info = await this.storage.bucket(req, bucket, versionId ? 's3:GetObjectVersion' : 's3:GetObject', key, versionId);
    this.note(req, info.tenantId, bucket, key);
    const result = await this.objects.get(bucket, key, { versionId, range: req.get('range') });
    sendObject(req, res, result, q.download === false ? 'inline' : 'attachment');
  }

  @Put(':bucket/objects/*key')
  @ApiParam(KEY_PARAM)
  @Audit(R.object, SA.upload)
  @ApiConsumes('application/octet-stream')
  @ApiBody({
    description: 'The object bytes (any Content-Type: it is stored with the object); x-amz-meta-* headers are kept',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiOperation({ summary: 'Upload an object (the raw body, streamed; MD5 computed; Content-MD5 and If-None-Match: * honoured)' })
  async upload(@CurrentPrincipal() p: ConsolePrincipal, @Req() req: ConsoleRequest, @Param('bucket') bucket: string) {
    const key = objectKeyOf(req);
    const info = await this.storage.bucket(req, bucket, 's3:PutObject', key);
    this.note(req, info.tenantId, bucket, key);
    const length = req.get('content-length');
    const size = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
    const ifNoneMatch = req.get('if-none-match');
    const ifMatch = req.get('if-match');
    const stored = await this.objects.put({
      bucket,
      key,
      owner: p,
      body: req,
      metadata: uploadMetadata(req),
      size,
      contentMd5: req.get('content-md5'),
      algorithms: [],
      conditions: ifNoneMatch !== undefined || ifMatch !== undefined ? { ifNoneMatch, ifMatch } : undefined,
      origin: consoleEventOrigin(req),
    });
    const data = writtenOut(bucket, key, stored);
    return ok(data, { ...data });
  }

  @Delete(':bucket/objects/*key')
  @HttpCode(204)
  @ApiParam(KEY_PARAM)
  @Audit(R.object, A.delete)
  @ApiOperation({ summary: 'Delete an object (versioned bucket: a delete marker), or one version with versionId (204)' })
  async remove(
    @CurrentPrincipal() p: ConsolePrincipal,
    @Req() req: ConsoleRequest,
    @Res({ passthrough: true }) res: Response,
    @Param('bucket') bucket: string,
    @Query() q: DeleteObjectQueryDto,
  ): Promise<void> {
    const key = objectKeyOf(req);
    const versionId = versionOf(q);
    const info = await this.storage.bucket(req, bucket, versionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject', key, versionId);
    this.note(req, info.tenantId, bucket, key);
    const canBypassGovernance =
      q.bypass_governance === true && (await this.storage.allowed(req, 's3:BypassGovernanceRetention', bucket, key, versionId));
    const outcome = await this.objects.delete(bucket, key, { versionId, owner: p, canBypassGovernance, origin: consoleEventOrigin(req) });
    if (outcome.versionId !== undefined) res.setHeader('x-amz-version-id', outcome.versionId);
    if (outcome.deleteMarker) res.setHeader('x-amz-delete-marker', 'true');
  }

  private note(req: ConsoleRequest, tenantId: string | null, bucket: string, key: string): void {
    noteAudit(req, { tenantId, resourceName: `${bucket}/${key}` });
  }
}

/** `a=1,b` → [['a','1'], ['b', undefined]]: every tag must be present (with that value, when given). */
function parseTagFilter(raw: string | undefined): Array<[string, string | undefined]> {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const i = part.indexOf('=');
    const k = (i < 0 ? part : part.slice(0, i)).trim();
    if (!k) throw new ConsoleValidationError({ tags: ['tags is key=value pairs separated by commas'] });
    return [k, i < 0 ? undefined : part.slice(i + 1).trim()];
  });
}

function tagsMatch(tags: Record<string, string>, wanted: Array<[string, string | undefined]>): boolean {
  return wanted.every(([k, v]) => k in tags && (v === undefined || tags[k] === v));
}

/** The search filters other than tags, as one predicate. */
function objectFilter(q: SearchObjectsQueryDto): (o: ObjectView) => boolean {
  const name = (q.name ?? q.contains)?.toLowerCase();
  const after = q.modified_after !== undefined ? new Date(q.modified_after).getTime() : undefined;
  const before = q.modified_before !== undefined ? new Date(q.modified_before).getTime() : undefined;
  if (q.min_size !== undefined && q.max_size !== undefined && q.min_size > q.max_size) {
    throw new ConsoleValidationError({ max_size: ['max_size must not be less than min_size'] });
  }
  const type = q.content_type?.toLowerCase();
  return (o) => {
    if (name !== undefined && !o.key.toLowerCase().includes(name)) return false;
    if (q.min_size !== undefined && o.size < q.min_size) return false;
    if (q.max_size !== undefined && o.size > q.max_size) return false;
    const t = o.lastModified.getTime();
    if (after !== undefined && t < after) return false;
    if (before !== undefined && t > before) return false;
    if (type !== undefined) {
      const ct = (o.metadata.headers['content-type'] ?? '').toLowerCase();
      if (type.endsWith('/') ? !ct.startsWith(type) : ct.split(';')[0].trim() !== type) return false;
    }
    return true;
  };
}
