/**
 * Token-bucket arithmetic on the worker's side. Pure: times are numbers from the caller
 * (the process's monotonic clock), so it is unit-tested without timers.
 */

/** How often a worker that is waiting for tokens asks the shared bucket again. */
export const ACQUIRE_INTERVAL_MS = 50;
/** Unused local tokens are given up after this long: a hoard would let a later burst exceed the limit. */
export const ALLOWANCE_TTL_MS = 1000;

/** Tokens to ask for at once: two intervals' worth, so one worker alone can keep up with the rate. */
export function chunkFor(rateLimit: number, wanted: number): number {
  const chunk = Math.max(1, Math.ceil((rateLimit * 2 * ACQUIRE_INTERVAL_MS) / 1000));
  return Math.max(1, Math.min(wanted, chunk));
}

/** When the shared bucket will hold a whole token again, given what was left in it. */
export function msUntilToken(left: number, rateLimit: number): number {
  return Math.max(ACQUIRE_INTERVAL_MS, Math.ceil((Math.max(0, 1 - left) / rateLimit) * 1000));
}

/** This worker's share of each endpoint's tokens: acquired in chunks, spent one per send. */
export class LocalAllowance {
  private readonly tokens = new Map<string, { count: number; expiresAt: number }>();

  add(endpointId: string, count: number, now: number): void {
    const held = this.available(endpointId, now);
    this.tokens.set(endpointId, { count: held + count, expiresAt: now + ALLOWANCE_TTL_MS });
  }

  available(endpointId: string, now: number): number {
    const entry = this.tokens.get(endpointId);
    if (!entry) return 0;
    if (entry.expiresAt <= now) {
      this.tokens.delete(endpointId);
      return 0;
    }
    return entry.count;
  }

  spend(endpointId: string, count: number, now: number): void {
    const left = this.available(endpointId, now) - count;
    if (left > 0) (this.tokens.get(endpointId) as { count: number }).count = left;
    else this.tokens.delete(endpointId);
  }
}
