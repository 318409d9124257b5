import { Agent, type Dispatcher } from 'undici';
import { assertConnectTargetAllowed, createGuardedLookup } from '../../egress/ssrf/guarded-lookup';

/**
 * What the sender needs from egress: a dispatcher per request (round-robin over bound
 * addresses, SSRF-guarded DNS inside) and the literal-IP check Node's lookup never sees.
 * OutboundDispatchers (src/egress) implements it; the worker module binds this token to it.
 */
export interface DeliveryEgress {
  next(): Dispatcher;
  /** Throws SsrfBlockedError for a forbidden IP-literal destination. */
  assertAllowed(url: URL): void;
}

export const DELIVERY_EGRESS = Symbol('DELIVERY_EGRESS');

/**
 * Stand-in until OutboundDispatchers is wired: one guarded agent, no bind addresses.
 * Keep-alive and unlimited pipelining-free connections per origin, like the real one.
 */
export class SingleAgentEgress implements DeliveryEgress {
  private readonly agent: Agent;

  constructor(
    private readonly allowPrivate: boolean,
    timeoutMs: number,
  ) {
    const lookup = createGuardedLookup({ allowPrivate, extraForbidden: [] });
    this.agent = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 30_000, connect: { lookup, timeout: timeoutMs } });
  }

  next(): Dispatcher {
    return this.agent;
  }

  assertAllowed(url: URL): void {
    assertConnectTargetAllowed(url.hostname.replace(/^\[|\]$/g, ''), { allowPrivate: this.allowPrivate, extraForbidden: [] });
  }

  /** Nest calls this on shutdown, after the worker has finished or aborted its sends. */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy();
  }
}
