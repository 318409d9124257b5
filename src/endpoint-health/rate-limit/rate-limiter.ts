import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { CLOCK, type Clock } from '../../common/clock';
import { EndpointGates, type EndpointGate } from '../../delivery/hooks/endpoint-gate';
import { SendPermits, type SendPermit } from '../../delivery/hooks/send-permit';
import { RateLimitRepository } from './rate-limit.repository';
import { ACQUIRE_INTERVAL_MS, chunkFor, LocalAllowance, msUntilToken } from './rate-allowance';

/**
 * Per-endpoint `rateLimit` across every worker process. The bucket lives in the endpoint row;
 * a worker that has sends waiting for a limited endpoint takes tokens from it in small chunks
 * (one statement for all such endpoints per round) and spends them locally, one per send.
 * Sends without a token wait in the worker's queue — no attempt is recorded — and the
 * endpoint is not claimed for while they wait. Local tokens expire after a second, so an
 * idle worker never hoards what another could use.
 */
@Injectable()
export class RateLimiter implements EndpointGate, SendPermit, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimiter.name);
  private limits = new Map<string, number>();
  private readonly allowance = new LocalAllowance();
  /** Sends waiting here for tokens, per endpoint (as last asked). */
  private readonly demand = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private acquiring = false;
  private stopped = false;

  constructor(
    private readonly repository: RateLimitRepository,
    private readonly gates: EndpointGates,
    private readonly permits: SendPermits,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.gates.register(this);
    this.permits.register(this);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  excludedEndpointIds(): Iterable<string> {
    return this.demand.keys();
  }

  async refresh(): Promise<void> {
    this.limits = await this.repository.limits();
    let lifted = false;
    for (const id of this.demand.keys()) {
      if (this.limits.has(id)) continue;
      this.demand.delete(id);
      lifted = true;
    }
    // A limit removed (or the endpoint disabled): what waited for tokens may go (or be handed back).
    if (lifted) this.permits.signalAvailable();
  }

  available(endpointId: string, wanted: number): number {
    if (!this.limits.has(endpointId)) return wanted;
    const tokens = this.allowance.available(endpointId, performance.now());
    if (tokens < wanted) {
      this.demand.set(endpointId, wanted - tokens);
      this.schedule(ACQUIRE_INTERVAL_MS);
    }
    return Math.min(tokens, wanted);
  }

  consume(endpointId: string, count: number): void {
    if (this.limits.has(endpointId)) this.allowance.spend(endpointId, count, performance.now());
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.acquiring || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.acquire();
    }, delayMs);
    this.timer.unref();
  }

  private async acquire(): Promise<void> {
    const ids = [...this.demand.keys()].filter((id) => this.limits.has(id)).sort();
    if (ids.length === 0) return;
    this.acquiring = true;
    let next = ACQUIRE_INTERVAL_MS;
    let granted = false;
    try {
      const wanted = ids.map((id) =>
        chunkFor(this.limits.get(id) as number, this.demand.get(id) as number),
      );
      const mono = performance.now();
      next = Number.POSITIVE_INFINITY;
      for (const grant of await this.repository.acquire(ids, wanted, this.clock.now())) {
        if (grant.granted > 0) {
          this.allowance.add(grant.endpointId, grant.granted, mono);
          this.demand.delete(grant.endpointId);
          granted = true;
        }
        next = Math.min(next, msUntilToken(grant.left, grant.rateLimit));
      }
      if (!Number.isFinite(next)) next = ACQUIRE_INTERVAL_MS;
    } catch (err) {
      this.logger.error(
        { err: String(err), endpoints: ids.length },
        'acquiring rate-limit tokens failed',
      );
    } finally {
      this.acquiring = false;
    }
    // Sends that get a token re-register what they still lack, which schedules the next round.
    if (granted) this.permits.signalAvailable();
    if (this.demand.size > 0) this.schedule(next);
  }
}
