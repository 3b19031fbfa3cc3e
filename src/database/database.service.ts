import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { open } from 'node:fs/promises';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, QueryRunner, Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RowStatements, type SqlBuilder } from './row-statements';

export const DATA_SOURCE = Symbol('DATA_SOURCE');

/** Transactions merged into one SQLite COMMIT at most (each still has its own savepoint). */
const MAX_GROUP = 128;

interface PendingTx {
  fn: (m: EntityManager) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * The one door to the metadata database. Writes go through tx().
 *
 * PostgreSQL: a real transaction per call, from the pool.
 *
 * SQLite (one connection shared by the process): transactions are queued and run one after the
 * other, because two interleaved BEGINs on one connection would merge. The queue is drained in
 * groups: the transactions waiting when a group starts run inside one BEGIN … COMMIT, each in its
 * own savepoint, so one that fails is rolled back alone and the others commit (group commit).
 * With FSYNC on, the connection runs `synchronous = NORMAL` and durability comes from an
 * fdatasync of the WAL in the thread pool after the COMMIT: no tx() promise resolves before the
 * sync that covers its COMMIT has finished, and one sync covers every COMMIT made before it
 * started. The event loop never blocks on a disk flush, and concurrent writers share flushes.
 * (Other requests on the same connection can read a committed row a few milliseconds before it is
 * durable; nothing that depends on it — the writer's 200, a blob deletion after tx() — happens
 * before the sync.)
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  readonly isPostgres: boolean;
  private readonly walFile: string | null;
  private readonly queue: PendingTx[] = [];
  private draining: Promise<void> | null = null;
  private syncInFlight: Promise<void> | null = null;
  private syncQueued: Promise<void> | null = null;
  private readonly pendingSyncs = new Set<Promise<unknown>>();
  private readonly rows: RowStatements;

  constructor(
    @Inject(DATA_SOURCE) readonly dataSource: DataSource,
    @Optional() @Inject(APP_CONFIG) config?: Pick<AppConfig, 'fsync'>,
  ) {
    this.isPostgres = dataSource.options.type === 'postgres';
    this.rows = new RowStatements(dataSource);
    const file = this.isPostgres ? null : (dataSource.options.database as string | undefined);
    this.walFile = config?.fsync && file && file !== ':memory:' ? `${file}-wal` : null;
  }

  /**
   * Hot-path point lookup (see RowStatements): the row whose columns equal `where`, read in `m`'s
   * transaction when given. Same result as `findOneBy`, without rebuilding the SQL each time.
   */
  findOne<T extends ObjectLiteral>(entity: EntityTarget<T>, where: NoInfer<Partial<T>>, m?: EntityManager): Promise<T | null> {
    return this.rows.findOne(entity, where, m);
  }

  /** Hot-path INSERT of whole rows in `m`'s transaction (see RowStatements). */
  insert<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, rows: NoInfer<T>[]): Promise<void> {
    return this.rows.insert(m, entity, rows);
  }

  /** INSERT of a batch of rows of one entity in one statement (see RowStatements.insertMany). */
  insertMany<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, rows: NoInfer<T>[]): Promise<void> {
    return this.rows.insertMany(m, entity, rows);
  }

  /** PostgreSQL: DELETE rows and INSERT others in one statement; returns the deleted rows (see RowStatements.deleteThenInsert). */
  deleteThenInsert<T extends ObjectLiteral>(
    m: EntityManager,
    entity: EntityTarget<T>,
    where: NoInfer<Partial<T>>,
    items: Array<{ entity: EntityTarget<ObjectLiteral>; rows: ObjectLiteral[] }>,
    alsoSql?: string,
  ): Promise<T[]> {
    return this.rows.deleteThenInsert(m, entity, where, items, alsoSql);
  }

  /** Hot-path INSERT of rows of several entities in `m`'s transaction: one round trip on PostgreSQL (see RowStatements). */
  insertAll(m: EntityManager, items: Array<{ entity: EntityTarget<ObjectLiteral>; rows: ObjectLiteral[] }>): Promise<void> {
    return this.rows.insertAll(m, items);
  }

  /** Hot-path DELETE by column values in `m`'s transaction (see RowStatements); returns the rows removed. */
  delete<T extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<T>, where: NoInfer<Partial<T>>): Promise<number> {
    return this.rows.delete(m, entity, where);
  }

  /** Hot-path SELECT with SQL built once per shape (see RowStatements.select). */
  select<T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    shapeKey: string,
    build: (sql: SqlBuilder) => string,
    params: Record<string, unknown>,
    m?: EntityManager,
  ): Promise<Array<{ raw: Record<string, unknown>; entity: () => T | null }>> {
    return this.rows.select(entity, shapeKey, build, params, m);
  }

  repo<T extends ObjectLiteral>(entity: EntityTarget<T>): Repository<T> {
    return this.dataSource.getRepository(entity);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Runs fn in a transaction; on SQLite, queued and group-committed (see the class comment). */
  tx<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) return this.dataSource.transaction(fn);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.draining ??= this.drain();
    });
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  async onApplicationShutdown(): Promise<void> {
    while (this.draining) await this.draining;
    await Promise.allSettled([...this.pendingSyncs]);
    await this.rows.close();
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
      this.logger.log('database closed');
    }
  }

  /** Runs groups until the queue is empty; `draining` is cleared in the same tick the queue is seen empty. */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length) await this.runNextGroup();
    } finally {
      this.draining = null;
    }
  }

  private async runNextGroup(): Promise<void> {
    const group = this.queue.splice(0, MAX_GROUP);
    const runner = this.dataSource.createQueryRunner();
    let outcomes: Outcome[];
    try {
      outcomes = await this.runGroup(runner, group);
    } catch (err) {
      for (const job of group) job.reject(err);
      return;
    }
    const settle = () => group.forEach((job, i) => settleJob(job, outcomes[i]));
    if (!this.walFile) return settle();
    // Not awaited: the next group runs while this one's flush is in the thread pool.
    const synced = this.durable().then(settle, (err: unknown) => {
      this.logger.error(`fdatasync of the SQLite WAL failed: ${String(err)}`);
      for (const job of group) job.reject(err);
    });
    this.pendingSyncs.add(synced);
    void synced.finally(() => this.pendingSyncs.delete(synced));
  }

  /**
   * BEGIN; each job in a savepoint of its own; COMMIT. The savepoints are set on the connection
   * directly (a synchronous exec, where TypeORM's nested transaction() cost two statements
   * through its query path and four awaited event broadcasts per job); a job still gets the
   * runner's EntityManager, and a transaction it nests itself is TypeORM's as before.
   */
  private async runGroup(runner: QueryRunner, group: PendingTx[]): Promise<Outcome[]> {
    await runner.startTransaction();
    const outcomes: Outcome[] = [];
    const conn = this.sqliteConnection();
    try {
      for (const job of group) {
        try {
          conn.exec('SAVEPOINT job');
          let value: unknown;
          try {
            value = await job.fn(runner.manager);
          } catch (error) {
            // Undo the job alone, unless SQLite already ended the whole transaction (see below).
            if (conn.inTransaction) conn.exec('ROLLBACK TO job; RELEASE job');
            throw error;
          }
          conn.exec('RELEASE job');
          outcomes.push({ ok: true, value });
        } catch (error) {
          outcomes.push({ ok: false, error });
          // Some errors (disk full, I/O) make SQLite roll back the whole transaction, not just
          // the savepoint: the group cannot commit, and the next job must not run outside it.
          if (!this.connectionInTransaction()) throw error;
        }
      }
      await runner.commitTransaction();
      return outcomes;
    } catch (err) {
      // A failed COMMIT (disk full, I/O error) or an error SQLite answered by rolling back the
      // whole transaction: nothing of the group is kept, and every caller learns it.
      await runner.rollbackTransaction().catch(() => resetRunner(runner));
      throw err;
    }
  }

  /** The better-sqlite3 connection under TypeORM's driver. */
  private sqliteConnection(): { exec(sql: string): unknown; inTransaction: boolean } {
    return (this.dataSource.driver as unknown as { databaseConnection: { exec(sql: string): unknown; inTransaction: boolean } })
      .databaseConnection;
  }

  private connectionInTransaction(): boolean {
    const driver = this.dataSource.driver as unknown as { databaseConnection?: { inTransaction?: boolean } };
    return driver.databaseConnection?.inTransaction !== false;
  }

  /**
   * Resolves once an fdatasync of the WAL that started after this call has finished. One flush
   * runs at a time; callers arriving during it share the next one.
   */
  private durable(): Promise<void> {
    if (this.syncQueued) return this.syncQueued;
    const start = (): Promise<void> => {
      this.syncQueued = null;
      const run = this.syncWal();
      this.syncInFlight = run;
      return run.finally(() => {
        if (this.syncInFlight === run) this.syncInFlight = null;
      });
    };
    if (!this.syncInFlight) return start();
    this.syncQueued = this.syncInFlight.catch(() => undefined).then(start);
    return this.syncQueued;
  }

  private async syncWal(): Promise<void> {
    const handle = await open(this.walFile!, 'r');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }
}

function settleJob(job: PendingTx, outcome: Outcome): void {
  if (outcome.ok) job.resolve(outcome.value);
  else job.reject(outcome.error);
}

/** After SQLite ended the transaction on its own, TypeORM's runner still thinks one is open. */
function resetRunner(runner: QueryRunner): void {
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
  state.isTransactionActive = false;
  state.transactionDepth = 0;
}
