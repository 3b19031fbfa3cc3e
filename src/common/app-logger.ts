import { LoggerService } from '@nestjs/common';

type Level = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
const ORDER: Record<Level, number> = { error: 0, warn: 1, log: 2, debug: 3, verbose: 4 };
const NEST_BOOT_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** The one logger of the process: JSON lines (or plain text) on stdout/stderr. */
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
    const out = level === 'error' || level === 'warn' ? process.stderr : process.stdout;
    const text = message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message);
    if (this.format === 'json') {
      const line: Record<string, unknown> = { time: new Date().toISOString(), level, context, msg: text };
      if (message && typeof message === 'object' && !(message instanceof Error)) Object.assign(line, message);
      if (stack) line.stack = stack;
      out.write(JSON.stringify(line) + '\n');
    } else {
      out.write(
        `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${context ? `[${context}] ` : ''}${text}${
          stack ? `\n${stack}` : ''
        }\n`,
      );
    }
  }
}
