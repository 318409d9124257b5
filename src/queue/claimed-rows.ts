/*
 * The rows DeliveryQueueRepository's claims return, and what the worker gets of them. Shared by
 * the unordered and the FIFO claim.
 */
import type { ClaimedDelivery, FifoPlace } from './delivery-types';

/** Times come back as epoch milliseconds (int8 text): cheaper than parsing timestamptz text. */
export interface ClaimRow {
  id: string;
  app_id: string;
  message_id: string;
  endpoint_id: string;
  attempts: number;
  first_attempt_ms: string | null;
  retry_window_ms: string | null;
  retry_schedule_base: number;
  event_type: string;
  payload: string;
  message_created_ms: string;
  endpoint_updated_ms: string | null;
  endpoint_disabled: boolean | null;
  endpoint_deleted: boolean;
  trace_context: string | null;
  body_shape: string | null;
}

/** A FIFO claim row: a claimed head (with its stream), or only the count when none was. */
export interface FifoClaimRow extends Omit<ClaimRow, 'id'> {
  id: string | null;
  fifo_key: string;
  fifo_seq: string;
  scanned: number;
}

export function toClaimed(r: ClaimRow, leaseUntil: Date, fifo: FifoPlace | null): ClaimedDelivery {
  return {
    id: r.id,
    appId: r.app_id,
    messageId: r.message_id,
    endpointId: r.endpoint_id,
    attempts: r.attempts,
    firstAttemptAt: r.first_attempt_ms === null ? null : new Date(Number(r.first_attempt_ms)),
    retryWindowStart: r.retry_window_ms === null ? null : new Date(Number(r.retry_window_ms)),
    retryScheduleBase: r.retry_schedule_base,
    leaseUntil,
    eventType: r.event_type,
    payload: r.payload,
    messageCreatedAt: new Date(Number(r.message_created_ms)),
    endpointUpdatedAt: new Date(r.endpoint_updated_ms === null ? 0 : Number(r.endpoint_updated_ms)),
    endpointDisabled: r.endpoint_disabled === true,
    endpointDeleted: r.endpoint_deleted,
    traceContext: r.trace_context,
    fifo,
    bodyShape: r.body_shape ?? '{}',
  };
}
