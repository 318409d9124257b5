import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { METRICS_RECORDER, type MetricsRecorder } from '../../common/metrics-port';
import { DeliveryOutcomeObservers } from '../hooks/delivery-outcome-observer';
import type { RecordedOutcome } from '../hooks/recorded-outcome';
import { RetryPolicy } from '../retry/retry-policy';
import type { AttemptResult, ClaimedDelivery } from '../../queue/delivery-types';
import { AttemptRecordRepository, type AttemptRecord } from '../../queue/attempt-record.repository';

const RETRY_WRITE_AFTER_MS = 1000;
const MAX_BATCH = 1000;
/**
 * Below this many buffered attempts a write first waits RECORD_GATHER_MS for more. Per
 * statement costs (a round trip, a transaction, pg's socket write) dominated with the ~50-row
 * batches that formed without it (~2,000 statements per 100k deliveries, 18 % of the
 * worker's time in pg's query submission). Recording later delays no delivery: the worker's
 * capacity is freed when a send ends.
 */
const GATHER_BELOW = 250;
const RECORD_GATHER_MS = 10;

interface Pending {
  record: AttemptRecord;
  eventType: string;
  /** The attempt span's trace (tracing on), for the attempt's log lines. */
  traceId: string | undefined;
}

/** A FIFO delivery that finished: the next one of its stream waits for this write. */
function advancesStream(record: AttemptRecord): boolean {
  return record.delivery.fifo !== null && record.status !== 'pending';
}

/**
 * Judges each attempt with the retry policy and writes results in batches: whatever finished
 * while the previous write was in flight goes out in the next single statement, so under
 * load there is one round trip per hundreds of attempts and at low load no added latency.
 * A failed write is retried (the rows stay leased to us) rather than dropped — except on
 * shutdown, which waits for the writes only so long (drain).
 */
@Injectable()
export class AttemptRecorder {
  private readonly logger = new Logger(AttemptRecorder.name);
  private readonly retryPolicy = new RetryPolicy();
  private buffer: Pending[] = [];
  private writing: Promise<void> | null = null;
  private inWrite = 0;
  private inWriteBatch: readonly Pending[] = [];
  /** Backpressure: callers waiting for the next commit (one promise per waiter, not per attempt). */
  private waiters: Array<() => void> = [];
  /** Set when a drain gave up: the write loop stops retrying. */
  private abandoned = false;
  /** Ends the wait before the next retry early (a drain giving up). */
  private interruptRetryWait: (() => void) | null = null;
  /** Buffered records that finish a FIFO delivery (their stream's successor waits for them). */
  private streamsWaiting = 0;
  private readonly streamsAdvanced: Array<() => void> = [];

  constructor(
    private readonly queue: AttemptRecordRepository,
    @Inject(METRICS_RECORDER) private readonly metrics: MetricsRecorder,
    private readonly observers: DeliveryOutcomeObservers,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Attempts handed over and not yet committed. */
  get pending(): number {
    return this.buffer.length + this.inWrite;
  }

  /** Buffers the attempt for the next batched write. */
  add(
    delivery: ClaimedDelivery,
    schedule: readonly number[] | null,
    result: AttemptResult,
    attemptAt: Date,
  ): void {
    const record = this.judge(delivery, schedule, result, attemptAt);
    this.buffer.push({ record, eventType: delivery.eventType, traceId: result.traceId });
    if (advancesStream(record)) this.streamsWaiting++;
    this.writing ??= this.writeLoop();
  }

  /** Called after a write that finished FIFO deliveries committed: their successors are due. */
  onStreamsAdvanced(listener: () => void): void {
    this.streamsAdvanced.push(listener);
  }

  /** Resolves after the next write commits (at once when nothing is pending). */
  whenWritten(): Promise<void> {
    if (this.writing === null) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves when nothing is buffered or being written. */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /**
   * Shutdown: waits up to `timeoutMs` for every attempt handed over to be committed. Past
   * that (the database is down or stuck) it gives up, logs what stays unrecorded and returns
   * its count: those rows keep their leases, which expire, and the deliveries are sent again
   * (at-least-once). Nothing is added after a drain.
   */
  async drain(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([this.idle().then(() => 'idle' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'idle') return 0;
    const left = [...this.buffer, ...this.inWriteBatch];
    this.abandoned = true;
    this.buffer = [];
    this.streamsWaiting = 0;
    this.interruptRetryWait?.();
    this.releaseWaiters();
    this.logger.warn(
      {
        unrecorded: left.length,
        deliveryIds: left.slice(0, 50).map((p) => p.record.delivery.id),
        timeoutMs,
      },
      'shutdown: attempts left unrecorded (database unavailable); their leases expire and they are sent again',
    );
    return left.length;
  }

  private judge(
    delivery: ClaimedDelivery,
    schedule: readonly number[] | null,
    result: AttemptResult,
    attemptAt: Date,
  ): AttemptRecord {
    const attempt = delivery.attempts + 1;
    let nextAttemptAt: Date | null = null;
    if (!result.succeeded && !result.final) {
      nextAttemptAt = this.retryPolicy.nextAttemptAt({
        attemptNumber: attempt,
        firstAttemptAt: delivery.firstAttemptAt ?? attemptAt,
        window: delivery.retryWindowStart
          ? { startedAt: delivery.retryWindowStart, attemptsBefore: delivery.retryScheduleBase }
          : null,
        now: this.clock.now(),
        schedule,
        retryAfterSeconds: result.retryAfterSeconds,
      });
    }
    return {
      // Only what the write needs: holding the claimed row would keep its payload alive
      // (up to MAX_PAYLOAD_BYTES each) until the batch commits.
      delivery: {
        id: delivery.id,
        appId: delivery.appId,
        messageId: delivery.messageId,
        endpointId: delivery.endpointId,
        leaseUntil: delivery.leaseUntil,
        fifo: delivery.fifo,
      },
      attemptId: newId('atmpt', attemptAt.getTime()),
      attempt,
      succeeded: result.succeeded,
      statusCode: result.statusCode,
      errorClass: result.errorClass,
      error: result.error,
      responseBody: result.responseBody,
      durationMs: result.durationMs,
      attemptedAt: attemptAt,
      status: result.succeeded ? 'succeeded' : nextAttemptAt ? 'pending' : 'failed',
      nextAttemptAt,
    };
  }

  private async writeLoop(): Promise<void> {
    // Let the sends that finish in this same tick join the batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.buffer.length > 0) {
      // Not while a FIFO stream waits on a record: its next delivery is sent only after it.
      if (this.buffer.length < GATHER_BELOW && this.streamsWaiting === 0)
        await new Promise<void>((resolve) => setTimeout(resolve, RECORD_GATHER_MS));
      const batch = this.buffer.splice(0, MAX_BATCH);
      this.streamsWaiting = this.buffer.reduce((n, p) => n + (advancesStream(p.record) ? 1 : 0), 0);
      this.inWriteBatch = batch;
      this.inWrite = batch.length;
      try {
        await this.queue.record(
          batch.map((p) => p.record),
          this.clock.now(),
        );
        this.inWrite = 0;
        this.inWriteBatch = [];
      } catch (err) {
        this.inWrite = 0;
        this.inWriteBatch = [];
        if (this.abandoned) break;
        this.logger.error(
          { err: String(err), attempts: batch.length },
          'recording attempts failed; retrying',
        );
        this.buffer.unshift(...batch);
        this.streamsWaiting = this.buffer.reduce(
          (n, p) => n + (advancesStream(p.record) ? 1 : 0),
          0,
        );
        await this.retryWait();
        continue;
      }
      this.afterCommit(batch);
      this.releaseWaiters();
    }
    this.writing = null;
    this.releaseWaiters();
  }

  private retryWait(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.interruptRetryWait = null;
        resolve();
      };
      const timer = setTimeout(done, RETRY_WRITE_AFTER_MS);
      this.interruptRetryWait = done;
    });
  }

  private releaseWaiters(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private afterCommit(batch: readonly Pending[]): void {
    if (this.streamsAdvanced.length > 0 && batch.some((p) => advancesStream(p.record)))
      for (const listener of this.streamsAdvanced) listener();
    const outcomes: RecordedOutcome[] = [];
    for (const { record: r, eventType, traceId } of batch) {
      const outcome =
        r.status === 'succeeded' ? 'succeeded' : r.status === 'pending' ? 'retrying' : 'failed';
      this.metrics.recordAttempt(outcome, r.errorClass, r.durationMs);
      if (!r.succeeded) {
        const line = {
          deliveryId: r.delivery.id,
          attempt: r.attempt,
          endpointId: r.delivery.endpointId,
          statusCode: r.statusCode,
          errorClass: r.errorClass,
          error: r.error,
          traceId,
        };
        if (r.status === 'failed') this.logger.warn({ ...line }, 'delivery failed for good');
        else
          this.logger.debug?.(
            { ...line, nextAttemptAt: r.nextAttemptAt?.toISOString() },
            'delivery attempt failed; will retry',
          );
      }
      outcomes.push({
        deliveryId: r.delivery.id,
        attemptId: r.attemptId,
        appId: r.delivery.appId,
        messageId: r.delivery.messageId,
        endpointId: r.delivery.endpointId,
        eventType,
        attempt: r.attempt,
        succeeded: r.succeeded,
        statusCode: r.statusCode,
        errorClass: r.errorClass,
        error: r.error,
        durationMs: r.durationMs,
        attemptedAt: r.attemptedAt,
        status: r.status,
        nextAttemptAt: r.nextAttemptAt,
      });
    }
    this.observers.notify(outcomes);
  }
}
