/**
 * The delivered body, built by concatenation around the stored payload text so every attempt
 * sends identical bytes (signatures and receivers' dedup depend on it) and the payload is
 * never parsed and re-serialised on the hot path.
 */
export function buildDeliveryBody(
  messageId: string,
  eventType: string,
  createdAt: Date,
  payload: string,
): string {
  return (
    '{"id":' +
    JSON.stringify(messageId) +
    ',"type":' +
    JSON.stringify(eventType) +
    ',"timestamp":"' +
    createdAt.toISOString() +
    '","data":' +
    payload +
    '}'
  );
}
