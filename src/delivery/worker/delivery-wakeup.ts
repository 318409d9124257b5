import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { CLOCK, type Clock } from '../../common/clock';
import { DELIVERIES_CHANNEL, ROUTING_CHANNEL } from '../../queue/channels';
import { NotificationHub } from '../../queue/listen/notification-hub';
import { EndpointGates } from '../hooks/endpoint-gate';
import { DeliveryWorker } from './delivery-worker';
import { EndpointConfigCache } from './endpoint-config.cache';

/**
 * Wakes the worker on new work (ingest, retry, recover) and on endpoint changes, through the
 * process's LISTEN connection (NotificationHub), so an idle worker reacts at once instead of at
 * the next sweep. Whenever the connection is (re)established it wakes the worker, since
 * notifications may have been missed.
 */
@Injectable()
export class DeliveryWakeup implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWakeup.name);
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly hub: NotificationHub,
    private readonly worker: DeliveryWorker,
    private readonly endpoints: EndpointConfigCache,
    private readonly gates: EndpointGates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe.push(
      this.hub.subscribe(DELIVERIES_CHANNEL, {
        notify: () => this.worker.wake(),
        listening: () => this.worker.wake(),
      }),
      this.hub.subscribe(ROUTING_CHANNEL, { notify: (appId) => this.endpointsChanged(appId) }),
    );
  }

  beforeApplicationShutdown(): void {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }

  private endpointsChanged(appId: string): void {
    if (appId) this.endpoints.invalidateApp(appId);
    else this.endpoints.clear();
    // Enabling an endpoint must resume its deliveries promptly.
    this.gates
      .refresh(this.clock.now())
      .then(() => this.worker.wake())
      .catch((err: unknown) =>
        this.logger.error({ err: String(err) }, 'endpoint gates refresh failed'),
      );
  }
}
