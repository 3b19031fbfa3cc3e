import type { SqlBuilder } from '../database/row-statements';

/**
 * ListObjects with a delimiter in one statement: a recursive query walks the listing index
 * (bucket_id, is_latest, is_delete_marker, key) one seek per entry. After a key it seeks to the
 * next key after it; after a key that rolls up into a common prefix P, to the first key after
 * P + U+10FFFF, past every other key of that "directory" without reading them. A page of n
 * entries costs n index seeks whatever the directories hold, and one round trip.
 *
 * Each result row is one entry in key order: `list_key`, the first key of a common prefix or an
 * object's key — keys only, read from the index alone (no table row): materializing the rows of
 * a thousand common prefixes cost more than the seeks. The caller fetches the columns of the
 * entries that are objects (delimiterObjectsSql).
 * Parameters: bucketId, cursor (start after it, or at it when `inclusive`), upper (exclusive
 * bound, when `bounded`: the prefix's end), plen and dlen (prefix and delimiter length in
 * characters), delimiter, maxChar (U+10FFFF), limit (entries at most).
 *
 * Lengths and positions are in characters (code points) in both databases, and keys compare in
 * byte order: SQLite's BINARY collation, COLLATE "C" on PostgreSQL (as the key column is declared).
 */
export function delimiterScanSql(q: SqlBuilder, bounded: boolean, inclusive: boolean): string {
  const { int, text, collate, instr, listed } = dialectOf(q);
  const scope = (a: string) => listed(a) + (bounded ? ` AND ${a}."key" < ${text('upper')}${collate}` : '');
  // The cursor after entry k: past its common prefix when it has one, else k itself.
  const cursorAfter = (k: string) => {
    const at = instr(`substr(${k}, ${int('plen')} + 1)`, text('delimiter'));
    return `CASE WHEN ${at} > 0 THEN substr(${k}, 1, ${int('plen')} + ${at} - 1 + ${int('dlen')}) || ${text('maxChar')} ELSE ${k} END`;
  };
  const seek = (op: string, from: string) =>
    `(SELECT s."key" FROM "objects" s WHERE ${scope('s')} AND s."key" ${op} ${from}${collate} ORDER BY s."key" LIMIT 1)`;
  // t(k, n): entry n starts at key k (NULL: no more keys).
  return (
    `WITH RECURSIVE t(k, n) AS (` +
    `SELECT ${seek(inclusive ? '>=' : '>', text('cursor'))}, 1` +
    ` UNION ALL ` +
    `SELECT ${seek('>', `(${cursorAfter('t.k')})`)}, t.n + 1 FROM t WHERE t.k IS NOT NULL AND t.n < ${int('limit')}` +
    `) SELECT t.k AS "list_key" FROM t WHERE t.k IS NOT NULL ORDER BY t.n`
  );
}

/**
 * The first batch of a page with a delimiter: the next `limit` keys after (or at, when
 * `inclusive`) the cursor, below `upper` when `bounded` — a plain range scan of the listing index,
 * keys only (`list_key`). Pages of objects and of small "directories" end here; the columns of
 * the entries that are objects come from delimiterObjectsSql.
 * Parameters: bucketId, cursor, upper, limit.
 */
export function delimiterBatchSql(q: SqlBuilder, bounded: boolean, inclusive: boolean): string {
  const { int, text, collate } = dialectOf(q);
  return (
    `SELECT o."key" AS "list_key" FROM "objects" o WHERE o."bucket_id" = ${text('bucketId')} AND o."is_latest" = TRUE` +
    ` AND o."is_delete_marker" = FALSE AND o."key" ${inclusive ? '>=' : '>'} ${text('cursor')}${collate}` +
    (bounded ? ` AND o."key" < ${text('upper')}${collate}` : '') +
    ` ORDER BY o."key" LIMIT ${int('limit')}`
  );
}

/**
 * The rows of a page's objects (latest, not delete markers), in key order. `range`: the rows from
 * `first` to `last` inclusive (the caller keeps those it listed); otherwise the row of each key
 * of `keys` (a JSON array of strings on SQLite, an array on PostgreSQL), one index lookup each.
 */
export function delimiterObjectsSql(q: SqlBuilder, range: boolean): string {
  const { pg, text, collate, listed } = dialectOf(q);
  if (range) {
    return (
      `SELECT ${q.columns('o')} FROM "objects" o WHERE ${listed('o')}` +
      ` AND o."key" >= ${text('first')}${collate} AND o."key" <= ${text('last')}${collate} ORDER BY o."key"`
    );
  }
  // PostgreSQL plans `key = ANY(array)` as a filter over the bucket's rows, and a plain join on
  // the unnested keys as a merge join that reads the index from the bucket's first key: a
  // LATERAL lookup per key is an index probe each, whatever the bucket holds.
  return pg
    ? `SELECT o.* FROM unnest(${q.param('keys')}::text[]) WITH ORDINALITY AS u(k, i) CROSS JOIN LATERAL (` +
        `SELECT ${q.columns('s')} FROM "objects" s WHERE ${listed('s')} AND s."key" = u.k${collate} LIMIT 1) o ORDER BY u.i`
    : `SELECT ${q.columns('o')} FROM "objects" o WHERE ${listed('o')} AND o."key" IN (SELECT value FROM json_each(${q.param('keys')})) ORDER BY o."key"`;
}

function dialectOf(q: SqlBuilder) {
  const pg = q.dialect === 'postgres';
  const text = (name: string) => (pg ? `${q.param(name)}::text` : q.param(name));
  return {
    pg,
    int: (name: string) => (pg ? `${q.param(name)}::int` : q.param(name)),
    text,
    collate: pg ? ' COLLATE "C"' : '',
    instr: (hay: string, needle: string) => (pg ? `strpos(${hay}, ${needle})` : `instr(${hay}, ${needle})`),
    /** Rows of `alias` a listing shows: the bucket's latest versions that are not delete markers. */
    listed: (alias: string) =>
      `${alias}."bucket_id" = ${text('bucketId')} AND ${alias}."is_latest" = TRUE AND ${alias}."is_delete_marker" = FALSE`,
  };
}
