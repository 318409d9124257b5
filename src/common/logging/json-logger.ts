import { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import { RepeatedLineLimiter } from './repeated-line-limiter';

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

/** Fields that differ on every line of the same event: they do not make a line new. */
const PER_OCCURRENCE_FIELDS = new Set(['errorId', 'requestId']);

function kindOf(fields: Record<string, unknown>): string {
  return JSON.stringify(fields, (key, value: unknown) =>
    PER_OCCURRENCE_FIELDS.has(key) ? undefined : value,
  );
}

/**
 * Nest's LoggerService on pino: one JSON object per line, `context` = the class name.
 * Nest's `new Logger(Context)` calls land here once `app.useLogger()` has been called.
 */
export class JsonLogger implements LoggerService {
  private readonly pino: Pino;
  private readonly repeats = new RepeatedLineLimiter();

  constructor(
    level: string,
    destination?: pino.DestinationStream,
    private readonly now: () => number = Date.now,
  ) {
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
    let fields: Record<string, unknown>;
    let text: string | undefined;
    if (typeof message === 'object' && message !== null && !(message instanceof Error)) {
      text = typeof extra[0] === 'string' ? extra[0] : undefined;
      fields = { context, ...(message as Record<string, unknown>) };
    } else if (message instanceof Error) {
      text = message.message;
      fields = {
        context,
        err: { name: message.name, message: message.message, stack: message.stack },
      };
    } else {
      const stack = typeof extra[0] === 'string' ? extra[0] : undefined;
      text = String(message);
      fields = { context, ...(stack ? { stack } : {}) };
    }
    // Warnings and errors repeat when a dependency is down; fatal and info lines are never held.
    if (level === 'warn' || level === 'error') {
      const decision = this.repeats.decide(`${level}|${text ?? ''}|${kindOf(fields)}`, this.now());
      if (!decision.write) return;
      if (decision.suppressed > 0) fields.repeatsNotLogged = decision.suppressed;
    }
    this.pino[level](fields, text);
  }
}
