import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { SYSLOG_PROTOCOLS } from '../../settings/settings.catalog';
import type { SyslogProtocol } from '../../logging/log-targets.service';

export class TestSyslogDto {
  @ApiPropertyOptional({ description: 'Host name or IP address (default: the syslog_host setting)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @Matches(/^[A-Za-z0-9.:_-]+$/, { message: 'host must be a host name or an IP address' })
  host?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 65535, description: 'Default: the syslog_port setting (514)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({
    enum: SYSLOG_PROTOCOLS,
    description: 'udp (one datagram) or tcp (RFC 6587 octet counting); default: the syslog_protocol setting',
  })
  @IsOptional()
  @IsIn(SYSLOG_PROTOCOLS)
  protocol?: SyslogProtocol;
}

export class TestHttpDto {
  @ApiPropertyOptional({ description: 'http(s) URL that receives one JSON log line by POST (default: the http_log_url setting)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  url?: string;
}

export class TestFileDto {
  @ApiPropertyOptional({ description: 'File under DATA_DIR/logs, relative to it (default: the file_log_path setting)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  path?: string;
}
