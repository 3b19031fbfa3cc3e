import { createHash } from 'node:crypto';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import { PgReadPipeline, type PgNamedQuery, type PgPoolLike, type PgQueryResult } from './pg-read-pipeline';
import { sqliteValue } from './sqlite-parameters';

/** The part of a pg Client or Pool used here. */
interface PgQueryable {
  query(q: PgNamedQuery): Promise<PgQueryResult>;
}

/** Pipelined connections of the autocommit reads on PostgreSQL (see PgReadPipeline). */
const READ_PIPELINE_CONNECTIONS = 2;

interface Shape {
  sql: string;
  columns: ColumnMetadata[];
  /** Name of the prepared statement on PostgreSQL connections. */
  name: string;
  /** select(): the parameter names in the order the SQL binds them. */
  params?: string[];
}

/** What select()'s SQL builder is given. */
export interface SqlBuilder {
  dialect: 'sqlite' | 'postgres';
  /** The entity's columns, qualified with a table alias, comma-separated. */
  columns(alias: string): string;
  /** The placeholder of a named parameter. */
  param(name: string): string;
}

/**
 * Point lookups and plain inserts for the request hot path. TypeORM rebuilds the SQL of every
 * find and insert through its query builders (about a third of the CPU of a small-object request
 * was spent there); here the SQL of each shape — entity, where-columns (and which are NULL),
 * inserted columns — is built once from the same entity metadata and reused, and rows are
 * hydrated with the driver's own conversions and the columns' transformers, so the results are
 * the entities TypeORM would return. Anything richer (ordering, locks, relations) stays on
 * TypeORM.
 */
export class RowStatements {
  private readonly shapes = new Map<string, Shape>();
  private readonly sqlite: boolean;
  private readonly postgres: boolean;
  /** PostgreSQL: where statements outside a transaction go (opened on first use). */
  private pipeline?: PgReadPipeline;
  private closed = false;

  constructor(private readonly dataSource: DataSource) {
    this.sqlite = dataSource.options.type === 'better-sqlite3' || dataSource.options.type === 'sqlite';
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** The row whose columns equal `where` (undefined entries are ignored, null means IS NULL), or null. */
  async findOne<T extends ObjectLiteral>(entity: EntityTarget<T>, where: NoInfer<Partial<T>>, m?: EntityManager): Promise<T | null> {
    const meta = this.dataSource.getMetadata(entity);
    const keys = Object.keys(where).filter((k) => where[k] !== undefined);
    const shapeKey = `find:${meta.name}:${keys.map((k) => (where[k] === null ? `${k}=null` : k)).join(',')}`;
    const shape = this.shape(shapeKey, () => {
      const columns = keys.map((k) => this.column(meta, k));
      const conditions = columns.map((c, i) =>
        where[keys[i]] === null ? `${this.name(c)} IS NULL` : `${this.name(c)} = ${this.param(i)}`,
      );
      const selected = meta.columns.map((c) => this.name(c)).join(', ');
      return { sql: `SELECT ${selected} FROM ${this.table(meta)} WHERE ${conditions.join(' AND ') || '1 = 1'} LIMIT 1`, columns };
    });
    const params = shape.columns.filter((_, i) => where[keys[i]] !== null).map((c) => this.persistent(where[c.propertyName], c));
    // A point lookup: short enough to share a pipelined connection without holding others up.
    const { rows } = await this.run(m, shape, params, true);
    return rows.length ? this.hydrate<T>(meta, rows[0]) : null;
  }

  /** INSERT of rows (one statement per row); columns left undefined take their database default. */
  async insert<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, rows: NoInfer<T>[]): Promise<void> {
    const meta = this.dataSource.getMetadata(entity);
    for (const row of rows) {
      const columns = meta.columns.filter((c) => c.getEntityValue(row) !== undefined);
      const shapeKey = `insert:${meta.name}:${columns.map((c) => c.propertyName).join(',')}`;
      const shape = this.shape(shapeKey, () => {
        const names = columns.map((c) => this.name(c)).join(', ');
        const values = columns.map((_, i) => this.param(i)).join(', ');
        return { sql: `INSERT INTO ${this.table(meta)} (${names}) VALUES (${values})`, columns };
      });
      await this.run(
        m,
        shape,
        shape.columns.map((c) => this.persistent(c.getEntityValue(row), c)),
      );
    }
  }

  /**
   * INSERT of many rows of one entity that set the same columns (as the first row), in one
   * statement (a batch: one round trip on PostgreSQL, one prepared statement per batch size);
   * rows that set other columns go one by one.
   */
  async insertMany<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, rows: NoInfer<T>[]): Promise<void> {
    if (rows.length < 2) return this.insert(m, entity, rows);
    const meta = this.dataSource.getMetadata(entity);
    const columns = meta.columns.filter((c) => c.getEntityValue(rows[0]) !== undefined);
    const same = rows.filter((r) => meta.columns.every((c) => (c.getEntityValue(r) !== undefined) === columns.includes(c)));
    const shapeKey = `insertMany:${meta.name}:${rows.length}:${columns.map((c) => c.propertyName).join(',')}`;
    if (same.length === rows.length) {
      const shape = this.shape(shapeKey, () => {
        const names = columns.map((c) => this.name(c)).join(', ');
        let n = 0;
        const tuples = rows.map(() => `(${columns.map(() => this.param(n++)).join(', ')})`).join(', ');
        return { sql: `INSERT INTO ${this.table(meta)} (${names}) VALUES ${tuples}`, columns };
      });
      const params: unknown[] = [];
      for (const row of rows) for (const c of shape.columns) params.push(this.persistent(c.getEntityValue(row), c));
      await this.run(m, shape, params);
      return;
    }
    await this.insert(m, entity, rows);
  }

  /**
   * PostgreSQL only: in one statement (one round trip), DELETE the rows of `entity` whose columns
   * equal `where`, then INSERT the rows of `items` (after the DELETE: a new row may take the key of
   * a deleted one), and run `alsoSql` (data-modifying SQL without parameters that may read the
   * deleted rows as `d`, e.g. to delete rows they referenced). Returns the deleted rows.
   */
  async deleteThenInsert<T extends ObjectLiteral>(
    m: EntityManager,
    entity: EntityTarget<T>,
    where: NoInfer<Partial<T>>,
    items: Array<{ entity: EntityTarget<ObjectLiteral>; rows: ObjectLiteral[] }>,
    alsoSql?: string,
  ): Promise<T[]> {
    if (!this.postgres) throw new Error('RowStatements.deleteThenInsert is for PostgreSQL');
    const meta = this.dataSource.getMetadata(entity);
    const keys = Object.keys(where).filter((k) => where[k] !== undefined);
    if (keys.length === 0 || keys.some((k) => where[k] === null))
      throw new Error('RowStatements.deleteThenInsert needs non-null conditions');
    const parts = items.flatMap(({ entity: e, rows }) => {
      const m2 = this.dataSource.getMetadata(e);
      return rows.map((row) => ({ meta: m2, row, columns: m2.columns.filter((c) => c.getEntityValue(row) !== undefined) }));
    });
    const shapeKey = `deleteThenInsert:${meta.name}:${keys.join(',')}:${parts
      .map((p) => `${p.meta.name}(${p.columns.map((c) => c.propertyName).join(',')})`)
      .join(';')}:${alsoSql ?? ''}`;
    const shape = this.shape(shapeKey, () => {
      const whereColumns = keys.map((k) => this.column(meta, k));
      let n = 0;
      const conditions = whereColumns.map((c) => `${this.name(c)} = $${++n}`).join(' AND ');
      const selected = meta.columns.map((c) => `d.${this.name(c)}`).join(', ');
      // (SELECT count(*) FROM d): the DELETE runs to completion before the first INSERT.
      const inserts = parts.map(({ meta: pm, columns }, i) => {
        const names = columns.map((c) => this.name(c)).join(', ');
        const values = columns.map(() => `$${++n}`).join(', ');
        return `w${i} AS (INSERT INTO ${this.table(pm)} (${names}) SELECT ${values} WHERE (SELECT count(*) FROM d) >= 0)`;
      });
      const also = alsoSql ? [`x AS (${alsoSql})`] : [];
      const sql = `WITH d AS (DELETE FROM ${this.table(meta)} WHERE ${conditions} RETURNING *), ${[...inserts, ...also].join(', ')} SELECT ${selected} FROM d`;
      return { sql, columns: [...whereColumns, ...parts.flatMap((p) => p.columns)] };
    });
    const params = [
      ...keys.map((k) => this.persistent(where[k], this.column(meta, k))),
      ...parts.flatMap(({ row, columns }) => columns.map((c) => this.persistent(c.getEntityValue(row), c))),
    ];
    const { rows } = await this.run(m, shape, params);
    return rows.map((raw) => this.hydrate<T>(meta, raw));
  }

  /**
   * INSERT of rows of several entities, in order. PostgreSQL: one statement, one round trip (the
   * inserts before the last run as data-modifying WITH clauses); SQLite: one statement per row.
   */
  async insertAll(m: EntityManager, items: Array<{ entity: EntityTarget<ObjectLiteral>; rows: ObjectLiteral[] }>): Promise<void> {
    const parts = items.flatMap(({ entity, rows }) => {
      const meta = this.dataSource.getMetadata(entity);
      return rows.map((row) => ({ meta, row, columns: meta.columns.filter((c) => c.getEntityValue(row) !== undefined) }));
    });
    if (!this.postgres || parts.length < 2) {
      for (const { meta, row } of parts) await this.insert(m, meta.target, [row]);
      return;
    }
    const shapeKey = `insertAll:${parts.map((p) => `${p.meta.name}(${p.columns.map((c) => c.propertyName).join(',')})`).join(';')}`;
    const shape = this.shape(shapeKey, () => {
      let n = 0;
      const statements = parts.map(({ meta, columns }) => {
        const names = columns.map((c) => this.name(c)).join(', ');
        const values = columns.map(() => `$${++n}`).join(', ');
        return `INSERT INTO ${this.table(meta)} (${names}) VALUES (${values})`;
      });
      const last = statements.pop()!;
      return { sql: `WITH ${statements.map((st, i) => `w${i} AS (${st})`).join(', ')} ${last}`, columns: parts.flatMap((p) => p.columns) };
    });
    await this.run(
      m,
      shape,
      parts.flatMap(({ row, columns }) => columns.map((c) => this.persistent(c.getEntityValue(row), c))),
    );
  }

  /** DELETE of the rows whose columns equal `where` (no NULL conditions); returns how many went. */
  async delete<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, where: NoInfer<Partial<T>>): Promise<number> {
    const meta = this.dataSource.getMetadata(entity);
    const keys = Object.keys(where).filter((k) => where[k] !== undefined);
    if (keys.length === 0 || keys.some((k) => where[k] === null)) throw new Error('RowStatements.delete needs non-null conditions');
    const shapeKey = `delete:${meta.name}:${keys.join(',')}`;
    const shape = this.shape(shapeKey, () => {
      const columns = keys.map((k) => this.column(meta, k));
      const conditions = columns.map((c, i) => `${this.name(c)} = ${this.param(i)}`);
      return { sql: `DELETE FROM ${this.table(meta)} WHERE ${conditions.join(' AND ')}`, columns };
    });
    const params = shape.columns.map((c) => this.persistent(where[c.propertyName], c));
    return (await this.run(m, shape, params)).affected;
  }

  /**
   * A hot-path SELECT whose SQL is built once per `shapeKey` and reused (a named prepared
   * statement on PostgreSQL). `build` writes the SQL: `columns(alias)` lists the entity's columns
   * under a table alias, `param(name)` places a named parameter (it may be used more than once),
   * `dialect` says which SQL functions to use. Each result row comes back raw, with `entity()`
   * hydrating it on demand (null when the row's primary column is NULL, as from a LEFT JOIN):
   * rows a caller only looks at cost no hydration.
   */
  async select<T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    shapeKey: string,
    build: (sql: SqlBuilder) => string,
    params: Record<string, unknown>,
    m?: EntityManager,
  ): Promise<Array<{ raw: Record<string, unknown>; entity: () => T | null }>> {
    const meta = this.dataSource.getMetadata(entity);
    const shape = this.shape(`select:${meta.name}:${shapeKey}`, () => {
      // Placeholders are marked while building and numbered in the order of the SQL text
      // (SQLite binds `?` by position), then each name gets its value.
      const marked = build({
        dialect: this.postgres ? 'postgres' : 'sqlite',
        columns: (alias) => meta.columns.map((c) => `${alias}.${this.name(c)}`).join(', '),
        param: (name) => `{{${name}}}`,
      });
      const order: string[] = [];
      const sql = marked.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
        if (this.postgres) {
          const at = order.indexOf(name);
          if (at >= 0) return `$${at + 1}`;
        }
        order.push(name);
        return this.postgres ? `$${order.length}` : '?';
      });
      return { sql, columns: [], params: order };
    });
    const values = shape.params!.map((n) => (this.sqlite ? sqliteValue(params[n]) : params[n]));
    const { rows } = await this.run(m, shape, values);
    const primary = meta.primaryColumns[0].databaseName;
    return rows.map((raw) => ({
      raw,
      entity: () => (raw[primary] === null || raw[primary] === undefined ? null : this.hydrate<T>(meta, raw)),
    }));
  }

  /**
   * Runs one statement in `m`'s transaction, or on its own without `m`. PostgreSQL: as a named
   * prepared statement on the pg connection itself (parsed and planned once per connection, where
   * TypeORM's unnamed statements are parsed and planned on every call); a point lookup without
   * `m` goes over the pipelined read connections (PgReadPipeline) rather than a pooled one.
   */
  private async run(
    m: EntityManager | undefined,
    shape: Shape,
    params: unknown[],
    pointLookup = false,
  ): Promise<{ rows: Record<string, unknown>[]; affected: number }> {
    if (!this.postgres) {
      const runner = m?.queryRunner ?? this.dataSource.createQueryRunner();
      const result = await runner.query(shape.sql, params, true);
      return { rows: Array.isArray(result.records) ? (result.records as Record<string, unknown>[]) : [], affected: result.affected ?? 0 };
    }
    const query = { name: shape.name, text: shape.sql, values: params };
    const inTx = m?.queryRunner as unknown as { connect(): Promise<PgQueryable> } | undefined;
    const target: PgQueryable = inTx ? await inTx.connect() : this.reads(pointLookup);
    const result = await target.query(query);
    return { rows: result.rows, affected: result.rowCount ?? 0 };
  }

  /** Ends the pipelined read connections (PostgreSQL), before the data source is destroyed. */
  async close(): Promise<void> {
    this.closed = true;
    const pipeline = this.pipeline;
    this.pipeline = undefined;
    await pipeline?.close();
  }

  /**
   * Point lookups: the read pipeline, opened on first use. Other statements (a listing page may
   * scan for milliseconds, and pipelined statements wait for the ones before them) and anything
   * after close(): the pool (which refuses once ended).
   */
  private reads(pointLookup: boolean): PgQueryable {
    const pool = (this.dataSource.driver as unknown as { master: PgPoolLike & PgQueryable }).master;
    if (this.closed || !pointLookup) return pool;
    return (this.pipeline ??= new PgReadPipeline(pool, READ_PIPELINE_CONNECTIONS));
  }

  /** The cached shape of `key`, built (with its statement name) on first use. */
  private shape(key: string, build: () => Omit<Shape, 'name'>): Shape {
    let shape = this.shapes.get(key);
    if (!shape) {
      const built = build();
      shape = { ...built, name: `os3_${createHash('sha1').update(built.sql).digest('hex').slice(0, 16)}` };
      this.shapes.set(key, shape);
    }
    return shape;
  }

  private hydrate<T>(meta: EntityMetadata, raw: Record<string, unknown>): T {
    const entity = meta.create() as T;
    for (const c of meta.columns)
      c.setEntityValue(entity as ObjectLiteral, this.dataSource.driver.prepareHydratedValue(raw[c.databaseName], c));
    return entity;
  }

  private persistent(value: unknown, column: ColumnMetadata): unknown {
    const v = this.dataSource.driver.preparePersistentValue(value, column) as unknown;
    return this.sqlite ? sqliteValue(v) : v;
  }

  private column(meta: EntityMetadata, property: string): ColumnMetadata {
    const c = meta.findColumnWithPropertyName(property);
    if (!c) throw new Error(`${meta.name} has no column ${property}`);
    return c;
  }

  private name(c: ColumnMetadata): string {
    return this.dataSource.driver.escape(c.databaseName);
  }

  private table(meta: EntityMetadata): string {
    return this.dataSource.driver.escape(meta.tableName);
  }

  private param(index: number): string {
    return this.dataSource.driver.createParameter(`p${index}`, index);
  }
}
