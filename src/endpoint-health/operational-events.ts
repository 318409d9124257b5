import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { RecordedOutcome } from '../delivery/hooks/recorded-outcome';
import { MessageIngestService } from '../messages/message-ingest.service';
import { EndpointHealthRepository } from './endpoint-health.repository';
import type { EndpointHealthState } from './health-transitions';

export const ENDPOINT_DISABLED = 'endpoint.disabled';
export const ENDPOINT_CIRCUIT_OPENED = 'endpoint.circuit_opened';
export const MESSAGE_ATTEMPT_EXHAUSTED = 'message.attempt.exhausted';

export interface EndpointDisabledEvent {
  appId: string;
  endpointId: string;
  url: string;
  reason: string;
  failingSince: string | null;
  disabledAt: string;
}

export interface CircuitOpenedEvent {
  appId: string;
  endpointId: string;
  url: string;
  reason: string;
  consecutiveFailures: number;
  circuitOpens: number;
  openUntil: string;
}

export interface AttemptExhaustedEvent {
  appId: string;
  messageId: string;
  deliveryId: string;
  endpointId: string;
  eventType: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
}

/**
 * Publishes operational events as ordinary messages of the operator's app
 * (OPERATIONAL_EVENTS_APP), so they are fanned out, signed and retried like any delivery.
 * The eventId makes each one idempotent. Exhausted deliveries of the operational app itself
 * are not reported: a failing operational endpoint would otherwise feed itself forever.
 * A publication that fails is logged (the transition it reports is already committed). A
 * configured app that does not exist is warned about when the worker starts: every event
 * would be dropped (the app may still be created later; events then flow from that moment).
 */
@Injectable()
export class OperationalEvents implements OnApplicationBootstrap {
  private readonly logger = new Logger(OperationalEvents.name);
  private readonly app: string | undefined;
  private appId: Promise<string | null> | null = null;

  constructor(
    private readonly ingest: MessageIngestService,
    private readonly repository: EndpointHealthRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.app = config.OPERATIONAL_EVENTS_APP;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.app === undefined) return;
    let found: string | null;
    try {
      found = await this.repository.appIdOf(this.app);
    } catch {
      return; // the database is unreachable: start-up reports that elsewhere
    }
    if (found === null) {
      this.logger.warn(
        { operationalEventsApp: this.app },
        `OPERATIONAL_EVENTS_APP="${this.app}" names no existing app (id or uid): operational events (${ENDPOINT_DISABLED}, ${ENDPOINT_CIRCUIT_OPENED}, ${MESSAGE_ATTEMPT_EXHAUSTED}) are dropped until it is created`,
      );
    }
  }

  async endpointDisabled(
    state: EndpointHealthState,
    reason: string,
    failingSince: Date | null,
    at: Date,
  ): Promise<void> {
    const payload: EndpointDisabledEvent = {
      appId: state.appId,
      endpointId: state.id,
      url: state.url,
      reason,
      failingSince: failingSince?.toISOString() ?? null,
      disabledAt: at.toISOString(),
    };
    await this.publish(
      ENDPOINT_DISABLED,
      `op:${ENDPOINT_DISABLED}:${state.id}:${at.getTime()}`,
      payload,
    );
  }

  async circuitOpened(state: EndpointHealthState, reason: string): Promise<void> {
    const openUntil = state.circuitOpenUntil as Date;
    const payload: CircuitOpenedEvent = {
      appId: state.appId,
      endpointId: state.id,
      url: state.url,
      reason,
      consecutiveFailures: state.consecutiveFailures,
      circuitOpens: state.circuitOpens,
      openUntil: openUntil.toISOString(),
    };
    // circuit_opens restarts after a recovery, so the opening time keeps the id unique.
    await this.publish(
      ENDPOINT_CIRCUIT_OPENED,
      `op:${ENDPOINT_CIRCUIT_OPENED}:${state.id}:${state.circuitOpens}:${openUntil.getTime()}`,
      payload,
    );
  }

  async attemptsExhausted(outcomes: readonly RecordedOutcome[]): Promise<void> {
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length === 0 || this.app === undefined) return;
    const operationalAppId = await this.operationalAppId();
    // Concurrent, so ingestion's group commit writes them together.
    await Promise.all(
      failed
        .filter((o) => o.appId !== operationalAppId)
        .map((o) => {
          const payload: AttemptExhaustedEvent = {
            appId: o.appId,
            messageId: o.messageId,
            deliveryId: o.deliveryId,
            endpointId: o.endpointId,
            eventType: o.eventType,
            attempts: o.attempt,
            lastStatusCode: o.statusCode,
            lastError: o.error,
          };
          return this.publish(
            MESSAGE_ATTEMPT_EXHAUSTED,
            `op:${MESSAGE_ATTEMPT_EXHAUSTED}:${o.deliveryId}:${o.attempt}`,
            payload,
          );
        }),
    );
  }

  private async publish(eventType: string, eventId: string, payload: object): Promise<void> {
    if (this.app === undefined) return;
    try {
      await this.ingest.ingestOne(this.app, { eventType, eventId, payload });
    } catch (err) {
      this.logger.error(
        { err: String(err), eventType, eventId },
        'publishing an operational event failed',
      );
    }
  }

  private operationalAppId(): Promise<string | null> {
    // Cached once found; retried while the app does not exist yet.
    const lookup = (this.appId ??= this.repository.appIdOf(this.app as string));
    void lookup.then(
      (id) => {
        if (id === null && this.appId === lookup) this.appId = null;
      },
      () => {
        if (this.appId === lookup) this.appId = null;
      },
    );
    return lookup.catch(() => null);
  }
}
