import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/column-transformers';

/** A setting changed from its default (settings.catalog.ts). A key without a row has its default. */
@Entity('settings')
export class SettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key!: string;

  /** The typed value as JSON (true, 60, "udp"). */
  @Column({ type: 'text' })
  value!: string;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;

  /** Username of who set it. */
  @Column({ name: 'updated_by', type: 'varchar', length: 128, nullable: true })
  updatedBy!: string | null;
}
