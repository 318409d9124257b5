import type { ApiPropertyOptions } from '@nestjs/swagger';
import { registerDecorator, ValidationOptions } from 'class-validator';
import {
  formatRetrySchedule,
  parseRetrySchedule,
  RetryScheduleError,
} from '../../common/retry-schedule';

function scheduleProblem(value: unknown): string | null {
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string'))
    return 'must be a list of durations like ["5m", "1h"]';
  try {
    parseRetrySchedule(value as string[]);
    return null;
  } catch (err) {
    if (err instanceof RetryScheduleError) return err.message;
    throw err;
  }
}

/** A retry schedule as the API spells it (`["5m", "15m", "1h"]`); the message names the bad entry. */
export function IsRetrySchedule(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRetrySchedule',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args) => `${args.property} ${scheduleProblem(args.value) ?? 'is invalid'}`,
        ...options,
      },
      validator: { validate: (value: unknown) => scheduleProblem(value) === null },
    });
}

/** API value → stored seconds; undefined stays undefined (PATCH: unchanged), null clears. */
export function retryScheduleToSeconds(
  value: string[] | null | undefined,
): number[] | null | undefined {
  return value === undefined || value === null ? value : parseRetrySchedule(value);
}

export function retryScheduleToApi(seconds: number[] | null): string[] | null {
  return seconds === null ? null : formatRetrySchedule(seconds);
}

export const RETRY_SCHEDULE_DOC: ApiPropertyOptions = {
  type: String,
  isArray: true,
  nullable: true,
  example: ['5m', '15m', '30m', '60m'],
  description:
    'Delays between attempts ("30s", "5m", "1h", "1d"; each 1s..24h, at most 50 entries). [] means never retry; null uses the default policy.',
};
