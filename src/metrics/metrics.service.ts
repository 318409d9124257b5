import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeliveryOutcome, MetricsRecorder } from '../common/metrics-port';

/**
 * The Prometheus registry of this process and the counters the hot paths bump. Label values
 * are bounded sets (outcome, error class); no app or endpoint ids, whose number is unbounded.
 * Features see it as a MetricsRecorder (common/metrics-port.ts).
 */
@Injectable()
export class MetricsService implements MetricsRecorder {
  readonly registry = new Registry();

  readonly messagesIngested = new Counter({
    name: 'hookrelay_messages_ingested_total',
    help: 'Messages accepted (committed) by the API',
    registers: [this.registry],
  });

  readonly deliveriesCreated = new Counter({
    name: 'hookrelay_deliveries_created_total',
    help: 'Deliveries created by fan-out',
    registers: [this.registry],
  });

  readonly attempts = new Counter({
    name: 'hookrelay_delivery_attempts_total',
    help: 'Delivery attempts by outcome and error class (none on success)',
    labelNames: ['outcome', 'error_class'] as const,
    registers: [this.registry],
  });

  readonly attemptDuration = new Histogram({
    name: 'hookrelay_delivery_attempt_duration_seconds',
    help: 'Time from sending a delivery to its answer (or error)',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [this.registry],
  });

  readonly inFlight = new Gauge({
    name: 'hookrelay_deliveries_in_flight',
    help: 'Deliveries being sent by this process right now',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'hookrelay_process_' });
  }

  /** One call per recorded attempt; cheap enough for the hot path. */
  recordAttempt(outcome: DeliveryOutcome, errorClass: string | null, durationMs: number): void {
    this.attempts.inc({ outcome, error_class: errorClass ?? 'none' });
    this.attemptDuration.observe({ outcome }, durationMs / 1000);
  }
}
