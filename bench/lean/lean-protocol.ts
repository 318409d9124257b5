/**
 * The lean durable reference (issue 15): the leanest PostgreSQL-queue webhook sender worth
 * comparing with. No framework, one table of pending work with one partial index, a batched
 * `SKIP LOCKED` claim, the same signed 1 KB bodies to the same receiver, and one batched
 * attempt INSERT + delivery UPDATE per batch of results. It has none of the product's
 * features (retries beyond "mark failed", fairness between endpoints, leases' expiry sweep,
 * rate limits, breaker, shaping, FIFO, counters, tracing): it is the floor a durable design
 * pays, so the product's drain is judged against what durability costs, not only against a
 * loop that persists nothing.
 */
export interface LeanLoadParams {
  databaseUrl: string;
  backlog: number;
}

export interface LeanDrainParams {
  origin: string;
  path: string;
  secret: string;
  /** Requests in flight (the product's per-endpoint default, ENDPOINT_MAX_IN_FLIGHT). */
  concurrency: number;
  /** Rows per claim and per record statement (the product's WORKER_BATCH_SIZE). */
  batchSize: number;
  /** Gives up after this long (the rate over what arrived still counts). */
  maxMs: number;
}

export interface LeanDrainResult {
  delivered: number;
  failed: number;
  /** Rows still pending or leased when the drain stopped (0 when it completed). */
  left: number;
  attemptsLogged: number;
  claims: number;
  records: number;
  elapsedMs: number;
  peakRssMb: number;
}

export type LeanProtocol = {
  load: { params: LeanLoadParams; result: { loaded: number } };
  drain: { params: LeanDrainParams; result: LeanDrainResult };
  drop: { params: Record<string, never>; result: { dropped: boolean } };
};
