import { Injectable, Logger } from '@nestjs/common';
import type { RecordedOutcome } from './recorded-outcome';

/**
 * Told about every batch of attempts right after it has been committed (circuit breaker,
 * auto-disable, operational events). Runs off the hot path: the worker does not wait for it,
 * and an observer's failure is logged, never turned into a delivery failure.
 */
export interface DeliveryOutcomeObserver {
  onOutcomes(outcomes: readonly RecordedOutcome[]): void | Promise<void>;
}

@Injectable()
export class DeliveryOutcomeObservers {
  private readonly logger = new Logger(DeliveryOutcomeObservers.name);
  private readonly observers: DeliveryOutcomeObserver[] = [];

  register(observer: DeliveryOutcomeObserver): void {
    this.observers.push(observer);
  }

  notify(outcomes: readonly RecordedOutcome[]): void {
    for (const observer of this.observers) {
      Promise.resolve()
        .then(() => observer.onOutcomes(outcomes))
        .catch((err: unknown) =>
          this.logger.error(
            { err: String(err), observer: observer.constructor.name },
            'outcome observer failed',
          ),
        );
    }
  }
}
