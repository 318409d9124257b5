/** The parts of a recorded attempt the health rules look at. */
export interface HealthOutcome {
  endpointId: string;
  succeeded: boolean;
  statusCode: number | null;
  attemptedAt: Date;
}

/**
 * One endpoint's attempts in a recorded batch, reduced to what the counter update needs.
 * Attempts are taken in batch order (the order the sends finished).
 */
export interface EndpointBatchSummary {
  endpointId: string;
  /** A success was among them: the failure streak restarts from after the last success. */
  recovered: boolean;
  /** Failures after the last success (all of them when none succeeded). */
  failures: number;
  /** The first of those failures, which starts a streak when none is running. */
  firstFailureAt: Date | null;
  /** The receiver answered 410 Gone after the last success. */
  gone: boolean;
  /** The latest attempt time seen. */
  lastAttemptAt: Date;
}

export function summarizeOutcomes(outcomes: readonly HealthOutcome[]): EndpointBatchSummary[] {
  const byEndpoint = new Map<string, EndpointBatchSummary>();
  for (const o of outcomes) {
    let s = byEndpoint.get(o.endpointId);
    if (!s) {
      s = {
        endpointId: o.endpointId,
        recovered: false,
        failures: 0,
        firstFailureAt: null,
        gone: false,
        lastAttemptAt: o.attemptedAt,
      };
      byEndpoint.set(o.endpointId, s);
    }
    if (o.attemptedAt > s.lastAttemptAt) s.lastAttemptAt = o.attemptedAt;
    if (o.succeeded) {
      Object.assign(s, { recovered: true, failures: 0, firstFailureAt: null, gone: false });
    } else {
      s.failures++;
      s.firstFailureAt ??= o.attemptedAt;
      if (o.statusCode === 410) s.gone = true;
    }
  }
  return [...byEndpoint.values()];
}
