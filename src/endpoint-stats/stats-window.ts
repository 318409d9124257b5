import { MINUTE_MS, minuteOf } from './minute-counts';

export const DEFAULT_WINDOW_MS = 24 * 3_600_000;
/** No longer than the counters are kept. */
export const MAX_WINDOW_MS = 48 * 3_600_000;

export type StatsWindow =
  { ok: true; since: Date; until: Date } | { ok: false; field: 'since' | 'until'; message: string };

/**
 * The [since, until) a stats request asks for, in whole minutes: until defaults to the end of
 * the current minute, since to 24 hours before until. The window must be 1 minute..48 hours.
 */
export function statsWindow(now: Date, since?: string, until?: string): StatsWindow {
  const end =
    until === undefined ? new Date(minuteOf(now).getTime() + MINUTE_MS) : minuteOf(new Date(until));
  const start =
    since === undefined ? new Date(end.getTime() - DEFAULT_WINDOW_MS) : minuteOf(new Date(since));
  const length = end.getTime() - start.getTime();
  if (length < MINUTE_MS)
    return { ok: false, field: 'since', message: 'since must be at least one minute before until' };
  if (length > MAX_WINDOW_MS)
    return { ok: false, field: 'since', message: 'since must be at most 48 hours before until' };
  return { ok: true, since: start, until: end };
}
