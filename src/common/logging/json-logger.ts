import { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';

/** Keys whose values never reach a log line, wherever they appear. */
const REDACTED = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'secret',
  '*.secret',
  'key',
  '*.key',
  'authToken',
  '*.authToken',
  'token',
  '*.token',
  'payload',
  '*.payload',
  'body',
  '*.body',
];

/**
 * Nest's LoggerService on pino: one JSON object per line, `context` = the class name.
 * Nest's `new Logger(Context)` calls land here once `app.useLogger()` has been called.
 */
export class JsonLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(level: string, destination?: pino.DestinationStream) {
    this.pino = pino(
      {
        level,
        base: { pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        redact: { paths: REDACTED, censor: '[redacted]' },
        formatters: { level: (label) => ({ level: label }) },
      },
      destination ?? pino.destination({ sync: false }),
    );
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
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
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  flush(): void {
    this.pino.flush();
  }

  /** Nest passes (message, context) or (message, stack, context) or (object, message, context). */
  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context =
      typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const extra = rest.slice(0, context === undefined ? rest.length : -1);
    if (typeof message === 'object' && message !== null && !(message instanceof Error)) {
      const text = typeof extra[0] === 'string' ? extra[0] : undefined;
      this.pino[level]({ context, ...(message as Record<string, unknown>) }, text);
      return;
    }
    if (message instanceof Error) {
      this.pino[level](
        { context, err: { name: message.name, message: message.message, stack: message.stack } },
        message.message,
      );
      return;
    }
    const stack = typeof extra[0] === 'string' ? extra[0] : undefined;
    this.pino[level]({ context, ...(stack ? { stack } : {}) }, String(message));
  }
}
