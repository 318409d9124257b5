/** Response shapes of /api/v1 the browser apps read. Extra fields the server adds are kept. */
export interface App {
  id: string;
  uid: string | null;
  name: string;
  metadata: Record<string, unknown>;
  retrySchedule: string[] | null;
  createdAt: string;
  updatedAt: string;
}

export interface EndpointHealth {
  consecutiveFailures: number;
  circuitOpenUntil: string | null;
  failingSince: string | null;
}

export interface Endpoint {
  id: string;
  appId: string;
  url: string;
  description: string;
  disabled: boolean;
  disabledReason: string | null;
  headers: Record<string, string>;
  hasAuthToken: boolean;
  authTokenHint: string | null;
  rateLimit: number | null;
  retrySchedule: string[] | null;
  signatureHeader: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  health: EndpointHealth;
  [extra: string]: unknown;
}

export interface Subscription {
  id: string;
  endpointId: string;
  eventTypes: string[];
  filter: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface Message {
  id: string;
  eventType: string;
  eventId: string | null;
  /** FIFO ordering key (null: none). */
  orderingKey?: string | null;
  /** Sent by the test-event route: delivered to one endpoint only, never replayed. */
  test?: boolean;
  createdAt: string;
  payload?: Record<string, unknown>;
}

export interface DeliveryStatus {
  id: string;
  endpointId: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  updatedAt: string;
}

export interface MessageDetail extends Message {
  payload: Record<string, unknown>;
  deliveries: DeliveryStatus[];
}

export interface Attempt {
  id: string;
  deliveryId: string;
  messageId: string;
  endpointId: string;
  attempt: number;
  succeeded: boolean;
  statusCode: number | null;
  errorClass: string | null;
  error: string | null;
  responseBody: string | null;
  durationMs: number;
  createdAt: string;
}

export interface EventType {
  name: string;
  description: string;
  schema: Record<string, unknown> | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  [extra: string]: unknown;
}

export interface MinuteStats {
  minute: string;
  succeeded: number;
  failed: number;
  avgDurationMs: number;
  maxDurationMs: number;
}

export interface EndpointStats {
  endpointId: string;
  since: string;
  until: string;
  bucketSeconds: number;
  succeeded: number;
  failed: number;
  data: MinuteStats[];
}

export interface TestEventOutcome {
  messageId: string;
  deliveryId: string;
  outcome?: {
    succeeded: boolean;
    statusCode: number | null;
    durationMs: number;
    errorClass: string | null;
    responseBody: string | null;
  };
}

export interface RoutingTestResult {
  eventType: string;
  endpoints: { endpointId: string; subscriptionIds: string[] }[];
}
