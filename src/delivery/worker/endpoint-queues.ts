/**
 * The worker's local, per-endpoint view of claimed work: what waits to be sent and what is
 * being sent, per endpoint. Pure (times come in as arguments) so fairness is unit-tested.
 *
 * Fairness rules:
 *  - at most `maxInFlight` sends per endpoint, at most `concurrency` in total; the rest of the
 *    capacity goes to other endpoints;
 *  - an endpoint is not claimed for (excluded) while it already has a window of work waiting
 *    here, or while all its slots are busy and none has finished for `stallAfterMs`
 *    (black hole, timeouts): so a dead endpoint cannot fill the worker with its deliveries;
 *  - work that waited here too long is handed back (see takeWaitingSince) so its lease never
 *    expires under it.
 */
export interface QueuedItem {
  endpointId: string;
}

/**
 * First-in first-out with a moving head: taking from the front of a plain array (splice/shift)
 * moves every element behind it, per send, with hundreds waiting (3 % of the worker's time in
 * a one-endpoint drain). Items and their arrival times sit in parallel arrays: no wrapper
 * object per item.
 */
class WaitingFifo<T> {
  private items: T[] = [];
  private since: number[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T, at: number): void {
    this.items.push(item);
    this.since.push(at);
  }

  /** Arrival time of the i-th waiting item (0 = oldest). */
  sinceAt(i: number): number {
    return this.since[this.head + i];
  }

  /** Moves the `n` oldest items to `out`. */
  takeInto(n: number, out: T[]): void {
    const end = this.head + n;
    for (let i = this.head; i < end; i++) {
      out.push(this.items[i]);
      (this.items as Array<T | undefined>)[i] = undefined;
    }
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.since = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.since = this.since.slice(this.head);
      this.head = 0;
    }
  }
}

interface EndpointState<T> {
  waiting: WaitingFifo<T>;
  sending: number;
  lastFinishedAt: number;
}

export interface EndpointQueuesOptions {
  maxInFlight: number;
  concurrency: number;
  /** Waiting items per endpoint above which it is not claimed for. */
  window: number;
  stallAfterMs: number;
}

export class EndpointQueues<T extends QueuedItem> {
  private readonly endpoints = new Map<string, EndpointState<T>>();
  private waitingCount = 0;
  private sendingCount = 0;

  constructor(private readonly options: EndpointQueuesOptions) {}

  get waiting(): number {
    return this.waitingCount;
  }

  get sending(): number {
    return this.sendingCount;
  }

  enqueue(items: readonly T[], now: number): void {
    for (const item of items) {
      this.stateOf(item.endpointId, now).waiting.push(item, now);
      this.waitingCount++;
    }
  }

  /**
   * Items to start sending now, at most one endpoint's free slots each, rotating the starting
   * endpoint so no endpoint always goes first. Counts them as sending. `permit` (rate limit,
   * circuit probe) says how many of the wanted sends an endpoint may start; the rest wait.
   */
  takeStartable(permit?: (endpointId: string, wanted: number) => number): T[] {
    const out: T[] = [];
    let free = this.options.concurrency - this.sendingCount;
    if (free <= 0 || this.waitingCount === 0) return out;
    const served: string[] = [];
    for (const [endpointId, state] of this.endpoints) {
      if (free <= 0) break;
      const wanted = Math.min(state.waiting.length, this.options.maxInFlight - state.sending, free);
      const n = wanted > 0 && permit ? permit(endpointId, wanted) : wanted;
      if (n <= 0) continue;
      state.waiting.takeInto(n, out);
      state.sending += n;
      free -= n;
      served.push(endpointId);
    }
    this.waitingCount -= out.length;
    this.sendingCount += out.length;
    // Round-robin: endpoints just served move to the back of the iteration order.
    for (const endpointId of served) {
      const state = this.endpoints.get(endpointId) as EndpointState<T>;
      this.endpoints.delete(endpointId);
      this.endpoints.set(endpointId, state);
    }
    return out;
  }

  finished(endpointId: string, now: number): void {
    const state = this.endpoints.get(endpointId);
    if (!state) return;
    state.sending--;
    state.lastFinishedAt = now;
    this.sendingCount--;
    if (state.sending === 0 && state.waiting.length === 0) this.endpoints.delete(endpointId);
  }

  isExcluded(endpointId: string, now: number): boolean {
    const state = this.endpoints.get(endpointId);
    if (!state) return false;
    return state.waiting.length >= this.options.window || this.isStalled(state, now);
  }

  /** Endpoints this worker should not claim for now. */
  excluded(now: number, into: Set<string>): Set<string> {
    for (const endpointId of this.endpoints.keys())
      if (this.isExcluded(endpointId, now)) into.add(endpointId);
    return into;
  }

  /** Removes and returns what has waited since before `cutoff` (to be handed back). */
  takeWaitingSince(cutoff: number): T[] {
    const out: T[] = [];
    for (const [endpointId, state] of this.endpoints) {
      let n = 0;
      while (n < state.waiting.length && state.waiting.sinceAt(n) < cutoff) n++;
      if (n === 0) continue;
      state.waiting.takeInto(n, out);
      if (state.sending === 0 && state.waiting.length === 0) this.endpoints.delete(endpointId);
    }
    this.waitingCount -= out.length;
    return out;
  }

  /**
   * Removes and returns everything waiting for a stalled endpoint: it would sit here for a
   * timeout or more while holding worker capacity other endpoints could use.
   */
  takeWaitingOfStalled(now: number): T[] {
    const out: T[] = [];
    for (const state of this.endpoints.values()) {
      if (state.waiting.length === 0 || !this.isStalled(state, now)) continue;
      state.waiting.takeInto(state.waiting.length, out);
    }
    this.waitingCount -= out.length;
    return out;
  }

  /** Endpoints whose every slot is busy with nothing finished for `stallAfterMs`. */
  stalled(now: number): string[] {
    const out: string[] = [];
    for (const [endpointId, state] of this.endpoints)
      if (this.isStalled(state, now)) out.push(endpointId);
    return out;
  }

  /** Removes and returns everything waiting for one endpoint (it answered 410 Gone). */
  takeWaitingOf(endpointId: string): T[] {
    const state = this.endpoints.get(endpointId);
    if (!state || state.waiting.length === 0) return [];
    const out: T[] = [];
    state.waiting.takeInto(state.waiting.length, out);
    this.waitingCount -= out.length;
    if (state.sending === 0) this.endpoints.delete(endpointId);
    return out;
  }

  takeAllWaiting(): T[] {
    return this.takeWaitingSince(Number.POSITIVE_INFINITY);
  }

  private isStalled(state: EndpointState<T>, now: number): boolean {
    return (
      state.sending >= this.options.maxInFlight &&
      now - state.lastFinishedAt >= this.options.stallAfterMs
    );
  }

  private stateOf(endpointId: string, now: number): EndpointState<T> {
    let state = this.endpoints.get(endpointId);
    if (!state) {
      state = { waiting: new WaitingFifo<T>(), sending: 0, lastFinishedAt: now };
      this.endpoints.set(endpointId, state);
    }
    return state;
  }
}
