import { constants as fsConstants } from 'node:fs';
import { lstat, mkdir, open, realpath } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { connect as connectTcp } from 'node:net';
import { hostname } from 'node:os';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { SettingsService } from '../settings/settings.service';
import { logFilePathProblem, SYSLOG_PROTOCOLS } from '../settings/settings.catalog';
import { formatRfc5424, frameOctetCounting, SYSLOG_SEVERITY } from './rfc5424';

/** Directory under DATA_DIR that file log targets may write to. */
export const LOG_DIR = 'logs';
export const APP_NAME = 'object-store';
const TIMEOUT_MS = 5_000;
const TEST_MSGID = 'TEST';

export type SyslogProtocol = (typeof SYSLOG_PROTOCOLS)[number];

export interface SyslogTestResult {
  sent: boolean;
  protocol: SyslogProtocol;
  host: string;
  port: number;
  bytes: number;
  /** The line that was sent. */
  line: string;
  durationMs: number;
  error?: string;
}

export interface HttpTestResult {
  sent: boolean;
  url: string;
  /** The endpoint's HTTP status, when it answered. */
  status?: number;
  statusText?: string;
  ok: boolean;
  durationMs: number;
  error?: string;
}

export interface FileTestResult {
  written: boolean;
  /** Relative to DATA_DIR/logs. */
  path: string;
  bytes: number;
}

/** Who asked for the test (put in the test line). */
export interface TestRequester {
  username: string;
}

/**
 * Checks the log targets of the logging settings by really sending one line: a syslog line (RFC
 * 5424, over UDP, or TCP with octet-counting framing), a JSON line POSTed to an HTTP endpoint, or
 * a JSON line appended to a file under DATA_DIR/logs (nothing outside it, no symlinks). Values not
 * given come from the settings.
 */
@Injectable()
export class LogTargetsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  async testSyslog(by: TestRequester, target: { host?: string; port?: number; protocol?: SyslogProtocol }): Promise<SyslogTestResult> {
    const host = target.host ?? String(this.settings.get('syslog_host'));
    const port = target.port ?? this.settings.getNumber('syslog_port');
    const protocol = target.protocol ?? (String(this.settings.get('syslog_protocol')) as SyslogProtocol);
    if (!host) throw new DomainError('InvalidInput', 'host is required (or set the syslog_host setting)');
    const line = formatRfc5424({
      time: this.clock.now(),
      severity: SYSLOG_SEVERITY.informational,
      hostname: hostname(),
      appName: APP_NAME,
      procId: process.pid,
      msgId: TEST_MSGID,
      structuredData: { origin: { software: APP_NAME } },
      message: `Test message from the ${APP_NAME} console, sent by ${by.username}`,
    });
    const payload = protocol === 'tcp' ? frameOctetCounting(line) : Buffer.from(line, 'utf8');
    const started = Date.now();
    const base = { protocol, host, port, bytes: payload.length, line };
    try {
      await (protocol === 'tcp' ? sendTcp(host, port, payload) : sendUdp(host, port, payload));
      return { sent: true, ...base, durationMs: Date.now() - started };
    } catch (err) {
      return { sent: false, ...base, durationMs: Date.now() - started, error: errorText(err) };
    }
  }

  async testHttp(by: TestRequester, target: { url?: string }): Promise<HttpTestResult> {
    const url = target.url ?? String(this.settings.get('http_log_url'));
    if (!url) throw new DomainError('InvalidInput', 'url is required (or set the http_log_url setting)');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DomainError('InvalidInput', 'url must be an http(s) URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new DomainError('InvalidInput', 'url must be an http(s) URL');
    const started = Date.now();
    try {
      const res = await fetch(parsed, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': `${APP_NAME}-log-test` },
        body: JSON.stringify(this.testRecord(by)),
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined); // let the connection go back to the pool
      return {
        sent: true,
        url: redact(parsed),
        status: res.status,
        statusText: res.statusText,
        ok: res.ok,
        durationMs: Date.now() - started,
      };
    } catch (err) {
      return { sent: false, url: redact(parsed), ok: false, durationMs: Date.now() - started, error: errorText(err) };
    }
  }

  async testFile(by: TestRequester, target: { path?: string }): Promise<FileTestResult> {
    const requested = target.path ?? String(this.settings.get('file_log_path'));
    const { base, file } = await this.logFile(requested);
    const line = `${JSON.stringify(this.testRecord(by))}\n`;
    // O_NOFOLLOW: a symlink planted at the file's name is refused, not followed out of the directory.
    const handle = await open(
      file,
      fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_NOFOLLOW,
      0o640,
    ).catch((err) => {
      if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new DomainError('InvalidInput', 'path must not be a symbolic link');
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw new DomainError('InvalidInput', 'path is a directory');
      throw err;
    });
    try {
      await handle.appendFile(line, 'utf8');
    } finally {
      await handle.close();
    }
    return { written: true, path: relative(base, file), bytes: Buffer.byteLength(line) };
  }

  /** The file a path names, under DATA_DIR/logs (created if missing); InvalidInput for anything that leaves it. */
  private async logFile(requested: string): Promise<{ base: string; file: string }> {
    const base = resolve(this.config.dataDir, LOG_DIR);
    const rel = isAbsolute(requested) ? relative(base, resolve(requested)) : requested;
    const problem = rel === '' ? 'must name a file' : isAbsolute(rel) ? 'must be under DATA_DIR/logs' : logFilePathProblem(rel);
    if (problem) throw new DomainError('InvalidInput', `path ${problem}`);
    const file = resolve(base, rel);
    if (!file.startsWith(base + sep)) throw new DomainError('InvalidInput', 'path must be under DATA_DIR/logs');
    await mkdir(dirname(file), { recursive: true });
    // A directory on the way that is a symlink elsewhere would escape: compare real paths.
    const [realBase, realDir] = await Promise.all([realpath(base), realpath(dirname(file))]);
    if (realDir !== realBase && !realDir.startsWith(realBase + sep))
      throw new DomainError('InvalidInput', 'path must be under DATA_DIR/logs');
    const existing = await lstat(file).catch(() => null);
    if (existing?.isSymbolicLink()) throw new DomainError('InvalidInput', 'path must not be a symbolic link');
    return { base, file };
  }

  private testRecord(by: TestRequester): Record<string, unknown> {
    return {
      time: this.clock.now().toISOString(),
      level: 'log',
      context: 'LogTargetTest',
      msg: `Test message from the ${APP_NAME} console, sent by ${by.username}`,
      host: hostname(),
      pid: process.pid,
      app: APP_NAME,
      test: true,
    };
  }
}

function sendUdp(host: string, port: number, payload: Buffer): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => finish(new Error(`timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    function finish(err?: Error | null) {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolvePromise();
    }
    socket.once('error', finish);
    socket.send(payload, port, host, finish);
  });
}

function sendTcp(host: string, port: number, payload: Buffer): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const socket = connectTcp({ host, port });
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`timed out after ${TIMEOUT_MS} ms`)));
    socket.once('error', reject);
    socket.once('connect', () => socket.end(payload));
    socket.once('close', (hadError) => {
      if (!hadError) resolvePromise();
    });
  });
}

function errorText(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; code?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e?.message ?? String(err)} (${cause})` : (e?.message ?? String(err));
}

/** The URL without its credentials (user:password@), for the answer. */
function redact(u: URL): string {
  if (!u.username && !u.password) return u.toString();
  const copy = new URL(u.toString());
  copy.username = '';
  copy.password = '';
  return copy.toString();
}
