import { BullmqResult } from '../scenarios/bullmq';
import { DrainResult } from '../scenarios/drain';
import { IngestScenarioResult } from '../scenarios/ingest';
import { LatencyResult } from '../scenarios/latency';
import { LeanReferenceResult } from '../scenarios/lean-reference';
import { RawLimitResult } from '../scenarios/raw-limit';

/** Everything one run measured, as written to bench/results/<timestamp>.json. */
export interface BenchResults {
  raw?: RawLimitResult;
  drain?: DrainResult;
  /** The lean durable reference: same backlog, minimal PostgreSQL queue, no framework. */
  lean?: LeanReferenceResult;
  isolation?: DrainResult;
  ingest?: IngestScenarioResult;
  latency?: LatencyResult;
  scale?: DrainResult;
  bullmq?: BullmqResult;
  /** The drain of (2) through a FIFO endpoint, 1,000 ordering keys; and with one key. */
  fifo?: DrainResult;
  fifo1?: DrainResult;
  /** Median of one signed POST at a time to the receiver: what bounds one key. */
  fifo1RoundTripMs?: number | null;
  apiPeakRssMb?: number | null;
  /** Scenario name → what went wrong (the run goes on with the others). */
  errors: Record<string, string>;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryMb: number;
  node: string;
  platform: string;
  postgres: string;
  database: 'embedded' | 'external';
  /** The commit dist/ was built from, and how many files under src/ differed from it. */
  source: string;
  /** 1-minute load average at the start and at the end: other work on the machine skews every figure. */
  loadAverage: { start: number; end: number };
}
