import { Controller, Get } from '@nestjs/common';
import { HealthCheck } from '@nestjs/terminus';
import { HealthService } from './health.service';

/** /health and /ready on the console port (the S3 port serves the same through S3Server). */
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('health')
  live() {
    return this.health.live();
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.ready();
  }
}
