import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/column-transformers';

export type AccessKeyStatus = 'active' | 'inactive';

@Entity('access_keys')
export class AccessKeyEntity {
  @PrimaryColumn({ name: 'access_key_id', type: 'varchar', length: 128 })
  accessKeyId!: string;

  @Index()
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  /** AES-256-GCM ciphertext of the secret (see SecretBox); never the plain secret. */
  @Column({ name: 'secret_enc', type: 'text' })
  secretEnc!: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: AccessKeyStatus;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'last_used_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastUsedAt!: number | null;
}
