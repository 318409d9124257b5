import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Client, type Notification, type Pool } from 'pg';
import { CLOCK, type Clock } from '../../common/clock';
import { PG_POOL } from '../../database/pg-pool';
import { DELIVERIES_CHANNEL, ROUTING_CHANNEL } from '../../queue/channels';
import { EndpointGates } from '../hooks/endpoint-gate';
import { DeliveryWorker } from './delivery-worker';
import { EndpointConfigCache } from './endpoint-config.cache';

const RECONNECT_AFTER_MS = 1000;

/**
 * One dedicated connection LISTENing for new work (ingest, retry, recover) and for endpoint
 * changes, so an idle worker reacts at once instead of at the next sweep. Reconnects on any
 * error; after reconnecting it wakes the worker, since notifications may have been missed.
 */
@Injectable()
export class DeliveryWakeup implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWakeup.name);
  private client: Client | null = null;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly worker: DeliveryWorker,
    private readonly endpoints: EndpointConfigCache,
    private readonly gates: EndpointGates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client(this.pool.options);
    client.on('notification', (n) => this.onNotification(n));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${DELIVERIES_CHANNEL}; LISTEN ${ROUTING_CHANNEL}`);
      this.client = client;
      this.worker.wake();
    } catch (err) {
      this.lost(client, err);
    }
  }

  private lost(client: Client, err: unknown): void {
    if (this.stopped || this.reconnectTimer) return;
    if (this.client !== null && this.client !== client) return;
    this.client = null;
    this.logger.warn(
      { err: err === null ? 'connection ended' : String(err) },
      'LISTEN connection lost; reconnecting',
    );
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, RECONNECT_AFTER_MS);
  }

  private onNotification(notification: Notification): void {
    if (notification.channel === DELIVERIES_CHANNEL) {
      this.worker.wake();
      return;
    }
    if (notification.payload) this.endpoints.invalidateApp(notification.payload);
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
