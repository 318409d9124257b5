import type { DeliveryStatusAfterAttempt } from '../../queue/delivery-types';

/** One recorded attempt and the delivery state it led to, as observers see it. */
export interface RecordedOutcome {
  deliveryId: string;
  attemptId: string;
  appId: string;
  messageId: string;
  endpointId: string;
  eventType: string;
  attempt: number;
  succeeded: boolean;
  statusCode: number | null;
  errorClass: string | null;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
  status: DeliveryStatusAfterAttempt;
  nextAttemptAt: Date | null;
}
