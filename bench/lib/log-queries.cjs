// Preloaded into the server by bench/round-trips.mjs (node --require): appends every SQL
// statement sent to PostgreSQL (pg) or run on SQLite (better-sqlite3) to $QUERY_LOG, one a line.
const { appendFileSync } = require('node:fs');
const file = process.env.QUERY_LOG;
const log = (sql) => appendFileSync(file, String(sql).replace(/\s+/g, ' ').slice(0, 300) + '\n');
try {
  const pg = require('pg');
  for (const proto of [pg.Client.prototype]) {
    const query = proto.query;
    proto.query = function (q, ...rest) {
      log(typeof q === 'string' ? q : q && q.text);
      return query.call(this, q, ...rest);
    };
  }
} catch {}
try {
  const Database = require('better-sqlite3');
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (sql, ...rest) {
    const stmt = prepare.call(this, sql, ...rest);
    for (const m of ['run', 'get', 'all', 'iterate']) {
      const f = stmt[m];
      stmt[m] = function (...a) {
        log(sql);
        return f.apply(this, a);
      };
    }
    return stmt;
  };
  const exec = Database.prototype.exec;
  Database.prototype.exec = function (sql) {
    log(sql);
    return exec.call(this, sql);
  };
} catch {}
