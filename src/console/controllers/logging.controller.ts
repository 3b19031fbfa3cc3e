import { Body, HttpCode, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { ConsolePrincipal } from '../../auth/auth.types';
import { LogTargetsService } from '../../logging/log-targets.service';
import { Audit, ConsoleController, CurrentPrincipal, Roles } from '../decorators';
import { TestFileDto, TestHttpDto, TestSyslogDto } from '../dto/logging.dto';
import { ok } from '../http/responses';
import { OPS_AUDIT_ACTION as A, OPS_AUDIT_RESOURCE as R } from '../ops.constants';

/**
 * Tests of the log targets (global admins): each really sends one line. A target that cannot be
 * reached is an answer (200, `sent: false` with the error), not a failure of the request.
 */
@ConsoleController('logging', 'logging')
@Roles('admin')
export class LoggingController {
  constructor(private readonly targets: LogTargetsService) {}

  @Post('test-syslog')
  @HttpCode(200)
  @Audit(R.logging, A.testSyslog)
  @ApiOperation({ summary: 'Send one RFC 5424 line to a syslog server (udp, or tcp with octet counting)' })
  async testSyslog(@CurrentPrincipal() p: ConsolePrincipal, @Body() dto: TestSyslogDto) {
    const r = await this.targets.testSyslog(p, dto);
    return ok({
      sent: r.sent,
      protocol: r.protocol,
      host: r.host,
      port: r.port,
      bytes: r.bytes,
      message: r.line,
      duration_ms: r.durationMs,
      ...(r.error ? { error: r.error } : {}),
    });
  }

  @Post('test-http')
  @HttpCode(200)
  @Audit(R.logging, A.testHttp)
  @ApiOperation({ summary: 'POST one JSON log line to a URL; answers the status it got' })
  async testHttp(@CurrentPrincipal() p: ConsolePrincipal, @Body() dto: TestHttpDto) {
    const r = await this.targets.testHttp(p, dto);
    return ok({
      sent: r.sent,
      url: r.url,
      ok: r.ok,
      ...(r.status !== undefined ? { status: r.status, status_text: r.statusText } : {}),
      duration_ms: r.durationMs,
      ...(r.error ? { error: r.error } : {}),
    });
  }

  @Post('test-file')
  @HttpCode(200)
  @Audit(R.logging, A.testFile)
  @ApiOperation({ summary: 'Append one JSON log line to a file under DATA_DIR/logs (paths leaving it are refused)' })
  async testFile(@CurrentPrincipal() p: ConsolePrincipal, @Body() dto: TestFileDto) {
    const r = await this.targets.testFile(p, dto);
    return ok({ written: r.written, path: r.path, bytes: r.bytes });
  }
}
