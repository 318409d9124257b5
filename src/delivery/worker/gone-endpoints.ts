/**
 * Endpoints whose receiver just answered 410 Gone. Disabling them goes through the database
 * (the endpoint-health observer, after the attempt batch is written): about 200 ms in which
 * this worker went on starting sends, 32 more to a receiver that had said it is gone. The
 * worker stops sending to them at once instead, for about ten times as long as the disable
 * takes to land (then their deliveries are parked and no longer claimed). Short, because an
 * endpoint re-enabled meanwhile waits for the hold to end. Pure: the caller passes the
 * (monotonic) time.
 */
export const GONE_HOLD_MS = 2_000;

export class GoneEndpoints {
  private readonly until = new Map<string, number>();

  constructor(readonly holdMs: number = GONE_HOLD_MS) {}

  markGone(endpointId: string, now: number): void {
    this.until.set(endpointId, now + this.holdMs);
  }

  isGone(endpointId: string, now: number): boolean {
    if (this.until.size === 0) return false;
    const until = this.until.get(endpointId);
    if (until === undefined) return false;
    if (now < until) return true;
    this.until.delete(endpointId);
    return false;
  }

  /** Adds the endpoints still held to `into` (the claim's exclusion list). */
  addTo(into: Set<string>, now: number): Set<string> {
    for (const endpointId of [...this.until.keys()])
      if (this.isGone(endpointId, now)) into.add(endpointId);
    return into;
  }
}
