/**
 * Whether an error means the disk (or the user's quota on it) is full: a blob write refused with
 * ENOSPC/EDQUOT, or SQLite unable to grow its file or write-ahead log (SQLITE_FULL).
 */
export function isStorageFull(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT' || (typeof code === 'string' && code.startsWith('SQLITE_FULL'))) return true;
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}
