/**
 * What features record into this process's metrics, without importing the ops folder:
 * `src/metrics` implements it with Prometheus (MetricsService) and provides it, globally,
 * under METRICS_RECORDER. Label values are bounded sets; never an app or endpoint id.
 */
export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed' | 'cancelled';

export interface MetricCounter {
  inc(value?: number): void;
}

export interface MetricGauge {
  inc(value?: number): void;
  dec(value?: number): void;
}

export interface MetricsRecorder {
  /** Messages accepted (committed) by the API. */
  readonly messagesIngested: MetricCounter;
  /** Deliveries created by fan-out. */
  readonly deliveriesCreated: MetricCounter;
  /** Deliveries being sent by this process right now. */
  readonly inFlight: MetricGauge;
  /** One call per recorded attempt; cheap enough for the hot path. */
  recordAttempt(outcome: DeliveryOutcome, errorClass: string | null, durationMs: number): void;
}

export const METRICS_RECORDER = Symbol('METRICS_RECORDER');
