import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/**
 * The audit trail, shared by every layer that records: the console (every action) and the S3
 * layer (mutations and denials, through AuditService.recordS3). Global so that any module can
 * inject AuditService without importing this one.
 */
@Global()
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
