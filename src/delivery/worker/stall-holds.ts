/** Least remainder of a hold worth one UPDATE to end it early when the endpoint answers again. */
export const EARLY_RELEASE_MIN_MS = 1000;

export interface HoldChanges {
  /** Endpoints whose pending deliveries to move out of the due window now. */
  hold: string[];
  /** Endpoints answering again before their hold ended, with the time their rows were held until. */
  unhold: Array<[string, number]>;
}

/**
 * Which stalled endpoints' pending deliveries a worker holds out of the due window, and when it
 * lets them go. A stalled endpoint is held for as long as its sends can take (every one of them
 * has ended by then), again if it is still stalled when the hold runs out. One that answers
 * sooner (slow, not dead) is let go at once: its rows need not wait out the rest. Each hold or
 * early release is one UPDATE of the endpoint's pending rows, so a 100k backlog is moved about
 * once per timeout, not on every claim (measured: 2.5–4 s of PostgreSQL per 100k rows).
 */
export class StallHolds {
  /** Held endpoint → until when (clock ms). */
  private readonly holds = new Map<string, number>();

  constructor(readonly holdMs: number) {}

  changes(stalledNow: Iterable<string>, nowMs: number): HoldChanges {
    const stalled = new Set(stalledNow);
    const unhold: Array<[string, number]> = [];
    for (const [endpointId, until] of this.holds) {
      if (stalled.has(endpointId)) continue;
      this.holds.delete(endpointId);
      if (until - nowMs >= EARLY_RELEASE_MIN_MS) unhold.push([endpointId, until]);
    }
    const hold: string[] = [];
    for (const endpointId of stalled) {
      const until = this.holds.get(endpointId);
      if (until !== undefined && until > nowMs) continue;
      this.holds.set(endpointId, nowMs + this.holdMs);
      hold.push(endpointId);
    }
    return { hold, unhold };
  }
}
