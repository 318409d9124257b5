/*
 * Conditions a feature's own delete embeds to leave rows that deliveries still refer to
 * (delivery has no foreign keys: hot-path inserts). The queue owns their text; arguments are
 * the enclosing statement's table aliases.
 */

/** True when message `message` has no delivery left. */
export function noDeliveryOfMessage(message: string): string {
  return `NOT EXISTS (SELECT 1 FROM delivery d WHERE d.message_id = ${message}.id)`;
}

/** True when no delivery refers to endpoint `endpoint`. */
export function noDeliveryToEndpoint(endpoint: string): string {
  return `NOT EXISTS (SELECT 1 FROM delivery d WHERE d.endpoint_id = ${endpoint}.id)`;
}
