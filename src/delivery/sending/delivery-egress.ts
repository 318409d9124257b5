import type { Dispatcher } from 'undici';

/**
 * What the sender needs from egress: a dispatcher per request (round-robin over bound
 * addresses, SSRF-guarded DNS inside) and the literal-IP check Node's lookup never sees.
 * OutboundDispatchers (src/egress) implements it; the worker module binds this token to it,
 * so the sender depends on the shape, and tests or a future egress can supply another.
 */
export interface DeliveryEgress {
  next(): Dispatcher;
  /** Throws SsrfBlockedError for a forbidden IP-literal destination. */
  assertAllowed(url: URL): void;
}

export const DELIVERY_EGRESS = Symbol('DELIVERY_EGRESS');
