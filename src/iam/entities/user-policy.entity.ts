import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/column-transformers';

/** A named inline identity policy of a user (the Strix `/users/{username}/policies` shape). */
@Entity('user_policies')
export class UserPolicyEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  name!: string;

  /** The policy JSON as given (validated on write). */
  @Column({ type: 'text' })
  document!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;
}
