import type { UserRole } from './entities/user.entity';

/** Who is calling: resolved from an access key (S3) or a token (console). */
export interface Principal {
  userId: string;
  username: string;
  role: UserRole;
  /** null for global users (root and global admins) */
  tenantId: string | null;
  /** The account part of the user's ARN: the tenant's name, '' for global users. */
  account: string;
  accessKeyId: string | null;
}

/** The caller of a request with no credentials that a policy or ACL let through. */
export const ANONYMOUS: Principal = Object.freeze({
  userId: 'anonymous',
  username: 'anonymous',
  role: 'user',
  tenantId: null,
  account: '',
  accessKeyId: null,
});
