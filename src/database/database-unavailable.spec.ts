import { isDatabaseUnavailable } from './database-unavailable';

describe('isDatabaseUnavailable', () => {
  const withCode = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

  it.each([
    ['a terminated PostgreSQL backend', withCode('terminating connection due to administrator command', '57P01')],
    ['a lost socket to PostgreSQL', withCode('read ECONNRESET', 'ECONNRESET')],
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['pg losing its connection', new Error('Connection terminated unexpectedly')],
    ['a database refusing connections', withCode('database "x" is not currently accepting connections', '55000')],
    ['a dropped database', withCode('database "x" does not exist', '3D000')],
    ['an unreadable SQLite file', withCode('file is not a database', 'SQLITE_NOTADB')],
    ['a closed SQLite handle', new TypeError('The database connection is not open')],
    ['a wrapped driver error', Object.assign(new Error('query failed'), { driverError: withCode('x', 'SQLITE_IOERR_READ') })],
  ])('%s: yes', (_label, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', withCode('syntax error at or near', '42601')],
    ['a constraint failure on SQLite', withCode('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['nothing', undefined],
  ])('%s: no', (_label, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
