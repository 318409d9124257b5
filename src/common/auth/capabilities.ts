/**
 * What a scoped credential (app API key or portal session) may be allowed to do. Admin keys
 * can do everything; routes that only admins may use are declared with @AdminOnly().
 */
export const CAPABILITIES = [
  'endpoints:read',
  'endpoints:write',
  'secrets:read',
  'secrets:rotate',
  'messages:read',
  'messages:write',
  'deliveries:read',
  'deliveries:retry',
  'events:test',
  'event-types:read',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

export const CAPABILITY_DOCS: Readonly<Record<Capability, string>> = {
  'endpoints:read': "List and read the app's endpoints and their subscriptions",
  'endpoints:write': 'Create, update, disable and delete endpoints and their subscriptions',
  'secrets:read': "Reveal an endpoint's signing secret",
  'secrets:rotate': "Rotate an endpoint's signing secret",
  'messages:read': "List and read the app's messages",
  'messages:write': 'Send messages (single and batch)',
  'deliveries:read': 'Read deliveries, attempts (with response excerpts) and endpoint stats',
  'deliveries:retry': 'Retry a delivery, recover or replay an endpoint',
  'events:test': 'Try routing (`subscriptions/test`) and send test events',
  'event-types:read': 'Read the event type catalog (schemas and examples)',
};

/**
 * A portal session's capabilities when the request names none: what the customer's own
 * portal needs — everything but sending messages as the operator's product would.
 */
export const PORTAL_DEFAULT_CAPABILITIES: readonly Capability[] = CAPABILITIES.filter(
  (c) => c !== 'messages:write',
);

export const isCapability = (value: unknown): value is Capability =>
  typeof value === 'string' && (CAPABILITIES as readonly string[]).includes(value);
