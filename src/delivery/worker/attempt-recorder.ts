import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { MetricsService } from '../../metrics/metrics.service';
import { DeliveryOutcomeObservers } from '../hooks/delivery-outcome-observer';
import type { RecordedOutcome } from '../hooks/recorded-outcome';
import { RetryPolicy } from '../retry/retry-policy';
import type { AttemptResult, ClaimedDelivery } from './claimed-delivery';
import { DeliveryQueueRepository, type AttemptRecord } from './delivery-queue.repository';

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
}

/**
 * Judges each attempt with the retry policy and writes results in batches: whatever finished
 * while the previous write was in flight goes out in the next single statement, so under
 * load there is one round trip per hundreds of attempts and at low load no added latency.
 * A failed write is retried (the rows stay leased to us) rather than dropped.
 */
@Injectable()
export class AttemptRecorder {
  private readonly logger = new Logger(AttemptRecorder.name);
  private readonly retryPolicy = new RetryPolicy();
  private buffer: Pending[] = [];
  private writing: Promise<void> | null = null;
  private inWrite = 0;
  /** Backpressure: callers waiting for the next commit (one promise per waiter, not per attempt). */
  private waiters: Array<() => void> = [];

  constructor(
    private readonly queue: DeliveryQueueRepository,
    private readonly metrics: MetricsService,
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
    this.buffer.push({
      record: this.judge(delivery, schedule, result, attemptAt),
      eventType: delivery.eventType,
    });
    this.writing ??= this.writeLoop();
  }

  /** Resolves after the next write commits (at once when nothing is pending). */
  whenWritten(): Promise<void> {
    if (this.writing === null) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves when nothing is buffered or being written (shutdown). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
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
      if (this.buffer.length < GATHER_BELOW)
        await new Promise<void>((resolve) => setTimeout(resolve, RECORD_GATHER_MS));
      const batch = this.buffer.splice(0, MAX_BATCH);
      this.inWrite = batch.length;
      try {
        await this.queue.record(
          batch.map((p) => p.record),
          this.clock.now(),
        );
        this.inWrite = 0;
      } catch (err) {
        this.inWrite = 0;
        this.logger.error(
          { err: String(err), attempts: batch.length },
          'recording attempts failed; retrying',
        );
        this.buffer.unshift(...batch);
        await new Promise<void>((resolve) => setTimeout(resolve, RETRY_WRITE_AFTER_MS));
        continue;
      }
      this.afterCommit(batch);
      this.releaseWaiters();
    }
    this.writing = null;
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private afterCommit(batch: readonly Pending[]): void {
    const outcomes: RecordedOutcome[] = [];
    for (const { record: r, eventType } of batch) {
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
