/**
 * How much work one delivery worker holds at most, derived from its configuration. The worker
 * sizes its claims with it, and the crash tests bound duplicates with it: a delivery can be
 * sent twice only if the worker died after sending it and before its result committed.
 */
export interface WorkerCapacity {
  /** Claim in batches of at least this many rows (hysteresis), not one row per freed slot. */
  minClaim: number;
  /** Claimed and not yet sent, at most: what is sending plus a batch claimed ahead. */
  claimCapacity: number;
  /** Unrecorded results beyond which claiming waits for the recorder. */
  recorderLimit: number;
  /**
   * Deliveries leased to the worker and not yet recorded, at most: claimed-but-unsent rows
   * plus unrecorded results never exceed claimCapacity + recorderLimit, because a claim only
   * takes what that sum leaves free and results only move rows from one side to the other.
   */
  maxUnrecorded: number;
}

export function workerCapacity(concurrency: number, batchSize: number): WorkerCapacity {
  const minClaim = Math.max(1, Math.floor(Math.min(batchSize, concurrency) / 2));
  // The next batch is claimed while the current one is still being sent, so the sends never
  // wait for a claim round trip (a claim under load takes tens of milliseconds).
  const claimCapacity = concurrency + minClaim;
  // A record write in flight holds up to a thousand results: bounding by the concurrency
  // alone stopped claims during every write and let the sends run dry.
  const recorderLimit = 2 * Math.max(concurrency, batchSize);
  return { minClaim, claimCapacity, recorderLimit, maxUnrecorded: claimCapacity + recorderLimit };
}

/** Smallest memory a claimed row is assumed to take, whatever its payload (row object, ids). */
const MIN_ROW_BYTES = 256;
/** Weight of the latest claim in the running estimate of bytes per row. */
const LEARNING_RATE = 0.3;

/**
 * Rows claimed ahead hold their payloads in memory until they are sent, so their number is
 * capped by bytes as well as by count: 762 claimed rows are 0.8 MB with 1 KB payloads but
 * 195 MB at the 256 KiB payload limit. The estimate starts at the worst case (the largest
 * payload ingestion accepts) and learns the real size from each claim.
 */
export class PayloadBudget {
  private bytesPerRow: number;

  constructor(
    private readonly budgetBytes: number,
    worstCaseRowBytes: number,
  ) {
    this.bytesPerRow = Math.max(MIN_ROW_BYTES, worstCaseRowBytes);
  }

  /** How many rows may be held at once (at least one, so any payload can be delivered). */
  rows(): number {
    return Math.max(1, Math.floor(this.budgetBytes / this.bytesPerRow));
  }

  /** Learns from one claim: `payloadBytes` in all of its `rows`. */
  observe(payloadBytes: number, rows: number): void {
    if (rows === 0) return;
    const latest = Math.max(MIN_ROW_BYTES, payloadBytes / rows);
    this.bytesPerRow = (1 - LEARNING_RATE) * this.bytesPerRow + LEARNING_RATE * latest;
  }
}

/**
 * How many rows to claim now; 0: not now. Claimed, unsent rows (`backlog`) fill the capacity,
 * which the payload budget may lower; unrecorded results count too once they pile up beyond
 * the recorder's limit (a slow database), so the worker claims no faster than it records.
 * While work is still held a claim waits until it can take a batch of at least minClaim rows
 * (at most half the capacity), rather than claiming one row per freed slot.
 */
export function claimLimit(
  capacity: WorkerCapacity,
  batchSize: number,
  budgetRows: number,
  backlog: number,
  unrecorded: number,
): number {
  const rows = Math.min(capacity.claimCapacity, budgetRows);
  const free = rows - backlog - Math.max(0, unrecorded - capacity.recorderLimit);
  const minClaim = Math.min(capacity.minClaim, Math.ceil(rows / 2));
  if (free <= 0 || (backlog > 0 && free < minClaim)) return 0;
  return Math.min(batchSize, free);
}

/**
 * Due FIFO rows one claim looks at per row it may claim: the rest of what it looks at are
 * blocked streams' successors, which it takes out of the due range as it goes.
 */
const FIFO_SCAN_PER_ROW = 2;
const FIFO_SCAN_MIN = 32;

/** Due FIFO rows a claim of up to `limit` heads looks at. */
export function fifoScanRows(limit: number): number {
  return Math.max(FIFO_SCAN_MIN, limit * FIFO_SCAN_PER_ROW);
}
