import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';
import type { ObjectChecksums } from '../../objects/entities/object.entity';

@Entity('upload_parts')
export class UploadPartEntity {
  @PrimaryColumn({ name: 'upload_id', type: 'varchar', length: 64 })
  uploadId!: string;

  @PrimaryColumn({ name: 'part_number', type: 'integer' })
  partNumber!: number;

  @Column({ type: 'varchar', length: 64 })
  etag!: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  size!: number;

  @Column({ name: 'blob_id', type: 'varchar', length: 64 })
  blobId!: string;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  checksums!: ObjectChecksums | null;

  @Column({ name: 'last_modified', type: 'bigint', transformer: bigintNumber })
  lastModified!: number;

  /** The part blob's wrapped data key when the upload is encrypted; `size` stays the plaintext size. */
  @Column({ name: 'data_key', type: 'text', nullable: true })
  dataKey!: string | null;
}
