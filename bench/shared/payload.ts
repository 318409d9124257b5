/**
 * The 1 KB JSON payload every scenario sends: an invoice-like object padded to exactly
 * PAYLOAD_BYTES when serialised, so the service and the raw loop carry the same bytes.
 */
export const PAYLOAD_BYTES = 1024;
export const EVENT_TYPE = 'invoice.paid';

export function buildPayload(): Record<string, unknown> {
  const base = {
    id: 'inv_0000000000000000',
    amount: 12_345,
    currency: 'EUR',
    customer: { id: 'cus_0000000000', email: 'billing@example.com', plan: 'enterprise' },
    lines: [
      { sku: 'seat', quantity: 25, unitAmount: 400 },
      { sku: 'support', quantity: 1, unitAmount: 2_345 },
    ],
    notes: '',
  };
  const padding = PAYLOAD_BYTES - JSON.stringify(base).length;
  return { ...base, notes: 'x'.repeat(Math.max(0, padding)) };
}

/**
 * The body the raw loop sends: the same envelope shape a webhook sender puts around the
 * payload (type, timestamp, data), built per request as a sender would.
 */
export function envelope(payloadJson: string, timestampIso: string): string {
  return `{"type":"${EVENT_TYPE}","timestamp":"${timestampIso}","data":${payloadJson}}`;
}
