/** The parts of a recorded attempt the per-minute counters look at. */
export interface CountedOutcome {
  endpointId: string;
  succeeded: boolean;
  durationMs: number;
  attemptedAt: Date;
}

/** One endpoint's attempts in one UTC minute, as added to `endpoint_minute_stats`. */
export interface MinuteCount {
  endpointId: string;
  /** Start of the minute. */
  minute: Date;
  succeeded: number;
  failed: number;
  durationMsSum: number;
  durationMsMax: number;
}

export const MINUTE_MS = 60_000;

export function minuteOf(time: Date): Date {
  return new Date(Math.floor(time.getTime() / MINUTE_MS) * MINUTE_MS);
}

/**
 * Folds a recorded batch into one row per (endpoint, minute), so the upsert that follows
 * touches each counter row once (an INSERT … ON CONFLICT may not update a row twice).
 */
export function countByMinute(outcomes: readonly CountedOutcome[]): MinuteCount[] {
  const rows = new Map<string, MinuteCount>();
  for (const o of outcomes) {
    const minute = minuteOf(o.attemptedAt);
    const key = `${o.endpointId}\u0000${minute.getTime()}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        endpointId: o.endpointId,
        minute,
        succeeded: 0,
        failed: 0,
        durationMsSum: 0,
        durationMsMax: 0,
      };
      rows.set(key, row);
    }
    if (o.succeeded) row.succeeded++;
    else row.failed++;
    const duration = Math.max(0, Math.round(o.durationMs));
    row.durationMsSum += duration;
    row.durationMsMax = Math.max(row.durationMsMax, duration);
  }
  return [...rows.values()];
}
