import { Inject, Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { CLOCK, type Clock } from '../common/clock';
import { QueueSnapshot, QueueStatsRepository } from '../queue/queue-stats.repository';
import { MetricsService } from './metrics.service';

/** However often Prometheus (or several of them) scrape, the database is asked at most this often. */
export const QUEUE_SNAPSHOT_MAX_AGE_MS = 5_000;

/**
 * Gauges of the database-wide queue, computed when scraped. Every process (api and worker)
 * reports the same values: aggregate them with max(), not sum(). No per-app labels: the
 * number of apps is unbounded. The throttle runs on monotonic time; the SQL's "now" comes
 * from the injected Clock.
 */
@Injectable()
export class QueueGauges {
  private readonly logger = new Logger(QueueGauges.name);
  private last: { takenAt: number; snapshot: Promise<QueueSnapshot | null> } | null = null;
  private readonly failures: Counter;

  constructor(
    metrics: MetricsService,
    private readonly stats: QueueStatsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    const registers = [metrics.registry];
    this.failures = new Counter({
      name: 'hookrelay_queue_snapshot_failures_total',
      help: 'Scrapes whose queue snapshot query failed (the queue gauges then keep their previous values)',
      registers,
    });
    const gauge = (name: string, help: string, pick: (s: QueueSnapshot) => number): Gauge => {
      const read = () => this.current();
      return new Gauge({
        name,
        help,
        registers,
        async collect() {
          const snapshot = await read();
          if (snapshot !== null) this.set(pick(snapshot));
        },
      });
    };
    gauge('hookrelay_queue_due', 'Pending deliveries whose next attempt is due now', (s) => s.due);
    gauge(
      'hookrelay_queue_scheduled',
      'Pending deliveries waiting for a future retry',
      (s) => s.scheduled,
    );
    gauge(
      'hookrelay_deliveries_leased',
      "Deliveries claimed by a worker (status 'delivering')",
      (s) => s.leased,
    );
    gauge(
      'hookrelay_queue_oldest_due_age_seconds',
      'How long the most overdue pending delivery has waited past its due time',
      (s) => s.oldestDueAgeSeconds,
    );
    gauge(
      'hookrelay_endpoints_circuit_open',
      'Endpoints whose circuit breaker is open',
      (s) => s.openCircuits,
    );
    gauge(
      'hookrelay_endpoints_disabled',
      'Endpoints disabled (by an operator or after failing too long)',
      (s) => s.disabledEndpoints,
    );
  }

  /** Concurrent scrapes within the max age share one query. */
  private current(): Promise<QueueSnapshot | null> {
    const at = performance.now();
    if (this.last === null || at - this.last.takenAt >= QUEUE_SNAPSHOT_MAX_AGE_MS) {
      this.last = { takenAt: at, snapshot: this.take() };
    }
    return this.last.snapshot;
  }

  private async take(): Promise<QueueSnapshot | null> {
    try {
      return await this.stats.snapshot(this.clock.now());
    } catch (err) {
      this.failures.inc();
      this.logger.warn(
        { err: { message: err instanceof Error ? err.message : String(err) } },
        'queue snapshot failed',
      );
      return null;
    }
  }
}
