import { Get, Inject } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { HealthService } from '../../health/health.service';
import { ConsoleController, NoAudit, Public } from '../decorators';
import { ok } from '../http/responses';
import { SERVER_PACKAGE } from '../version';

const startedAt = Date.now();

/** Version (MaxIOFS), info and health (Strix): public, no token. */
@ConsoleController('', 'system')
export class SystemController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly health: HealthService,
  ) {}

  @Get('version')
  @Public()
  @NoAudit()
  @ApiOperation({ summary: 'Server version' })
  version() {
    const v = { name: SERVER_PACKAGE.name, version: SERVER_PACKAGE.version, node_version: process.version };
    return ok(v, { ...v });
  }

  @Get('info')
  @Public()
  @NoAudit()
  @ApiOperation({ summary: 'Server info (Strix): version, commit, mode, uptime, region' })
  info() {
    const info = {
      version: SERVER_PACKAGE.version,
      commit: 'unknown',
      mode: 'standalone',
      uptime: Math.floor((Date.now() - startedAt) / 1000),
      region: this.config.region,
    };
    return ok(info, { ...info });
  }

  @Get('health')
  @Public()
  @NoAudit()
  @ApiOperation({ summary: 'Liveness (Strix); /ready checks the database and the disk' })
  healthCheck() {
    const h = this.health.live();
    return ok(h, { ...h });
  }
}
