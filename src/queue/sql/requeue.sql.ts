/**
 * SET clause of a manual re-queue, due at parameter `now`: a fresh retry window (the 24 h and
 * the schedule start over; `attempts` keeps counting). Shared by re-enabling an endpoint and
 * the delivery retry and recover routes.
 */
export function requeueNowSet(now: string): string {
  return `next_attempt_at = ${now}, retry_window_start = ${now}, retry_schedule_base = attempts, updated_at = ${now}`;
}
