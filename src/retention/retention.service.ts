import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLOCK, type Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RemovedRows, RetentionRepository } from './retention.repository';

const DAY_MS = 86_400_000;

/** Messages per batch transaction (their deliveries and attempts go with them). */
export const RETENTION_BATCH_SIZE = 2_000;

/** Between batches: gives ingestion and the workers the disk and the locks back. */
const PAUSE_BETWEEN_BATCHES_MS = 100;

export interface RetentionReport extends RemovedRows {
  endpoints: number;
  batches: number;
  cutoff: Date;
}

/**
 * Removes messages older than RETENTION_DAYS with their deliveries and attempts, in bounded
 * batches, and soft-deleted endpoints nothing refers to any more. A message with a pending
 * or delivering delivery is kept whole. One process at a time (advisory lock); the others
 * skip the run.
 */
@Injectable()
export class RetentionService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private running: Promise<RetentionReport | null> | null = null;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repository: RetentionRepository,
  ) {}

  @Interval('retention', 60_000)
  async scheduledRun(): Promise<void> {
    try {
      await this.runOnce();
    } catch (err) {
      this.logger.error(
        { err: { message: err instanceof Error ? err.message : String(err) } },
        'retention run failed; retried next minute',
      );
    }
  }

  /** One full pass; null when another process (or this one) is already running it. */
  runOnce(): Promise<RetentionReport | null> {
    if (this.running !== null || this.stopping) return Promise.resolve(null);
    this.running = this.pass().finally(() => (this.running = null));
    return this.running;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<RetentionReport | null> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.RETENTION_DAYS * DAY_MS);
    const started = performance.now();
    const report = await this.repository.withLock(async (session) => {
      const total: RetentionReport = {
        messages: 0,
        deliveries: 0,
        attempts: 0,
        endpoints: 0,
        batches: 0,
        cutoff,
      };
      let cursor: string | null = null;
      while (!this.stopping) {
        const batch = await session.nextMessageBatch(cutoff, cursor, RETENTION_BATCH_SIZE);
        if (batch.length === 0) break;
        const removed = await session.removeMessages(batch);
        total.messages += removed.messages;
        total.deliveries += removed.deliveries;
        total.attempts += removed.attempts;
        total.batches += 1;
        cursor = batch[batch.length - 1];
        if (batch.length < RETENTION_BATCH_SIZE) break;
        await sleep(PAUSE_BETWEEN_BATCHES_MS);
      }
      while (!this.stopping) {
        const orphans = await session.removeOrphanAttempts(cutoff, RETENTION_BATCH_SIZE);
        total.attempts += orphans;
        if (orphans < RETENTION_BATCH_SIZE) break;
        await sleep(PAUSE_BETWEEN_BATCHES_MS);
      }
      if (!this.stopping)
        total.endpoints = await session.purgeDeletedEndpoints(cutoff, RETENTION_BATCH_SIZE);
      return total;
    });
    if (report !== null && report.messages + report.attempts + report.endpoints > 0) {
      const { messages, deliveries, attempts, endpoints, batches } = report;
      this.logger.log(
        {
          messages,
          deliveries,
          attempts,
          endpoints,
          batches,
          cutoff: cutoff.toISOString(),
          durationMs: Math.round(performance.now() - started),
        },
        'retention removed old rows',
      );
    }
    return report;
  }
}
