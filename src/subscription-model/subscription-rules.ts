import { registerDecorator, ValidationOptions } from 'class-validator';
import { ValidationError } from '../common/errors/domain-error';
import { validateEventTypePattern, validatePayloadFilter } from '../matching';

export const EVENT_TYPES_MAX_ENTRIES = 100;
export const FILTER_MAX_BYTES = 16 * 1024;

/** The first broken rule of an eventTypes list, naming the entry; null when valid. */
export function eventTypesProblem(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0)
    return 'must be a non-empty list of event type patterns';
  if (value.length > EVENT_TYPES_MAX_ENTRIES)
    return `must have at most ${EVENT_TYPES_MAX_ENTRIES} patterns`;
  for (const [index, pattern] of value.entries()) {
    if (typeof pattern !== 'string') return `[${index}] must be a string`;
    const problem = validateEventTypePattern(pattern);
    if (problem !== null) return `[${index}] ${problem}`;
  }
  return null;
}

/** `["*"]`, `["billing.*", "user.created"]`: validated with the matcher's own pattern rules. */
export function IsEventTypePatterns(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEventTypePatterns',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args) =>
          `${args.property}${eventTypesProblem(args.value)?.replace(/^(?!\[)/, ' ') ?? ' is invalid'}`,
        ...options,
      },
      validator: { validate: (value: unknown) => eventTypesProblem(value) === null },
    });
}

/**
 * A payload filter must compile: 422 `invalid_filter` listing every issue with its path
 * (`filter.$or[1].amount.$gte`), so a caller can fix them all at once.
 */
export function assertValidFilter(filter: unknown): void {
  if (filter === null || filter === undefined) return;
  if (Buffer.byteLength(JSON.stringify(filter)) > FILTER_MAX_BYTES) {
    throw new ValidationError(
      `filter must be at most ${FILTER_MAX_BYTES} bytes`,
      [{ field: 'filter', message: `filter must be at most ${FILTER_MAX_BYTES} bytes` }],
      'invalid_filter',
    );
  }
  const issues = validatePayloadFilter(filter);
  if (issues.length > 0) {
    const details = issues.map((issue) => ({
      field: issue.path,
      message: `${issue.path} ${issue.message}`,
    }));
    throw new ValidationError(
      `filter is invalid: ${details.map((d) => d.message).join('; ')}`,
      details,
      'invalid_filter',
    );
  }
}
