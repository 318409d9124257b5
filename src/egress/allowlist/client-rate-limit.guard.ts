import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { CLOCK, type Clock } from '../../common/clock';
import { DomainError } from '../../common/errors/domain-error';
import { TokenBuckets } from './token-bucket';

export const OUTBOUND_IPS_REQUESTS_PER_MINUTE = 60;

/**
 * Limits each client IP on the public allowlist route (no key identifies the caller).
 * In-process on purpose: the route is read-only and cheap, so a limit per API process (N
 * processes allow N times the rate) is enough to stop one client from hogging it, without a
 * shared store. The key is request.ip: the socket's peer, or behind the proxies named by
 * TRUST_PROXY the client they forward for (otherwise all clients would share the proxy's
 * bucket). IPv6 clients are keyed by their /64, which one client usually owns whole.
 */
@Injectable()
export class ClientRateLimitGuard implements CanActivate {
  private readonly buckets = new TokenBuckets({
    capacity: OUTBOUND_IPS_REQUESTS_PER_MINUTE,
    periodMs: 60_000,
  });

  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const key = clientKey(http.getRequest<FastifyRequest>().ip);
    const result = this.buckets.take(key, this.clock.now().getTime());
    if (result.allowed) return true;
    void http.getResponse<FastifyReply>().header('retry-after', String(result.retryAfterSeconds));
    throw new DomainError(
      429,
      'rate_limited',
      `at most ${OUTBOUND_IPS_REQUESTS_PER_MINUTE} requests per minute per client; retry after ${result.retryAfterSeconds} s`,
    );
  }
}

function clientKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/64`).toString()}/64`;
}
