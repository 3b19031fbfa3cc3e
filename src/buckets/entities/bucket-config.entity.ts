import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../../database/column-transformers';

/** The sub-resource documents a bucket may carry, one row each (at most 16 characters). */
export type BucketConfigKind = 'cors' | 'tagging' | 'lifecycle' | 'notification' | 'inventory' | 'encryption' | 'replication';

/**
 * One configuration document of a bucket (CORS rules, tag set, lifecycle rules, notification
 * rules, inventory configuration) as validated JSON.
 * A row per (bucket, kind) keeps the bucket row small: it is read, cached, on every request.
 */
@Entity('bucket_configs')
@Index('idx_bucket_configs_kind', ['kind', 'bucketId'])
export class BucketConfigEntity {
  @PrimaryColumn({ name: 'bucket_id', type: 'varchar', length: 36 })
  bucketId!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  kind!: BucketConfigKind;

  @Column({ type: 'text', transformer: jsonText })
  document!: object;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}
