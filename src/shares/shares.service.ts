import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Brackets } from 'typeorm';
import { Clock } from '../common/clock';
import { IdGenerator } from '../common/ids';
import { DatabaseService } from '../database/database.service';
import { ShareEntity } from './entities/share.entity';
import { ShareError, ShareErrorCode } from './share.errors';

/** What callers see of a share link (never the entity, never the token hash). */
export interface ShareView {
  id: string;
  bucketId: string;
  bucket: string;
  key: string;
  versionId: string | null;
  tenantId: string | null;
  createdBy: string;
  createdByUsername: string;
  createdAt: Date;
  expiresAt: Date;
  maxDownloads: number | null;
  downloadCount: number;
  lastDownloadAt: Date | null;
  revokedAt: Date | null;
  /** active | revoked | expired | exhausted, at the time of the read. */
  status: ShareStatus;
}

export type ShareStatus = 'active' | 'revoked' | 'expired' | 'exhausted';

export interface CreateShareInput {
  bucketId: string;
  bucket: string;
  key: string;
  versionId?: string;
  tenantId: string | null;
  createdBy: { userId: string; username: string };
  expiresAt: Date;
  maxDownloads?: number;
}

export interface ListSharesFilter {
  /** undefined = every tenant. */
  tenantId?: string | null;
  createdBy?: string;
  bucket?: string;
  /** Only links that still serve their object. */
  activeOnly: boolean;
  page: number;
  pageSize: number;
}

/** Tokens are 32 random bytes, base64url: 43 characters, 256 bits. */
const TOKEN_BYTES = 32;
export const SHARE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const hashShareToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

function statusOf(s: ShareEntity, now: number): ShareStatus {
  if (s.revokedAt !== null) return 'revoked';
  if (s.expiresAt <= now) return 'expired';
  if (s.maxDownloads !== null && s.downloadCount >= s.maxDownloads) return 'exhausted';
  return 'active';
}

const toView = (s: ShareEntity, now: number): ShareView => ({
  id: s.id,
  bucketId: s.bucketId,
  bucket: s.bucketName,
  key: s.objectKey,
  versionId: s.versionId,
  tenantId: s.tenantId,
  createdBy: s.createdBy,
  createdByUsername: s.createdByUsername,
  createdAt: new Date(s.createdAt),
  expiresAt: new Date(s.expiresAt),
  maxDownloads: s.maxDownloads,
  downloadCount: s.downloadCount,
  lastDownloadAt: s.lastDownloadAt === null ? null : new Date(s.lastDownloadAt),
  revokedAt: s.revokedAt === null ? null : new Date(s.revokedAt),
  status: statusOf(s, now),
});

const REFUSAL: Record<Exclude<ShareStatus, 'active'>, [ShareErrorCode, string]> = {
  revoked: ['ShareRevoked', 'This share link has been revoked'],
  expired: ['ShareExpired', 'This share link has expired'],
  exhausted: ['ShareExhausted', 'This share link has reached its maximum number of downloads'],
};
const refusal = (status: Exclude<ShareStatus, 'active'>) => new ShareError(...REFUSAL[status]);

/**
 * Share links: public, revocable, expiring URLs for one object. Who may create or see a link is the
 * console's decision; this service keeps the links, their tokens (hashed) and their download counts.
 * Expiry is judged with the injected Clock.
 */
@Injectable()
export class SharesService {
  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** A new link and its token (shown once: only its hash is kept). */
  async create(input: CreateShareInput): Promise<{ share: ShareView; token: string }> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const now = this.clock.now().getTime();
    const row = Object.assign(new ShareEntity(), {
      id: this.ids.uuid(),
      tokenHash: hashShareToken(token),
      bucketId: input.bucketId,
      bucketName: input.bucket,
      objectKey: input.key,
      versionId: input.versionId ?? null,
      tenantId: input.tenantId,
      createdBy: input.createdBy.userId,
      createdByUsername: input.createdBy.username,
      createdAt: now,
      expiresAt: input.expiresAt.getTime(),
      maxDownloads: input.maxDownloads ?? null,
      downloadCount: 0,
      lastDownloadAt: null,
      revokedAt: null,
    });
    await this.db.tx((m) => m.insert(ShareEntity, row));
    return { share: toView(row, now), token };
  }

  /** One page of links, newest first, with the total count of the filter. */
  async list(filter: ListSharesFilter): Promise<{ items: ShareView[]; total: number }> {
    const now = this.clock.now().getTime();
    const qb = this.db.repo(ShareEntity).createQueryBuilder('s');
    if (filter.tenantId !== undefined) {
      if (filter.tenantId === null) qb.andWhere('s.tenant_id IS NULL');
      else qb.andWhere('s.tenant_id = :tenantId', { tenantId: filter.tenantId });
    }
    if (filter.createdBy !== undefined) qb.andWhere('s.created_by = :createdBy', { createdBy: filter.createdBy });
    if (filter.bucket !== undefined) qb.andWhere('s.bucket_name = :bucket', { bucket: filter.bucket });
    if (filter.activeOnly) {
      qb.andWhere('s.revoked_at IS NULL')
        .andWhere('s.expires_at > :now', { now })
        .andWhere(new Brackets((w) => w.where('s.max_downloads IS NULL').orWhere('s.download_count < s.max_downloads')));
    }
    const [rows, total] = await qb
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.id', 'ASC')
      .skip((filter.page - 1) * filter.pageSize)
      .take(filter.pageSize)
      .getManyAndCount();
    return { items: rows.map((r) => toView(r, now)), total };
  }

  async get(id: string): Promise<ShareView> {
    const row = await this.db.repo(ShareEntity).findOneBy({ id });
    if (!row) throw new ShareError('ShareNotFound', `share link ${id} does not exist`);
    return toView(row, this.clock.now().getTime());
  }

  /** Revokes a link for good (revoking it again changes nothing). */
  async revoke(id: string): Promise<ShareView> {
    const now = this.clock.now().getTime();
    await this.db.tx(async (m) => {
      const row = await m.findOneBy(ShareEntity, { id });
      if (!row) throw new ShareError('ShareNotFound', `share link ${id} does not exist`);
      if (row.revokedAt === null) await m.update(ShareEntity, { id }, { revokedAt: now });
    });
    return this.get(id);
  }

  /** The link of a token that still serves its object; ShareError otherwise (404 unknown, 410 revoked/expired/used up). */
  async resolve(token: string): Promise<ShareView> {
    if (!SHARE_TOKEN_PATTERN.test(token)) throw new ShareError('ShareNotFound', 'No such share link');
    const row = await this.db.repo(ShareEntity).findOneBy({ tokenHash: hashShareToken(token) });
    if (!row) throw new ShareError('ShareNotFound', 'No such share link');
    const view = toView(row, this.clock.now().getTime());
    if (view.status !== 'active') throw refusal(view.status);
    return view;
  }

  /**
   * Counts one download: a single conditional UPDATE, so concurrent downloads can never take a
   * link past its maximum, and a link revoked or expired meanwhile counts nothing.
   */
  async recordDownload(id: string): Promise<void> {
    const now = this.clock.now().getTime();
    const res = await this.db.tx((m) =>
      m
        .createQueryBuilder()
        .update(ShareEntity)
        .set({ downloadCount: () => 'download_count + 1', lastDownloadAt: now })
        .where('id = :id', { id })
        .andWhere('revoked_at IS NULL')
        .andWhere('expires_at > :now', { now })
        .andWhere('(max_downloads IS NULL OR download_count < max_downloads)')
        .execute(),
    );
    if (!res.affected) {
      const view = await this.get(id);
      throw view.status === 'active' ? new ShareError('ShareNotFound', 'No such share link') : refusal(view.status);
    }
  }
}
