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

interface Pending {
  record: AttemptRecord;
  eventType: string;
  done: () => void;
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

  /** Resolves once the attempt and the delivery's new state are committed. */
  add(delivery: ClaimedDelivery, schedule: readonly number[] | null, result: AttemptResult, attemptAt: Date): Promise<void> {
    const record = this.judge(delivery, schedule, result, attemptAt);
    return new Promise((resolve) => {
      this.buffer.push({ record, eventType: delivery.eventType, done: resolve });
      this.writing ??= this.writeLoop();
    });
  }

  /** Resolves when nothing is buffered or being written (shutdown). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private judge(delivery: ClaimedDelivery, schedule: readonly number[] | null, result: AttemptResult, attemptAt: Date): AttemptRecord {
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
      delivery,
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
      const batch = this.buffer.splice(0, MAX_BATCH);
      this.inWrite = batch.length;
      try {
        await this.queue.record(batch.map((p) => p.record), this.clock.now());
        this.inWrite = 0;
      } catch (err) {
        this.inWrite = 0;
        this.logger.error({ err: String(err), attempts: batch.length }, 'recording attempts failed; retrying');
        this.buffer.unshift(...batch);
        await new Promise<void>((resolve) => setTimeout(resolve, RETRY_WRITE_AFTER_MS));
        continue;
      }
      this.afterCommit(batch);
    }
    this.writing = null;
  }

  private afterCommit(batch: readonly Pending[]): void {
    const outcomes: RecordedOutcome[] = [];
    for (const { record: r, eventType, done } of batch) {
      const outcome = r.status === 'succeeded' ? 'succeeded' : r.status === 'pending' ? 'retrying' : 'failed';
      this.metrics.recordAttempt(outcome, r.errorClass, r.durationMs);
      if (!r.succeeded) {
        const line = { deliveryId: r.delivery.id, attempt: r.attempt, endpointId: r.delivery.endpointId, statusCode: r.statusCode, errorClass: r.errorClass, error: r.error };
        if (r.status === 'failed') this.logger.warn({ ...line }, 'delivery failed for good');
        else this.logger.debug?.({ ...line, nextAttemptAt: r.nextAttemptAt?.toISOString() }, 'delivery attempt failed; will retry');
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
      done();
    }
    this.observers.notify(outcomes);
  }
}
