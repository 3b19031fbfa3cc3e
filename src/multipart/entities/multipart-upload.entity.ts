import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';
import type { ObjectMetadata } from '../../objects/entities/object.entity';
import type { ObjectTags } from '../../objects/object-tags';
import type { ObjectEncryption } from '../../encryption/encryption.types';

@Entity('multipart_uploads')
@Index('idx_uploads_bucket_key', ['bucketId', 'key', 'initiated'])
export class MultipartUploadEntity {
  @PrimaryColumn({ name: 'upload_id', type: 'varchar', length: 64 })
  uploadId!: string;

  @Column({ name: 'bucket_id', type: 'varchar', length: 36 })
  bucketId!: string;

  @Column({ type: 'varchar', length: 1024 })
  key!: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  initiated!: number;

  @Column({ name: 'owner_id', type: 'varchar', length: 36 })
  ownerId!: string;

  @Column({ type: 'text', transformer: jsonText })
  metadata!: ObjectMetadata;

  /** x-amz-checksum-algorithm given at creation (lower case), if any. */
  @Column({ name: 'checksum_algorithm', type: 'varchar', length: 16, nullable: true })
  checksumAlgorithm!: string | null;

  @Column({ name: 'checksum_type', type: 'varchar', length: 16, nullable: true })
  checksumType!: string | null;

  @Column({ name: 'storage_class', type: 'varchar', length: 32, default: 'STANDARD' })
  storageClass!: string;

  /** x-amz-tagging given at creation: applied to the object on complete. */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  tags!: ObjectTags | null;

  /** x-amz-object-lock-* given at creation: applied to the object on complete. */
  @Column({ name: 'lock_mode', type: 'varchar', length: 16, nullable: true })
  lockMode!: string | null;

  @Column({ name: 'lock_retain_until', type: 'bigint', nullable: true, transformer: bigintNumber })
  lockRetainUntil!: number | null;

  @Column({ name: 'legal_hold', type: 'boolean', nullable: true })
  legalHold!: boolean | null;

  /** Encryption of the parts and of the completed object (SSE-S3 / SSE-C), null = plain. */
  @Column({ type: 'text', nullable: true, transformer: jsonText })
  sse!: ObjectEncryption | null;
}
