import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/column-transformers';

/**
 * The registry of live blobs. A row is written in the same transaction as the object or part
 * row that references the blob, and removed in the transaction that drops the reference, so a
 * blob file without a row is garbage for the sweeper (a crash between rename and commit, or
 * between commit and unlink).
 */
@Entity('blobs')
export class BlobEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  size!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
