import { DomainError } from '../common/domain-error';

/** Object lock: the pure rules. Every comparison takes `now` from the injected Clock. */

export const LOCK_MODES = ['GOVERNANCE', 'COMPLIANCE'] as const;
export type LockMode = (typeof LOCK_MODES)[number];
export const isLockMode = (v: string): v is LockMode => (LOCK_MODES as readonly string[]).includes(v);

/** A version's retention: protected until `retainUntil` (epoch ms). */
export interface Retention {
  mode: LockMode;
  retainUntil: number;
}

/** The bucket's default retention rule, applied to every new version that names none. */
export interface DefaultRetention {
  mode: LockMode;
  days?: number;
  years?: number;
}

/** What a version carries of object lock (columns of the objects row). */
export interface LockState {
  lockMode: string | null;
  lockRetainUntil: number | null;
  legalHold: boolean | null;
}

/** Lock settings a write asks for (headers of PutObject, CopyObject, CreateMultipartUpload). */
export interface LockRequest {
  retention?: Retention;
  legalHold?: boolean;
}

export const retentionOf = (s: LockState): Retention | null =>
  s.lockMode && s.lockRetainUntil !== null && isLockMode(s.lockMode) ? { mode: s.lockMode, retainUntil: s.lockRetainUntil } : null;

/** A retention that still protects the version at `now`. */
export function activeRetention(s: LockState, now: Date): Retention | null {
  const r = retentionOf(s);
  return r && r.retainUntil > now.getTime() ? r : null;
}

/** The retain-until date the bucket's default rule gives a version written at `now` (calendar days/years, UTC). */
export function defaultRetainUntil(rule: DefaultRetention, now: Date): number {
  const d = new Date(now.getTime());
  if (rule.years) d.setUTCFullYear(d.getUTCFullYear() + rule.years);
  if (rule.days) d.setUTCDate(d.getUTCDate() + rule.days);
  return d.getTime();
}

export const PROTECTED_MESSAGE = 'Access Denied because object protected by object lock.';

/**
 * The one decision on removing a version for good (DeleteObject/DeleteObjects with a version
 * id, or replacing the null version): a legal hold always blocks; an active COMPLIANCE retention
 * blocks everyone, root included; an active GOVERNANCE retention blocks unless the caller may
 * bypass it (x-amz-bypass-governance-retention: true and, once IAM decides it,
 * s3:BypassGovernanceRetention). S3 answers these with AccessDenied, and so do we.
 */
export function assertRemovable(s: LockState, now: Date, canBypassGovernance: boolean, key: string): void {
  const retention = activeRetention(s, now);
  if (s.legalHold || (retention && (retention.mode === 'COMPLIANCE' || !canBypassGovernance))) {
    throw new DomainError('ProtectedByObjectLock', PROTECTED_MESSAGE, { key });
  }
}

/**
 * May a version's retention become `next` (null = removed)? Extending is always allowed. An active
 * COMPLIANCE retention can never be shortened, removed or turned into GOVERNANCE; an active
 * GOVERNANCE one only with the bypass. Refusals use the `ObjectLocked` code of the API reference
 * (403) where S3 itself answers AccessDenied: a retention overwrite is not an access decision.
 */
export function assertRetentionChange(s: LockState, next: Retention | null, now: Date, canBypassGovernance: boolean): void {
  const current = activeRetention(s, now);
  if (!current) return;
  const weakens = !next || next.retainUntil < current.retainUntil || next.mode !== current.mode;
  if (!weakens) return;
  if (current.mode === 'COMPLIANCE') {
    throw new DomainError('ObjectLocked', 'Object is protected by a COMPLIANCE retention that cannot be shortened, changed or removed.');
  }
  if (!canBypassGovernance) {
    throw new DomainError(
      'ObjectLocked',
      'Object is protected by a GOVERNANCE retention: shortening, changing or removing it requires x-amz-bypass-governance-retention.',
    );
  }
}
