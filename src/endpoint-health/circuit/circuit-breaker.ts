import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { EndpointGates, type EndpointGate } from '../../delivery/hooks/endpoint-gate';
import { SendPermits, type SendPermit } from '../../delivery/hooks/send-permit';
import type { HealthOutcome } from '../outcome-summary';
import type { EndpointHealthState } from '../health-transitions';
import { EndpointHealthRepository } from '../endpoint-health.repository';

/** Room for the probe to be claimed, sent (one delivery timeout) and recorded. */
const PROBE_MARGIN_MS = 10_000;

interface Probe {
  until: Date;
  /** When its one send was allowed to start; null while it has not started. */
  startedAt: Date | null;
}

/**
 * This worker's view of the circuits (the state itself lives in the endpoint rows): open
 * endpoints are neither claimed (gate) nor sent to (permit, for deliveries claimed before it
 * opened). When a cool-down is over, one worker takes the probe with a conditional UPDATE and
 * lets exactly one send through; its outcome closes or re-opens the circuit
 * (EndpointHealthObserver). Refreshed every sweep and routing change; this worker's own
 * transitions are applied at once.
 */
@Injectable()
export class CircuitBreaker implements EndpointGate, SendPermit, OnModuleInit {
  private open = new Map<string, Date>();
  private readonly probes = new Map<string, Probe>();
  private readonly probeWindowMs: number;

  constructor(
    private readonly repository: EndpointHealthRepository,
    private readonly gates: EndpointGates,
    private readonly permits: SendPermits,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.probeWindowMs = config.DELIVERY_TIMEOUT_MS + PROBE_MARGIN_MS;
  }

  onModuleInit(): void {
    this.gates.register(this);
    this.permits.register(this);
  }

  *excludedEndpointIds(): Iterable<string> {
    for (const id of this.open.keys()) {
      const probe = this.probes.get(id);
      if (!probe || probe.startedAt !== null) yield id;
    }
  }

  async refresh(now: Date): Promise<void> {
    const open = new Map(
      (await this.repository.circuitsNotClosed()).map((c) => [c.id, c.openUntil]),
    );
    for (const [id, probe] of this.probes) {
      if (!open.has(id) || probe.until <= now) this.probes.delete(id);
      else open.set(id, probe.until);
    }
    const due = [...open]
      .filter(([id, until]) => until <= now && !this.probes.has(id))
      .map(([id]) => id);
    const until = new Date(now.getTime() + this.probeWindowMs);
    const won = await this.repository.takeProbes(due, now, until);
    for (const id of won) {
      this.probes.set(id, { until, startedAt: null });
      open.set(id, until);
    }
    const closed = [...this.open.keys()].some((id) => !open.has(id));
    this.open = open;
    if (won.length > 0 || closed) this.permits.signalAvailable();
  }

  available(endpointId: string, wanted: number): number {
    if (!this.open.has(endpointId)) return wanted;
    const probe = this.probes.get(endpointId);
    return probe && probe.startedAt === null ? Math.min(1, wanted) : 0;
  }

  consume(endpointId: string, _count: number, now: Date): void {
    const probe = this.probes.get(endpointId);
    if (probe && probe.startedAt === null) probe.startedAt = now;
  }

  /** Whether this batch holds the outcome of this worker's probe to the endpoint, and whether it failed. */
  probeOutcome(
    endpointId: string,
    outcomes: readonly HealthOutcome[],
  ): 'none' | 'failed' | 'succeeded' {
    const startedAt = this.probes.get(endpointId)?.startedAt;
    if (!startedAt) return 'none';
    const mine = outcomes.filter((o) => o.endpointId === endpointId && o.attemptedAt >= startedAt);
    if (mine.length === 0) return 'none';
    return mine.some((o) => o.succeeded) ? 'succeeded' : 'failed';
  }

  /**
   * The state this worker just wrote (counters, transitions): taken over without waiting for a
   * refresh. Returns the circuits it saw close.
   */
  observe(
    states: readonly EndpointHealthState[],
    decidedProbes: readonly string[],
  ): EndpointHealthState[] {
    for (const id of decidedProbes) this.probes.delete(id);
    const closed: EndpointHealthState[] = [];
    for (const state of states) {
      if (state.circuitOpenUntil && !state.disabled) {
        if (!this.probes.has(state.id)) this.open.set(state.id, state.circuitOpenUntil);
      } else if (this.open.delete(state.id)) {
        this.probes.delete(state.id);
        closed.push(state);
      }
    }
    if (closed.length > 0) this.permits.signalAvailable();
    return closed;
  }
}
