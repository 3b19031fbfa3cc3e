/**
 * Identity policies the server itself defines. Identity policies only ever apply inside the caller's
 * own tenant (AuthorizationService), so "everything" here means "everything in my tenant".
 */
import { parsePolicy } from './parse-policy';
import type { PolicyDocument } from './policy.types';

/**
 * The name under which the TenantFullAccess migration attached {@link TENANT_FULL_ACCESS_JSON} to
 * every tenant user that had no policy when the default became deny (see README, "Access decisions").
 */
export const TENANT_FULL_ACCESS_POLICY_NAME = 'tenant-full-access';

/** Full access to the tenant's buckets and objects: the tenant-admin role's built-in policy. */
export const TENANT_FULL_ACCESS_JSON = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'TenantFullAccess', Effect: 'Allow', Action: 's3:*', Resource: '*' }],
});

export const TENANT_FULL_ACCESS: PolicyDocument = parsePolicy(TENANT_FULL_ACCESS_JSON, 'identity');
