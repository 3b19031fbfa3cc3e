// SHORTCUT for big listing buckets (--populate sql): instead of one PUT per key, clone the row of
// one object written through S3 into N rows, straight into the metadata database while the
// server is stopped. The rows are copies of a real row (whatever columns the schema has today),
// with a fresh id, the key changed and an empty manifest (no blob: these are 0-byte objects).
// Only ListObjects is measured on them. Use PUTs (the default) when in doubt.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const BATCH = 1000;

/** Inserts keys [from, to) as copies of the row of `templateKey`; `progress(done)` now and then. */
export async function populateSql({ databaseUrl, dataDir, bucketTemplateKey, keyOf, from, to, keepTemplate = false, progress }) {
  if (databaseUrl) return populatePostgres({ databaseUrl, bucketTemplateKey, keyOf, from, to, keepTemplate, progress });
  return populateSqlite({ file: join(dataDir, 'metadata.sqlite'), bucketTemplateKey, keyOf, from, to, keepTemplate, progress });
}

function cloneRows(template, keyOf, from, n) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    const row = { ...template, id: randomUUID(), key: keyOf(from + i) };
    if ('manifest' in row) row.manifest = '[]';
    rows.push(row);
  }
  return rows;
}

function populateSqlite({ file, bucketTemplateKey, keyOf, from, to, keepTemplate, progress }) {
  const Database = require('better-sqlite3');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const template = db.prepare('SELECT * FROM objects WHERE key = ?').get(bucketTemplateKey);
    if (!template) throw new Error(`populate sql: template object ${bucketTemplateKey} not found`);
    const cols = Object.keys(template);
    const insert = db.prepare(`INSERT INTO objects (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
    const insertMany = db.transaction((rows) => {
      for (const r of rows) insert.run(r);
    });
    for (let i = from; i < to; i += BATCH) {
      const n = Math.min(BATCH, to - i);
      insertMany(cloneRows(template, keyOf, i, n));
      progress?.(i + n);
    }
    if (!keepTemplate) db.prepare('DELETE FROM objects WHERE key = ?').run(bucketTemplateKey);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

async function populatePostgres({ databaseUrl, bucketTemplateKey, keyOf, from, to, keepTemplate, progress }) {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT * FROM objects WHERE key = $1', [bucketTemplateKey]);
    if (rows.length === 0) throw new Error(`populate sql: template object ${bucketTemplateKey} not found`);
    const template = rows[0];
    const cols = Object.keys(template);
    for (let i = from; i < to; i += BATCH) {
      const n = Math.min(BATCH, to - i);
      const batch = cloneRows(template, keyOf, i, n);
      const values = [];
      const tuples = batch.map((r, k) => `(${cols.map((c, j) => (values.push(r[c]), `$${k * cols.length + j + 1}`)).join(', ')})`);
      await client.query(`INSERT INTO objects (${cols.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`, values);
      progress?.(i + n);
    }
    if (!keepTemplate) await client.query('DELETE FROM objects WHERE key = $1', [bucketTemplateKey]);
    await client.query('ANALYZE objects');
  } finally {
    await client.end();
  }
}
