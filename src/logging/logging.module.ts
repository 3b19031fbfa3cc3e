import { Module } from '@nestjs/common';
import { LogTargetsService } from './log-targets.service';

/** Log targets (syslog, HTTP, file) configured in the logging settings, and their connection tests. */
@Module({ providers: [LogTargetsService], exports: [LogTargetsService] })
export class LoggingModule {}
