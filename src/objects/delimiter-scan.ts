import type { SqlBuilder } from '../database/row-statements';

/**
 * ListObjects with a delimiter in one statement: a recursive query walks the listing index
 * (bucket_id, is_latest, is_delete_marker, key) one seek per entry. After a key it seeks to the
 * next key after it; after a key that rolls up into a common prefix P, to the first key after
 * P + U+10FFFF, past every other key of that "directory" without reading them. A page of n
 * entries costs n index seeks whatever the directories hold, and one round trip.
 *
 * Each result row is one entry in key order: `list_key` (the first key of a common prefix, or an
 * object's key) with the object's columns (LEFT JOIN, only for an object: NULL for a common prefix).
 * Parameters: bucketId, cursor (start after it, or at it when `inclusive`), upper (exclusive
 * bound, when `bounded`: the prefix's end), plen and dlen (prefix and delimiter length in
 * characters), delimiter, maxChar (U+10FFFF), limit (entries at most).
 *
 * Lengths and positions are in characters (code points) in both databases, and keys compare in
 * byte order: SQLite's BINARY collation, COLLATE "C" on PostgreSQL (as the key column is declared).
 */
export function delimiterScanSql(q: SqlBuilder, bounded: boolean, inclusive: boolean): string {
  const pg = q.dialect === 'postgres';
  const int = (name: string) => (pg ? `${q.param(name)}::int` : q.param(name));
  const text = (name: string) => (pg ? `${q.param(name)}::text` : q.param(name));
  const collate = pg ? ' COLLATE "C"' : '';
  const instr = (hay: string, needle: string) => (pg ? `strpos(${hay}, ${needle})` : `instr(${hay}, ${needle})`);
  const listed = (a: string) => `${a}."bucket_id" = ${text('bucketId')} AND ${a}."is_latest" = TRUE AND ${a}."is_delete_marker" = FALSE`;
  const scope = (a: string) => listed(a) + (bounded ? ` AND ${a}."key" < ${text('upper')}${collate}` : '');
  // The cursor after entry k: past its common prefix when it has one, else k itself.
  const cursorAfter = (k: string) => {
    const at = instr(`substr(${k}, ${int('plen')} + 1)`, text('delimiter'));
    return `CASE WHEN ${at} > 0 THEN substr(${k}, 1, ${int('plen')} + ${at} - 1 + ${int('dlen')}) || ${text('maxChar')} ELSE ${k} END`;
  };
  const seek = (op: string, from: string) =>
    `(SELECT s."key" FROM "objects" s WHERE ${scope('s')} AND s."key" ${op} ${from}${collate} ORDER BY s."key" LIMIT 1)`;
  // t(k, n): entry n starts at key k (NULL: no more keys). Only an entry whose cursor is its own
  // key is an object; its row is joined. A common prefix joins on NULL: no index lookup at all.
  return (
    `WITH RECURSIVE t(k, n) AS (` +
    `SELECT ${seek(inclusive ? '>=' : '>', text('cursor'))}, 1` +
    ` UNION ALL ` +
    `SELECT ${seek('>', `(${cursorAfter('t.k')})`)}, t.n + 1 FROM t WHERE t.k IS NOT NULL AND t.n < ${int('limit')}` +
    `) SELECT t.k AS list_key, ${q.columns('o')} FROM t LEFT JOIN "objects" o ON ${listed('o')} AND o."key" = (CASE WHEN (${cursorAfter('t.k')}) = t.k THEN t.k END)` +
    ` WHERE t.k IS NOT NULL ORDER BY t.n`
  );
}
