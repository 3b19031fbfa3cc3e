import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';

export const DATA_SOURCE = Symbol('DATA_SOURCE');

/**
 * The one door to the metadata database. Writes go through tx(): on PostgreSQL a real
 * transaction per call; on SQLite (one connection shared by the process) transactions are
 * serialized by a queue, because two interleaved BEGINs on one connection would merge.
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  private tail: Promise<unknown> = Promise.resolve();
  readonly isPostgres: boolean;

  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {
    this.isPostgres = dataSource.options.type === 'postgres';
  }

  repo<T extends ObjectLiteral>(entity: EntityTarget<T>): Repository<T> {
    return this.dataSource.getRepository(entity);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Runs fn in a transaction; on SQLite, one at a time. */
  tx<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) return this.dataSource.transaction(fn);
    const run = this.tail.then(
      () => this.dataSource.transaction(fn),
      () => this.dataSource.transaction(fn),
    );
    this.tail = run.catch(() => undefined);
    return run;
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tail.catch(() => undefined);
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
      this.logger.log('database closed');
    }
  }
}
