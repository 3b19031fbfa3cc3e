import type { UserRole } from '../iam/entities/user.entity';

/** What role resolution needs of a group mapping. */
export interface MappingRule {
  id: string;
  externalGroup: string;
  role: UserRole;
  tenantId: string | null;
  priority: number;
  createdAt: number;
}

/** The role and tenant a user gets, and why. */
export interface RoleAssignment {
  role: UserRole;
  tenantId: string | null;
  /** The mapping that decided it; null when the provider's default role applied. */
  mappingId: string | null;
}

const RANK: Record<UserRole, number> = { admin: 3, 'tenant-admin': 2, user: 1 };

/** Case-insensitive, DN spacing normalized: `CN=Admins, DC=Example` equals `cn=admins,dc=example`. */
export function normalizeGroup(g: string): string {
  return g
    .trim()
    .toLowerCase()
    .replace(/\s*,\s*/g, ',')
    .replace(/\s*=\s*/g, '=');
}

/** The value of a DN's first RDN (`cn=admins,ou=groups,…` → `admins`), or null when `g` is no DN. */
export function firstRdnValue(g: string): string | null {
  const m = /^\s*[A-Za-z][\w-]*\s*=\s*((?:\\.|[^,\\])+)(?:,|$)/.exec(g);
  return m ? m[1].replace(/\\(.)/g, '$1').trim() : null;
}

/** Whether a mapping's external group names one of the user's groups: by the full value (DN, claim), or by a DN's first RDN value (cn). */
export function groupMatches(mappingGroup: string, userGroup: string): boolean {
  const m = normalizeGroup(mappingGroup);
  if (m === normalizeGroup(userGroup)) return true;
  const short = firstRdnValue(userGroup);
  return short !== null && m === normalizeGroup(short);
}

/**
 * The role and tenant of a user from their groups: among the mappings that match one of the
 * groups, the highest role wins (admin > tenant-admin > user), then the higher priority, then the
 * older mapping. No match: the fallback (the provider's default role, when it has one and
 * auto-create is on), else null — the user is refused, never given a default admin.
 */
export function resolveAssignment(
  groups: readonly string[],
  mappings: readonly MappingRule[],
  fallback: { role: Exclude<UserRole, 'admin'>; tenantId: string } | null = null,
): RoleAssignment | null {
  const matching = mappings.filter((m) => groups.some((g) => groupMatches(m.externalGroup, g)));
  if (matching.length === 0) return fallback ? { role: fallback.role, tenantId: fallback.tenantId, mappingId: null } : null;
  const best = [...matching].sort((a, b) => RANK[b.role] - RANK[a.role] || b.priority - a.priority || a.createdAt - b.createdAt)[0];
  return { role: best.role, tenantId: best.role === 'admin' ? null : best.tenantId, mappingId: best.id };
}
