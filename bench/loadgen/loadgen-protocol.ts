import { LatencySummary } from '../shared/stats';

/** What the runner asks of the load generator process. */

export interface ServiceTarget {
  origin: string;
  apiKey: string;
  appId: string;
}

export interface RawLoopParams {
  origin: string;
  path: string;
  secret: string;
  concurrency: number;
  count: number;
  maxMs: number;
}

export interface RawLoopResult {
  completed: number;
  errors: number;
  elapsedMs: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
}

export interface BatchLoadParams extends ServiceTarget {
  total: number;
  batchSize: number;
  concurrency: number;
  /** Message i gets orderingKey `key-<i mod orderingKeys>` (FIFO scenarios); absent: no key. */
  orderingKeys?: number;
}

export interface BatchLoadResult {
  messages: number;
  requests: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  messagesPerSecond: number;
}

export interface IngestParams extends ServiceTarget {
  concurrency: number;
  count: number;
  maxMs: number;
}

export interface IngestResult {
  accepted: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  acceptedPerSecond: number;
  latencyMs: LatencySummary;
}

/** Open-loop load at a fixed rate: against the service (POST /messages) or the raw receiver. */
export type SteadyTarget =
  | ({ kind: 'service' } & ServiceTarget)
  | { kind: 'raw'; origin: string; path: string; secret: string };

export interface SteadyParams {
  target: SteadyTarget;
  ratePerSecond: number;
  durationMs: number;
  /** Sent first and not recorded, so connection set-up and JIT warm-up stay out of the figures. */
  warmupMs: number;
  maxInFlight: number;
}

export interface SteadyResult {
  sent: number;
  accepted: number;
  errors: number;
  firstError: string | null;
  /** Requests not sent because maxInFlight was reached (the target could not keep up). */
  skipped: number;
  /** Recorded (post-warm-up) message ids with the time their 202 arrived. */
  acceptedAt: Array<[string, number]>;
  requestLatencyMs: LatencySummary;
  achievedRatePerSecond: number;
}

export type LoadgenProtocol = {
  raw: { params: RawLoopParams; result: RawLoopResult };
  batchLoad: { params: BatchLoadParams; result: BatchLoadResult };
  ingest: { params: IngestParams; result: IngestResult };
  steady: { params: SteadyParams; result: SteadyResult };
};
