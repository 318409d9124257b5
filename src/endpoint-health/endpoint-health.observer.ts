import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import {
  DeliveryOutcomeObservers,
  type DeliveryOutcomeObserver,
} from '../delivery/hooks/delivery-outcome-observer';
import type { RecordedOutcome } from '../delivery/hooks/recorded-outcome';
import { CircuitBreaker } from './circuit/circuit-breaker';
import { EndpointQueueRepository } from '../queue/endpoint-queue.repository';
import { EndpointHealthRepository, type PlannedTransition } from './endpoint-health.repository';
import { decideTransition, type HealthPolicy } from './health-transitions';
import { OperationalEvents } from './operational-events';
import { summarizeOutcomes, type EndpointBatchSummary } from './outcome-summary';

/**
 * After each recorded batch: one statement updates the failure counters of the endpoints in
 * it; the few endpoints that cross a line (threshold, failed probe, disable window, 410) get
 * their transition in a second, conditional statement; then the operational events go out.
 */
@Injectable()
export class EndpointHealthObserver implements DeliveryOutcomeObserver, OnModuleInit {
  private readonly logger = new Logger(EndpointHealthObserver.name);
  private readonly policy: HealthPolicy;

  constructor(
    private readonly repository: EndpointHealthRepository,
    private readonly endpointQueue: EndpointQueueRepository,
    private readonly breaker: CircuitBreaker,
    private readonly events: OperationalEvents,
    private readonly observers: DeliveryOutcomeObservers,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.policy = {
      circuitThreshold: config.CIRCUIT_BREAKER_THRESHOLD,
      disableAfterMs: config.ENDPOINT_DISABLE_AFTER,
    };
  }

  onModuleInit(): void {
    this.observers.register(this);
  }

  async onOutcomes(outcomes: readonly RecordedOutcome[]): Promise<void> {
    const now = this.clock.now();
    const batch = new Map(summarizeOutcomes(outcomes).map((s) => [s.endpointId, s]));
    const states = await this.repository.applyOutcomes([...batch.values()]);
    const planned: PlannedTransition[] = [];
    const decidedProbes: string[] = [];
    for (const state of states) {
      const probe = this.breaker.probeOutcome(state.id, outcomes);
      if (probe !== 'none') decidedProbes.push(state.id);
      const transition = decideTransition(
        state,
        batch.get(state.id) as EndpointBatchSummary,
        probe === 'failed',
        now,
        this.policy,
      );
      if (transition) planned.push({ state, transition });
    }
    const applied = await this.repository.applyTransitions(planned, now);
    const after = new Map(states.map((s) => [s.id, s]));
    for (const a of applied) after.set(a.after.id, a.after);
    const closed = this.breaker.observe([...after.values()], decidedProbes);
    // Other workers resume the endpoint at once instead of at their next sweep.
    await this.repository.notifyRoutingChanged(closed.map((s) => s.appId));

    for (const { state, transition, after: changed } of applied) {
      this.logger.warn(
        { endpointId: state.id, transition: transition.kind, reason: transition.reason },
        transition.kind === 'disable' ? 'endpoint disabled' : 'circuit opened',
      );
      if (transition.kind === 'disable')
        await this.events.endpointDisabled(changed, transition.reason, state.failingSince, now);
      else await this.events.circuitOpened(changed, transition.reason);
    }
    await this.events.attemptsExhausted(outcomes);
    // Last: it moves up to a whole backlog (seconds for 100k rows), and the gates are closed already.
    const opened = applied.flatMap(({ after: a }) =>
      a.circuitOpenUntil ? [{ id: a.id, until: a.circuitOpenUntil }] : [],
    );
    await this.endpointQueue.hold(opened, now);
  }
}
