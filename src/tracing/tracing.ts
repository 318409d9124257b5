/**
 * The tracing port: what ingestion and the delivery sender need of tracing, without the
 * OpenTelemetry SDK. With tracing off the implementation is NO_TRACING, whose starts return
 * null: callers then create no span objects and do no context work.
 */

export const TRACING = Symbol('TRACING');

/** What the ingest span reports once the messages are stored. */
export interface IngestAnnotation {
  appId: string;
  /** The stored (or, for repeats, original) messages of the request, in order. */
  messages: ReadonlyArray<{ id: string; eventType: string; duplicate: boolean }>;
  deliveriesCreated: number;
}

/** The span of one ingest request (`POST …/messages` or `…/messages/batch`). */
export interface IngestSpan {
  readonly traceId: string;
  /** Stored with each message: the parent of all its delivery attempts. */
  readonly traceparent: string;
  annotate(annotation: IngestAnnotation): void;
  end(statusCode: number): void;
}

export interface AttemptStart {
  /** The traceparent stored with the message (null: ingested with tracing off). */
  parent: string | null;
  appId: string;
  messageId: string;
  deliveryId: string;
  endpointId: string;
  eventType: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Host of the endpoint (never the full URL: its path or query may carry a secret). */
  host: string;
}

/** What the attempt span reports at its end; AttemptResult fits. */
export interface AttemptOutcome {
  succeeded: boolean;
  statusCode: number | null;
  errorClass: string | null;
  durationMs: number;
}

/** The span of one delivery attempt, child of the message's ingest span. */
export interface AttemptSpan {
  readonly traceId: string;
  /** This span as a parent: the `traceparent` header sent to endpoints that ask for it. */
  readonly traceparent: string;
  end(outcome: AttemptOutcome): void;
}

export interface Tracing {
  readonly enabled: boolean;
  /** @param incoming the producer's `traceparent` header, honoured as the parent when valid. */
  startIngest(route: string, incoming: string | undefined): IngestSpan | null;
  startAttempt(start: AttemptStart): AttemptSpan | null;
  /** Exports what is buffered and stops (at shutdown). */
  shutdown(): Promise<void>;
}

export const NO_TRACING: Tracing = {
  enabled: false,
  startIngest: () => null,
  startAttempt: () => null,
  shutdown: () => Promise.resolve(),
};
