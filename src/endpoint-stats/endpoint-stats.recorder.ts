import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import {
  DeliveryOutcomeObservers,
  type DeliveryOutcomeObserver,
} from '../delivery/hooks/delivery-outcome-observer';
import type { RecordedOutcome } from '../delivery/hooks/recorded-outcome';
import { EndpointStatsRepository } from './endpoint-stats.repository';
import { countByMinute } from './minute-counts';

/** Counters older than this are pruned: the console charts the last 24 hours. */
export const STATS_KEPT_MS = 48 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Adds every recorded batch to the per-endpoint per-minute counters, off the hot path (an
 * outcome observer: the worker does not wait for it). Prunes old minutes about once an hour.
 */
@Injectable()
export class EndpointStatsRecorder implements DeliveryOutcomeObserver, OnModuleInit {
  private nextPruneAt = 0;

  constructor(
    private readonly repository: EndpointStatsRepository,
    private readonly observers: DeliveryOutcomeObservers,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.observers.register(this);
  }

  async onOutcomes(outcomes: readonly RecordedOutcome[]): Promise<void> {
    await this.repository.add(countByMinute(outcomes));
    const now = this.clock.now().getTime();
    if (now >= this.nextPruneAt) {
      this.nextPruneAt = now + PRUNE_EVERY_MS;
      await this.repository.prune(new Date(now - STATS_KEPT_MS));
    }
  }
}
