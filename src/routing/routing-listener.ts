import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Notification, Pool, PoolClient } from 'pg';
import { PG_POOL } from '../database/pg-pool';
import { reconnectDelayMs } from './expiring-load-cache';
import { ROUTING_CHANNEL } from '../queue/channels';

export interface RoutingListenerEvents {
  /** An app's routing changed in some process (including this one). */
  changed(appId: string): void;
  /** Notifications may have been missed (connection lost or just (re)established). */
  reset(): void;
}

/**
 * Holds one pool connection LISTENing on the routing channel. When it errors, the owner is told
 * to forget everything (notifications may have been lost) and the connection is re-established
 * with exponential backoff.
 */
@Injectable()
export class RoutingListener {
  private readonly logger = new Logger(RoutingListener.name);
  private client: PoolClient | null = null;
  private events: RoutingListenerEvents | null = null;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  get listening(): boolean {
    return this.client !== null;
  }

  start(events: RoutingListenerEvents): void {
    this.events = events;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    // Destroy rather than return it: a pooled connection must not keep LISTENing.
    client?.release(true);
  }

  private connect(): void {
    this.timer = null;
    if (this.stopped) return;
    this.pool.connect().then(
      (client) => this.subscribe(client),
      (err: unknown) => this.retry(err),
    );
  }

  private async subscribe(client: PoolClient): Promise<void> {
    if (this.stopped) {
      client.release(true);
      return;
    }
    let lost = false;
    const onNotification = (msg: Notification): void => {
      if (msg.channel === ROUTING_CHANNEL && msg.payload) this.events?.changed(msg.payload);
    };
    const onError = (err: unknown): void => {
      if (lost) return;
      lost = true;
      client.off('notification', onNotification);
      if (this.client === client) this.client = null;
      client.release(true);
      this.events?.reset();
      this.retry(err);
    };
    client.on('error', onError);
    client.on('notification', onNotification);
    try {
      await client.query(`LISTEN ${ROUTING_CHANNEL}`);
    } catch (err) {
      onError(err);
      return;
    }
    if (this.stopped) {
      client.release(true);
      return;
    }
    this.client = client;
    this.failures = 0;
    // Anything cached before this point may have missed a notification.
    this.events?.reset();
  }

  private retry(err: unknown): void {
    if (this.stopped) return;
    this.failures++;
    const delay = reconnectDelayMs(this.failures);
    this.logger.warn(
      { err: err instanceof Error ? err.message : String(err), retryInMs: delay },
      'routing listener lost its connection',
    );
    this.timer = setTimeout(() => this.connect(), delay);
    this.timer.unref();
  }
}
