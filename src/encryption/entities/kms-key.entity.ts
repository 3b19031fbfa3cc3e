import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';

/** One version of a KMS key's material: 32 random bytes, wrapped by the master key (`mk1.<kek id>.<base64>`). */
export interface KmsKeyVersion {
  v: number;
  /** the wrapped material */
  k: string;
  /** created at (epoch ms) */
  t: number;
}

/** A key of the built-in key manager (SSE-KMS). Rotation adds a version; older versions still decrypt. */
@Entity('kms_keys')
export class KmsKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** `alias/<name>` without the prefix; unique. */
  @Column({ type: 'varchar', length: 256, nullable: true, unique: true })
  alias!: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  description!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** The key `aws:kms` uses when a request names none (AWS: the `aws/s3` managed key). */
  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'rotated_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  rotatedAt!: number | null;

  /** Every version of the material, oldest first; the last one encrypts. */
  @Column({ type: 'text', transformer: jsonText })
  material!: KmsKeyVersion[];
}

/** A server secret kept across master-key rotations (e.g. the SSE-C HMAC secret), wrapped by the master key. */
@Entity('wrapped_secrets')
export class WrappedSecretEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'text' })
  wrapped!: string;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}
