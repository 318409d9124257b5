import type { IngestResult, NewDeliveryRow, NewMessageRow } from './messages.repository';

/** Writes messages with their deliveries in one statement (one transaction); MessagesRepository in production. */
export interface MessageRowsWriter {
  ingest(messages: NewMessageRow[], deliveries: NewDeliveryRow[]): Promise<IngestResult>;
}

/** One single-message ingest, validated and fanned out, waiting for its commit. */
export interface PendingIngest {
  message: NewMessageRow;
  deliveries: NewDeliveryRow[];
}

export interface IngestCoalescingOptions {
  /** Messages per statement at most. */
  maxGroupSize: number;
  /** Group statements running at once (each holds a pool connection). */
  maxGroupsInFlight: number;
}

/** Injection token of the IngestCoalescingOptions (the module provides the defaults). */
export const INGEST_COALESCING = Symbol('INGEST_COALESCING');

/**
 * Measured on 2 cores with 64 clients (docs/architecture.md, "Group commit"): one statement
 * in flight batched best (2 or 4 in flight send more, smaller statements and did no better);
 * waiting 1-2 ms or a setImmediate before sending did not help either. The size cap only
 * bounds a statement after a stall.
 */
export const DEFAULT_INGEST_COALESCING: IngestCoalescingOptions = {
  maxGroupSize: 500,
  maxGroupsInFlight: 1,
};

interface Waiter {
  pending: PendingIngest;
  resolve: (result: IngestResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for single-message ingests. A commit waits for its WAL flush, so one message
 * per transaction caps a process at the disk's flush rate; here concurrent ingests share
 * statements instead. Natural batching, no timer: a message goes out at once when a slot is
 * free; while every slot is busy, arrivals queue, and each completed statement sends the
 * whole queue (up to maxGroupSize) as the next one. A submit settles only after the
 * statement holding it has committed (or failed), so the caller's answer stays durable.
 *
 * Idempotency: a repeat of an (app, eventId) queued in the same group is left out of the
 * statement and reports "not inserted", as a stored repeat does; the caller then reads the
 * original, which committed with the group. Failure isolation: a group statement that fails
 * with an error one message can cause (mayBeOneMessagesFault) is rolled back whole, so its two
 * halves are retried, in arrival order, each split again if it fails, down to single messages:
 * only the guilty ones see an error, their own (a foreign-key violation for a deleted app, …),
 * and the others commit. Any other failure (the database is unreachable, shutting down, out of
 * connections) fails the whole group at once with that error: splitting would cost 2n-1
 * statements against a database that cannot take one.
 */
export class MessageIngestCoalescer {
  private queue: Waiter[] = [];
  private inFlight = 0;
  private readonly drained: Array<() => void> = [];

  constructor(
    private readonly writer: MessageRowsWriter,
    private readonly options: IngestCoalescingOptions = DEFAULT_INGEST_COALESCING,
  ) {}

  /** Resolves with this message's part of the result once its statement has committed. */
  submit(pending: PendingIngest): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ pending, resolve, reject });
      this.pump();
    });
  }

  /** Messages waiting for a free statement slot (tests and diagnostics). */
  get queued(): number {
    return this.queue.length;
  }

  /** Resolves when nothing is queued or in flight (shutdown: before the pool closes). */
  drain(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.options.maxGroupsInFlight && this.queue.length > 0) {
      const group =
        this.queue.length <= this.options.maxGroupSize
          ? this.queue
          : this.queue.slice(0, this.options.maxGroupSize);
      this.queue = group === this.queue ? [] : this.queue.slice(group.length);
      this.inFlight++;
      void this.write(group).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0)
          this.drained.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  /** Settles every member of `group`, narrowing a failure down to its guilty members. */
  private async write(group: Waiter[]): Promise<void> {
    const written: Waiter[] = [];
    const repeats: Waiter[] = [];
    const seen = new Set<string>();
    for (const waiter of group) {
      const { appId, eventId } = waiter.pending.message;
      if (eventId === null) {
        written.push(waiter);
        continue;
      }
      const key = `${appId}\u0000${eventId}`;
      (seen.has(key) ? repeats : written).push(waiter);
      seen.add(key);
    }
    let result: IngestResult;
    try {
      result = await this.writer.ingest(
        written.map((w) => w.pending.message),
        written.flatMap((w) => w.pending.deliveries),
      );
    } catch (err) {
      if (group.length === 1 || !mayBeOneMessagesFault(err)) {
        for (const waiter of group) waiter.reject(err);
        return;
      }
      // Halves, in order (an original before its repeats): one guilty member among n costs
      // about 2·log2(n) more statements, not n.
      const half = Math.ceil(group.length / 2);
      await this.write(group.slice(0, half));
      return this.write(group.slice(half));
    }
    for (const { pending, resolve } of written)
      resolve(memberResult(pending, result.insertedIds.has(pending.message.id)));
    for (const { pending, resolve } of repeats) resolve(memberResult(pending, false));
  }
}

/**
 * Whether a failed statement may be the fault of one of its messages, so that retrying halves
 * isolates it: PostgreSQL data exceptions (SQLSTATE class 22: a value a column refuses),
 * integrity violations (class 23: the foreign key of a deleted app) and PL/pgSQL exceptions
 * (class P0: a row trigger refusing a message). Not connection exceptions (08), operator
 * intervention (57: shutdown, cancel), insufficient resources (53), any other class, nor errors
 * without a SQLSTATE (socket errors, pool connect timeouts): every half would fail the same.
 */
export function mayBeOneMessagesFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|P0)[0-9A-Z]{3}$/.test(code);
}

/** Every delivery of an inserted message is inserted with it (delivery inserts never skip). */
function memberResult(pending: PendingIngest, inserted: boolean): IngestResult {
  return inserted
    ? { insertedIds: new Set([pending.message.id]), deliveriesCreated: pending.deliveries.length }
    : { insertedIds: new Set(), deliveriesCreated: 0 };
}
