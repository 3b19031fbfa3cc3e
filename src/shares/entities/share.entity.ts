import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/column-transformers';

/**
 * A share link: a revocable, expiring public URL for one object. The token is never stored, only
 * its SHA-256, so a leaked database does not hand out working links.
 */
@Entity('shares')
@Index('idx_shares_tenant_created', ['tenantId', 'createdAt'])
@Index('idx_shares_creator_created', ['createdBy', 'createdAt'])
export class ShareEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** SHA-256 (hex) of the link's token. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash!: string;

  /** The bucket's id: a bucket deleted and created again under the same name is another bucket. */
  @Column({ name: 'bucket_id', type: 'varchar', length: 36 })
  bucketId!: string;

  @Column({ name: 'bucket_name', type: 'varchar', length: 63 })
  bucketName!: string;

  @Column({ name: 'object_key', type: 'varchar', length: 1024 })
  objectKey!: string;

  /** A specific version; null = whatever version is current at download time. */
  @Column({ name: 'version_id', type: 'varchar', length: 64, nullable: true })
  versionId!: string | null;

  /** The bucket's tenant (null for buckets of global users). */
  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true })
  tenantId!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36 })
  createdBy!: string;

  @Column({ name: 'created_by_username', type: 'varchar', length: 64 })
  createdByUsername!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintNumber })
  expiresAt!: number;

  /** null = unlimited */
  @Column({ name: 'max_downloads', type: 'integer', nullable: true })
  maxDownloads!: number | null;

  @Column({ name: 'download_count', type: 'integer', default: 0 })
  downloadCount!: number;

  @Column({ name: 'last_download_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastDownloadAt!: number | null;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  revokedAt!: number | null;
}
