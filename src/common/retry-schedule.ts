/**
 * Explicit retry schedules (`["5m", "15m", "30m", "60m"]`) as apps and endpoints store them:
 * parsed to seconds on the way in, formatted back on the way out. Shared by the API and the
 * delivery RetryPolicy.
 */

const MINUTE_S = 60;
const HOUR_S = 60 * MINUTE_S;
const DAY_S = 24 * HOUR_S;

export const MAX_RETRY_SCHEDULE_ENTRIES = 50;
export const MIN_SCHEDULE_DELAY_SECONDS = 1;
export const MAX_SCHEDULE_DELAY_SECONDS = DAY_S;

export class RetryScheduleError extends Error {
  readonly code = 'INVALID_RETRY_SCHEDULE';

  constructor(message: string) {
    super(message);
    this.name = 'RetryScheduleError';
  }
}

const UNIT_SECONDS = { s: 1, m: MINUTE_S, h: HOUR_S, d: DAY_S } as const;
type DurationUnit = keyof typeof UNIT_SECONDS;
const DURATION_PATTERN = /^([0-9]{1,6})([smhd])$/;
/** Largest unit first, so formatting picks the shortest exact spelling. */
const UNITS_LARGEST_FIRST: readonly DurationUnit[] = ['d', 'h', 'm', 's'];

/**
 * Parses an API retry schedule such as `["5s", "5m", "1h", "1d"]` to delays in seconds.
 * An empty list is valid and means "never retry". Throws RetryScheduleError naming the entry.
 */
export function parseRetrySchedule(list: readonly string[]): number[] {
  if (list.length > MAX_RETRY_SCHEDULE_ENTRIES) {
    throw new RetryScheduleError(
      `retry schedule has ${list.length} entries; at most ${MAX_RETRY_SCHEDULE_ENTRIES} are allowed`,
    );
  }
  return list.map((entry, index) => parseScheduleEntry(entry, index));
}

function parseScheduleEntry(entry: string, index: number): number {
  const match = typeof entry === 'string' ? DURATION_PATTERN.exec(entry) : null;
  if (!match) {
    throw new RetryScheduleError(
      `retry schedule[${index}]: ${JSON.stringify(entry)} is not a duration like "30s", "5m", "1h" or "1d"`,
    );
  }
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as DurationUnit];
  if (seconds < MIN_SCHEDULE_DELAY_SECONDS || seconds > MAX_SCHEDULE_DELAY_SECONDS) {
    throw new RetryScheduleError(
      `retry schedule[${index}]: ${JSON.stringify(entry)} must be between 1s and 24h`,
    );
  }
  return seconds;
}

/** The inverse of parseRetrySchedule, for API responses: 300 → "5m", 90 → "90s". */
export function formatRetrySchedule(seconds: readonly number[]): string[] {
  return seconds.map((delay) => {
    const unit = UNITS_LARGEST_FIRST.find((candidate) => delay % UNIT_SECONDS[candidate] === 0);
    // Parsed schedules are whole seconds, so only a fraction falls through to plain seconds.
    return unit ? `${delay / UNIT_SECONDS[unit]}${unit}` : `${delay}s`;
  });
}
