import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';
import type { ObjectTags } from '../object-tags';
import type { AclGrant } from '../../iam/acl/acl';
import type { ObjectEncryption } from '../../encryption/encryption.types';

/** One piece of an object's bytes: a blob in the blob store (a whole PUT, or one multipart part). */
export interface ManifestEntry {
  /** blob id */
  b: string;
  /** size in bytes */
  s: number;
  /** part ETag (multipart objects only), unquoted */
  e?: string;
  /** Encrypted blob: its data key, wrapped (see encryption/); `s` stays the plaintext size. */
  k?: string;
  /** the part's checksums as uploaded (multipart objects with a checksum algorithm) */
  c?: ObjectChecksums;
}

/** Stored system and user metadata of an object. */
export interface ObjectMetadata {
  /** Content-Type and friends, as set on PUT (lower-case header names). */
  headers: Record<string, string>;
  /** x-amz-meta-* with the prefix removed, names lower-cased. */
  user: Record<string, string>;
}

/** Full-object checksums (base64), keyed by algorithm name in lower case (crc32, crc32c, sha1, sha256, crc64nvme). */
export type ObjectChecksums = Partial<Record<'crc32' | 'crc32c' | 'sha1' | 'sha256' | 'crc64nvme', string>> & {
  /** COMPOSITE for multipart checksums of checksums, FULL_OBJECT otherwise */
  type?: 'COMPOSITE' | 'FULL_OBJECT';
};

@Entity('objects')
@Index('idx_objects_bucket_key_version', ['bucketId', 'key', 'versionId'], { unique: true })
// ListObjects: latest, non-delete-marker rows of a bucket in key order (one seek per page).
@Index('idx_objects_bucket_listing', ['bucketId', 'isLatest', 'isDeleteMarker', 'key'])
// ListObjectVersions: keyset on (key, version order), newest first.
@Index('idx_objects_bucket_key_order', ['bucketId', 'key', 'versionOrder'], { unique: true })
// At most one latest row per key: concurrent writers of a key conflict and are retried.
@Index('idx_objects_one_latest', ['bucketId', 'key'], { unique: true, where: '"is_latest" = true' })
export class ObjectEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'bucket_id', type: 'varchar', length: 36 })
  bucketId!: string;

  /** Compared in byte order (COLLATE "C" on PostgreSQL, BINARY on SQLite). */
  @Column({ type: 'varchar', length: 1024 })
  key!: string;

  @Column({ name: 'version_id', type: 'varchar', length: 64, default: 'null' })
  versionId!: string;

  /** Sorts the versions of a key newest first (see version-id.ts); equals versionId except for the null version. */
  @Column({ name: 'version_order', type: 'varchar', length: 32 })
  versionOrder!: string;

  @Column({ name: 'is_latest', type: 'boolean', default: true })
  isLatest!: boolean;

  @Column({ name: 'is_delete_marker', type: 'boolean', default: false })
  isDeleteMarker!: boolean;

  @Column({ type: 'bigint', transformer: bigintNumber })
  size!: number;

  /** Unquoted ETag: md5 hex, or md5-of-md5s "-N" for multipart. */
  @Column({ type: 'varchar', length: 64 })
  etag!: string;

  @Column({ type: 'text', transformer: jsonText })
  metadata!: ObjectMetadata;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  checksums!: ObjectChecksums | null;

  @Column({ type: 'text', transformer: jsonText })
  manifest!: ManifestEntry[];

  /** Number of parts for a multipart object, null for a single PUT. */
  @Column({ name: 'part_count', type: 'integer', nullable: true })
  partCount!: number | null;

  /** The multipart upload that made this version (CompleteMultipartUpload answers again for it); null for a PUT or copy. */
  @Column({ name: 'upload_id', type: 'varchar', length: 128, nullable: true })
  uploadId!: string | null;

  @Column({ name: 'storage_class', type: 'varchar', length: 32, default: 'STANDARD' })
  storageClass!: string;

  @Column({ name: 'owner_id', type: 'varchar', length: 36 })
  ownerId!: string;

  @Column({ name: 'last_modified', type: 'bigint', transformer: bigintNumber })
  lastModified!: number;

  /** Object tags (key → value), null when none. */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  tags!: ObjectTags | null;

  /** Object lock retention of this version: GOVERNANCE | COMPLIANCE, until lock_retain_until (epoch ms). */
  @Column({ name: 'lock_mode', type: 'varchar', length: 16, nullable: true })
  lockMode!: string | null;

  @Column({ name: 'lock_retain_until', type: 'bigint', nullable: true, transformer: bigintNumber })
  lockRetainUntil!: number | null;

  /** Object lock legal hold: null = never set. */
  @Column({ name: 'legal_hold', type: 'boolean', nullable: true })
  legalHold!: boolean | null;

  /** Encryption at rest (SSE-S3 / SSE-C), null = stored in plain; each manifest entry carries its blob's wrapped data key. */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  sse!: ObjectEncryption | null;

  /** Object ACL grants as JSON; null = private (owner only). Managed by the IAM layer. */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  acl!: AclGrant[] | null;

  /** x-amz-replication-status: PENDING, COMPLETED or FAILED (a replication rule covers it); null = none. */
  @Column({ name: 'replication_status', type: 'varchar', length: 16, nullable: true })
  replicationStatus!: string | null;
}
