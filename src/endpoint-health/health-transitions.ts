import type { EndpointBatchSummary } from './outcome-summary';

/**
 * The circuit breaker and auto-disable rules. Pure: the state comes from the endpoint row as
 * the batch's counter update left it, time and thresholds come in as arguments.
 *
 * Circuit states: closed (circuit_open_until null), open (until in the future: nothing is
 * claimed or sent), half-open (until passed: one probe may go). After `threshold` consecutive
 * failures a closed circuit opens; a failed probe re-opens it with a longer cool-down; any
 * success closes it (that part is in the counter update, see EndpointHealthRepository).
 */
export interface HealthPolicy {
  circuitThreshold: number;
  disableAfterMs: number;
}

/** The endpoint row after the batch's counters were applied. */
export interface EndpointHealthState {
  id: string;
  appId: string;
  url: string;
  disabled: boolean;
  consecutiveFailures: number;
  failingSince: Date | null;
  circuitOpenUntil: Date | null;
  circuitOpens: number;
}

export type HealthTransition =
  { kind: 'disable'; reason: string } | { kind: 'open'; reason: string; openUntil: Date };

export const COOL_DOWN_BASE_MS = 30_000;
export const COOL_DOWN_MAX_MS = 10 * 60_000;

/** 30 s for the first opening of a streak, doubling with each re-opening, at most 10 min. */
export function coolDownMs(opening: number): number {
  return Math.min(COOL_DOWN_BASE_MS * 2 ** Math.max(0, opening - 1), COOL_DOWN_MAX_MS);
}

export function decideTransition(
  state: EndpointHealthState,
  batch: EndpointBatchSummary,
  probeFailed: boolean,
  now: Date,
  policy: HealthPolicy,
): HealthTransition | null {
  if (state.disabled) return null;
  if (batch.gone) return { kind: 'disable', reason: 'receiver answered 410 Gone' };
  if (
    state.failingSince &&
    batch.failures > 0 &&
    now.getTime() - state.failingSince.getTime() >= policy.disableAfterMs
  ) {
    return {
      kind: 'disable',
      reason: `failing since ${state.failingSince.toISOString()} (${describeDuration(policy.disableAfterMs)})`,
    };
  }
  const openUntil = new Date(now.getTime() + coolDownMs(state.circuitOpens + 1));
  if (state.circuitOpenUntil === null && state.consecutiveFailures >= policy.circuitThreshold) {
    return { kind: 'open', reason: `${state.consecutiveFailures} consecutive failures`, openUntil };
  }
  if (probeFailed && batch.failures > 0) return { kind: 'open', reason: 'probe failed', openUntil };
  return null;
}

const UNITS: Array<[string, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "5 days", "1 hour", "90 minutes": the largest unit that divides the duration. */
export function describeDuration(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
}
