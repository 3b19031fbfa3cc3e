/**
 * Whether an error means the metadata database cannot be used right now (connection lost or
 * refused, server shutting down, file unreadable), as opposed to a bug or a refused query.
 * The protocol layers answer these with 503 and Retry-After: the client's request was fine.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let e: unknown = err, depth = 0;
    e && depth < 4;
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause, depth++
  ) {
    if (matches(e)) return true;
  }
  return false;
}

/** PostgreSQL SQLSTATE classes and codes that mean "not reachable now". */
const PG_UNAVAILABLE = /^(08|57P0[123]|53300|3D000)/;
/** better-sqlite3 codes for a database file that cannot be read or written. */
const SQLITE_UNAVAILABLE = /^SQLITE_(CANTOPEN|IOERR|CORRUPT|NOTADB|BUSY|LOCKED|READONLY)/;
/** Errors of the pg driver and of Node sockets when the server went away. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const CONNECTION_MESSAGES =
  /Connection terminated|not queryable|Cannot use a pool after calling end|timeout exceeded when trying to connect|database connection is not open|Connection is not established|terminating connection due to administrator command|not currently accepting connections|the database system is (starting up|shutting down|in recovery mode)/i;

function matches(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (PG_UNAVAILABLE.test(code) || SQLITE_UNAVAILABLE.test(code) || CONNECTION_CODES.has(code))) {
    // A socket code is only the database's when it comes from the database driver (see isDatabaseUnavailable's callers).
    return true;
  }
  const name = (e as { name?: unknown }).name;
  const message = (e as { message?: unknown }).message;
  return typeof message === 'string' && (CONNECTION_MESSAGES.test(message) || name === 'ConnectionIsNotSetError');
}
