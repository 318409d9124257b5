/**
 * When to try a failed delivery again. Pure: time comes in as arguments and randomness through
 * the injected source, so a whole day of retries can be simulated in a unit test.
 *
 * Default schedule: after failed attempt n the next one waits 5 s·2^(n-1), jittered ±20 % and
 * capped at 1 h, for as long as the next attempt still falls within 24 h of the first attempt.
 * Custom schedule: the operator's explicit list of delays, used in order, then exhausted.
 * A manual re-queue (retry route, recover, re-enabling the endpoint) opens a new window: the
 * 24 h and the schedule start over from it, while attempt numbers keep counting.
 */

const SECOND_MS = 1000;
const MINUTE_S = 60;
const HOUR_S = 60 * MINUTE_S;
const DAY_S = 24 * HOUR_S;

export const DEFAULT_BASE_DELAY_SECONDS = 5;
export const MAX_DELAY_SECONDS = HOUR_S;
export const RETRY_WINDOW_SECONDS = DAY_S;
export const JITTER_RATIO = 0.2;

/** The retry window a manual re-queue opened. */
export interface RetryWindow {
  /** When it began (the re-queue); the 24 h count from here. */
  startedAt: Date;
  /** Attempts made before it; the schedule starts over after them. */
  attemptsBefore: number;
}

export interface NextAttemptInput {
  /** The attempt that just failed, 1-based, counted over the delivery's whole life. */
  attemptNumber: number;
  firstAttemptAt: Date;
  /** Set after a manual re-queue; absent or null = the window that began at firstAttemptAt. */
  window?: RetryWindow | null;
  /** When the failure was recorded; the delay counts from here. */
  now: Date;
  /** Custom delays in seconds (from parseRetrySchedule); null or absent = default schedule. */
  schedule?: readonly number[] | null;
  /** From a 429/503 `Retry-After` header, in seconds. */
  retryAfterSeconds?: number | null;
}

export class RetryPolicy {
  /** @param random uniform in [0, 1); only the default schedule draws from it. */
  constructor(private readonly random: () => number = Math.random) {}

  /** The time of the next attempt, or null when the delivery is exhausted. */
  nextAttemptAt(input: NextAttemptInput): Date | null {
    const { now, schedule, window } = input;
    // From here on, numbers and times are those of the current window.
    const attemptNumber = input.attemptNumber - (window?.attemptsBefore ?? 0);
    const firstAttemptAt = window?.startedAt ?? input.firstAttemptAt;
    if (!Number.isInteger(attemptNumber) || attemptNumber < 1) {
      throw new RangeError(
        `attemptNumber must be a positive integer past the window's ${window?.attemptsBefore ?? 0} earlier attempts, got ${input.attemptNumber}`,
      );
    }
    const retryAfterSeconds = honouredRetryAfterSeconds(input.retryAfterSeconds);

    if (schedule) {
      // Custom schedules are explicit, so they get no jitter and are not cut short by the 24 h
      // window: the operator chose every delay (each ≤ 24 h, checked when parsed).
      const scheduledSeconds = schedule[attemptNumber - 1];
      if (scheduledSeconds === undefined) return null;
      return addSeconds(now, Math.max(scheduledSeconds, retryAfterSeconds));
    }

    const delaySeconds = Math.max(this.defaultDelaySeconds(attemptNumber), retryAfterSeconds);
    const next = addSeconds(now, delaySeconds);
    const windowEnd = addSeconds(firstAttemptAt, RETRY_WINDOW_SECONDS);
    return next.getTime() <= windowEnd.getTime() ? next : null;
  }

  private defaultDelaySeconds(attemptNumber: number): number {
    const exponential = Math.min(
      DEFAULT_BASE_DELAY_SECONDS * 2 ** (attemptNumber - 1),
      MAX_DELAY_SECONDS,
    );
    // Jitter spreads endpoints that failed together (an outage) so they do not all come back
    // at the same instant. Clamping after jitter keeps the 1 h cap a hard limit: capped delays
    // land in [48 min, 60 min].
    const jitterFactor = 1 + JITTER_RATIO * (2 * this.random() - 1);
    return Math.min(exponential * jitterFactor, MAX_DELAY_SECONDS);
  }
}

/**
 * A receiver's Retry-After can lengthen a delay but never beyond the 1 h cap, so a hostile or
 * buggy receiver cannot park a delivery for days; nonsense values are ignored.
 */
function honouredRetryAfterSeconds(retryAfterSeconds: number | null | undefined): number {
  if (retryAfterSeconds == null || !Number.isFinite(retryAfterSeconds) || retryAfterSeconds <= 0) {
    return 0;
  }
  return Math.min(retryAfterSeconds, MAX_DELAY_SECONDS);
}

function addSeconds(at: Date, seconds: number): Date {
  return new Date(at.getTime() + Math.round(seconds * SECOND_MS));
}

export {
  formatRetrySchedule,
  MAX_RETRY_SCHEDULE_ENTRIES,
  MAX_SCHEDULE_DELAY_SECONDS,
  MIN_SCHEDULE_DELAY_SECONDS,
  parseRetrySchedule,
  RetryScheduleError,
} from '../../common/retry-schedule';
