import { Injectable } from '@nestjs/common';

/**
 * Asked before sends start whether an endpoint may take more of them now (rate limit,
 * half-open circuit probe). Unlike a gate it acts on work already claimed: a denied delivery
 * waits in the worker's local queue (no attempt is recorded) until a permit signals that
 * capacity came back, or until the worker hands it back. Runs on the hot path: synchronous,
 * cheap, and endpoints a permit does not limit must cost a map lookup at most.
 */
export interface SendPermit {
  /** How many of `wanted` sends to the endpoint may start now (0..wanted), without consuming. */
  available(endpointId: string, wanted: number, now: Date): number;
  /** `count` sends are starting: consume what `available` offered. */
  consume(endpointId: string, count: number, now: Date): void;
}

/** The composable list of permits; features register theirs in onModuleInit. */
@Injectable()
export class SendPermits {
  private readonly permits: SendPermit[] = [];
  private readonly listeners: Array<() => void> = [];

  register(permit: SendPermit): void {
    this.permits.push(permit);
  }

  /** How many of `wanted` sends may start now; the granted ones are consumed from every permit. */
  take(endpointId: string, wanted: number, now: Date): number {
    let granted = wanted;
    for (const permit of this.permits) {
      if (granted <= 0) return 0;
      granted = Math.min(granted, permit.available(endpointId, granted, now));
    }
    if (granted > 0) for (const permit of this.permits) permit.consume(endpointId, granted, now);
    return Math.max(0, granted);
  }

  /** The worker subscribes to start waiting sends when a permit frees capacity. */
  onAvailable(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Permits call this when capacity came back (tokens acquired, circuit closed, probe due). */
  signalAvailable(): void {
    for (const listener of this.listeners) listener();
  }
}
