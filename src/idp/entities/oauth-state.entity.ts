import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../database/column-transformers';

export type OAuthRecordKind = 'state' | 'ticket';

/**
 * Short-lived, single-use records of the OIDC login: a `state` (between the login start and the
 * provider's callback: nonce, PKCE verifier, browser binding) and a `ticket` (between the callback
 * and the console's `complete`). Keyed by the SHA-256 of the value handed out, never the value.
 */
@Entity('oauth_states')
export class OAuthStateEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: OAuthRecordKind;

  @Column({ name: 'provider_id', type: 'varchar', length: 36 })
  providerId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  nonce!: string | null;

  /** The PKCE code_verifier, sealed with the master key. */
  @Column({ name: 'code_verifier_enc', type: 'text', nullable: true })
  codeVerifierEnc!: string | null;

  /** SHA-256 of the cookie value that binds the state to the browser that started the login. */
  @Column({ name: 'browser_binding', type: 'varchar', length: 64, nullable: true })
  browserBinding!: string | null;

  @Column({ name: 'redirect_uri', type: 'varchar', length: 1024, nullable: true })
  redirectUri!: string | null;

  @Column({ name: 'return_to', type: 'varchar', length: 1024, nullable: true })
  returnTo!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintNumber })
  expiresAt!: number;
}
