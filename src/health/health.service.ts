import { Injectable } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DatabaseService } from '../database/database.service';
import { BlobStore } from '../storage/blob-store.service';

/** Liveness and readiness, shared by the S3 port and the console port. */
@Injectable()
export class HealthService {
  private shuttingDown = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly db: DatabaseService,
    private readonly blobs: BlobStore,
  ) {}

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  /** Liveness: the process answers. */
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and the data directory takes writes. Throws 503 otherwise. */
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      async () => {
        const i = this.indicator.check('database');
        try {
          await this.db.ping();
          return i.up();
        } catch (err) {
          return i.down({ message: String(err) });
        }
      },
      async () => {
        const i = this.indicator.check('storage');
        try {
          await this.blobs.checkWritable();
          return i.up();
        } catch (err) {
          return i.down({ message: String(err) });
        }
      },
      async () => {
        const i = this.indicator.check('lifecycle');
        return this.shuttingDown ? i.down({ message: 'shutting down' }) : i.up();
      },
    ]);
  }
}
