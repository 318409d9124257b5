import type { ClaimedDelivery } from '../../src/queue/delivery-types';

/**
 * A claimed delivery as the queue hands it to the worker, for unit specs of the worker's
 * parts: a first attempt of `msg_<id>` to `ep_1`, claimed at `at` (ms since the epoch) with
 * a minute of lease; `overrides` set what a spec is about.
 */
export function claimedDelivery(
  id: string,
  at: number,
  overrides: Partial<ClaimedDelivery> = {},
): ClaimedDelivery {
  return {
    id,
    appId: 'app_1',
    messageId: `msg_${id}`,
    endpointId: 'ep_1',
    attempts: 0,
    firstAttemptAt: null,
    retryWindowStart: null,
    retryScheduleBase: 0,
    leaseUntil: new Date(at + 60_000),
    eventType: 'invoice.paid',
    payload: '{}',
    messageCreatedAt: new Date(at),
    endpointUpdatedAt: new Date(at),
    endpointDisabled: false,
    endpointDeleted: false,
    traceContext: null,
    fifo: null,
    bodyShape: '{}',
    ...overrides,
  };
}
