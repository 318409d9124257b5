/** One delivery row as the claim statement returns it: everything needed to send it. */
export interface ClaimedDelivery {
  id: string;
  appId: string;
  messageId: string;
  endpointId: string;
  /** Attempts already made; this one is `attempts + 1`. */
  attempts: number;
  firstAttemptAt: Date | null;
  /** Set by a manual re-queue: the retry window began then (null: at firstAttemptAt). */
  retryWindowStart: Date | null;
  /** Attempts made before the current retry window (0 until a manual re-queue). */
  retryScheduleBase: number;
  /** The lease this worker holds; recording only touches the row while it is still ours. */
  leaseUntil: Date;
  eventType: string;
  payload: string;
  messageCreatedAt: Date;
  endpointUpdatedAt: Date;
  endpointDisabled: boolean;
  endpointDeleted: boolean;
  /** W3C traceparent stored with the message at ingestion (null: tracing was off). */
  traceContext: string | null;
  /**
   * Set on deliveries to a FIFO endpoint: its stream (the ordering key, '' for none) and its
   * place in it (int8 as text). Finishing it makes the stream's next delivery claimable.
   */
  fifo: FifoPlace | null;
  /**
   * The body shape frozen on the delivery at its first claim, as JSON text ('{}': the plain
   * envelope): every attempt shapes the payload with it, so every attempt sends the same bytes.
   */
  bodyShape: string;
}

/** What recording needs of a claimed delivery (not its payload, which may be large). */
export type LeasedDelivery = Pick<
  ClaimedDelivery,
  'id' | 'appId' | 'messageId' | 'endpointId' | 'leaseUntil' | 'fifo'
>;

/** A FIFO delivery's stream and sequence number within it. */
export interface FifoPlace {
  key: string;
  seq: string;
}

/** What sending one attempt produced, before the retry policy has judged it. */
export interface AttemptResult {
  succeeded: boolean;
  statusCode: number | null;
  errorClass: string | null;
  error: string | null;
  responseBody: string | null;
  durationMs: number;
  /** Seconds from a 429/503 Retry-After header. */
  retryAfterSeconds: number | null;
  /** A failure that no retry can fix (blocked destination): final at once. */
  final: boolean;
  /** The attempt span's trace, for the attempt's log lines (absent: tracing off). */
  traceId?: string;
}

export type DeliveryStatusAfterAttempt = 'succeeded' | 'pending' | 'failed';
