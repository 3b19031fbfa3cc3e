import { Module } from '@nestjs/common';
import { SecurityStatusService } from './security-status.service';

/** The security overview of the console (GET /api/v1/security/status). */
@Module({ providers: [SecurityStatusService], exports: [SecurityStatusService] })
export class SecurityModule {}
