import { LoggerService } from '@nestjs/common';
import { currentRequestId } from './request-context';

type Level = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
const ORDER: Record<Level, number> = { error: 0, warn: 1, log: 2, debug: 3, verbose: 4 };
const NEST_BOOT_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * The one logger of the process. `json`: one JSON object per line, all on stdout (what container
 * log collectors read), each carrying the `requestId` of the request being served, if any.
 * `text`: readable lines, warnings and errors on stderr.
 */
export class AppLogger implements LoggerService {
  private readonly max: number;

  constructor(
    level: Level = 'log',
    private readonly format: 'json' | 'text' = 'text',
  ) {
    this.max = ORDER[level];
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    // Nest passes the context as the last string argument, and a stack before it for errors.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    // Nest's own boot chatter (modules loaded, routes mapped) is debug detail, not news.
    if (level === 'log' && context && NEST_BOOT_CONTEXTS.has(context)) level = 'debug';
    if (ORDER[level] > this.max) return;
    const stack = typeof rest[0] === 'string' ? (rest[0] as string) : undefined;
    const fields = message && typeof message === 'object' && !(message instanceof Error) ? (message as Record<string, unknown>) : undefined;
    const text =
      message instanceof Error
        ? message.message
        : typeof message === 'string'
          ? message
          : typeof fields?.msg === 'string'
            ? fields.msg
            : JSON.stringify(message);
    const requestId = (typeof fields?.requestId === 'string' ? fields.requestId : undefined) ?? currentRequestId();
    if (this.format === 'json') {
      const line: Record<string, unknown> = { time: new Date().toISOString(), level, context, msg: text };
      if (requestId) line.requestId = requestId;
      if (fields) Object.assign(line, fields);
      if (stack) line.stack = stack;
      process.stdout.write(JSON.stringify(line) + '\n');
    } else {
      const out = level === 'error' || level === 'warn' ? process.stderr : process.stdout;
      out.write(
        `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${context ? `[${context}] ` : ''}${requestId ? `[${requestId}] ` : ''}${text}${
          stack ? `\n${stack}` : ''
        }\n`,
      );
    }
  }
}
