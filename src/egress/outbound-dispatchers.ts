import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Agent, type Dispatcher } from 'undici';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { addressFamily, assertBindAddressesPublished } from './dispatch/bind-addresses';
import { deniedAddresses } from './dispatch/own-addresses';
import type { AddressPolicyOptions } from './ssrf/address-policy';
import { ConnectTargetGuard, createGuardedLookup } from './ssrf/guarded-lookup';

/**
 * Optional provider of the DNS resolver the SSRF guard wraps (dns.lookup when absent): tests
 * inject one that answers differently from call to call (DNS rebinding).
 */
export const EGRESS_RESOLVER = Symbol('EGRESS_RESOLVER');

/** How long close() may wait for in-flight requests before sockets are destroyed. */
const CLOSE_GRACE_MS = 5_000;

/**
 * The only way deliveries reach the network. Each dispatcher is an undici Agent that
 *  - vets every resolved address with the SSRF guard (the `lookup` hook, so DNS rebinding
 *    cannot slip a private address in between a check and the connect),
 *  - leaves from one of OUTBOUND_BIND_ADDRESSES (round-robin across agents), and
 *  - keeps pooled keep-alive connections per origin.
 * Redirects are never followed (no redirect interceptor): a 3xx is the receiver's answer.
 *
 * Senders must call `assertAllowed(url)` before each request: Node skips `lookup` for IP
 * literals, so `http://127.0.0.1/` is only caught there.
 */
@Injectable()
export class OutboundDispatchers implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboundDispatchers.name);
  private readonly agents: readonly Agent[];
  private readonly policy: AddressPolicyOptions;
  private readonly connectTargets: ConnectTargetGuard;
  private cursor = 0;

  /** Throws (stopping start-up) when a bind address is not within OUTBOUND_IPS. */
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(EGRESS_RESOLVER) resolver?: LookupFunction,
  ) {
    assertBindAddressesPublished(config.OUTBOUND_BIND_ADDRESSES, config.OUTBOUND_IPS);
    this.policy = {
      allowPrivate: config.DELIVERY_ALLOW_PRIVATE_NETWORKS,
      extraForbidden: deniedAddresses(config, networkInterfaces()),
    };
    this.connectTargets = new ConnectTargetGuard(this.policy);
    const lookup = createGuardedLookup({ ...this.policy, lookup: resolver });
    const bindAddresses: ReadonlyArray<string | undefined> =
      config.OUTBOUND_BIND_ADDRESSES.length > 0 ? config.OUTBOUND_BIND_ADDRESSES : [undefined];
    this.agents = bindAddresses.map(
      (localAddress) =>
        new Agent({
          localAddress,
          // A pool smaller than the worker's concurrency would queue requests in undici
          // before their timeouts start; one origin may receive all of them.
          connections: config.WORKER_CONCURRENCY,
          // Head-of-line blocking behind a slow webhook would charge its latency to others.
          pipelining: 1,
          headersTimeout: config.DELIVERY_TIMEOUT_MS,
          bodyTimeout: config.DELIVERY_TIMEOUT_MS,
          // Receivers advertise Keep-Alive: timeout=…; undici honours it up to this bound.
          keepAliveTimeout: 4_000,
          keepAliveMaxTimeout: 60_000,
          connect: {
            lookup,
            timeout: config.DELIVERY_TIMEOUT_MS,
            // A socket bound to an IPv4 address cannot reach an IPv6 peer and vice versa.
            ...(localAddress ? { family: addressFamily(localAddress) } : {}),
          },
        }),
    );
  }

  /** The dispatcher for the next request: round-robin over the bind addresses. */
  next(): Dispatcher {
    const agent = this.agents[this.cursor];
    this.cursor = (this.cursor + 1) % this.agents.length;
    return agent;
  }

  /** Throws SsrfBlockedError when `url` names a forbidden IP literal (DNS names pass here). */
  assertAllowed(url: URL): void {
    this.connectTargets.assertAllowed(url.hostname);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.agents.map((agent) => closeAgent(agent, this.logger)));
  }
}

async function closeAgent(agent: Agent, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CLOSE_GRACE_MS);
    timer.unref();
  });
  const outcome = await Promise.race([agent.close().then(() => 'closed' as const), graceOver]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    logger.warn(`requests still in flight after ${CLOSE_GRACE_MS} ms: destroying sockets`);
    await agent.destroy();
  }
}
