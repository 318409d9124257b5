import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Client, type Notification, type Pool } from 'pg';
import { PG_POOL } from '../../database/pg-pool';
import { reconnectDelayMs } from './reconnect-delay';

/** One channel's listener. */
export interface ChannelSubscriber {
  /** A notification on the channel ('' when it had no payload). */
  notify(payload: string): void;
  /** LISTENing (again): notifications sent while it was not may have been missed. */
  listening?(): void;
  /** The connection was lost; notifications are missed until `listening` is called again. */
  lost?(): void;
}

/**
 * The process's ONE LISTEN connection, serving every channel (channels.ts) with one reconnect
 * policy: a dedicated connection (not a pooled one, which must not keep LISTENing), opened when
 * the first subscriber arrives, re-established after any error with reconnectDelayMs's backoff,
 * and closed when the last subscriber leaves. Each (re)connection LISTENs on every subscribed
 * channel in one query (sorted, so the text is stable), then tells every subscriber.
 */
@Injectable()
export class NotificationHub implements OnApplicationShutdown {
  private readonly logger = new Logger(NotificationHub.name);
  private readonly subscribers = new Map<string, Set<ChannelSubscriber>>();
  /** The connection being opened or open; events of any other (an old one) are ignored. */
  private current: Client | null = null;
  /** The connection once it LISTENs, and the channels it LISTENs on. */
  private client: Client | null = null;
  private readonly listened = new Set<string>();
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** True while notifications on `channel` are being received. */
  listeningOn(channel: string): boolean {
    return this.client !== null && this.listened.has(channel);
  }

  /** Returns the unsubscribe function. */
  subscribe(channel: string, subscriber: ChannelSubscriber): () => void {
    let set = this.subscribers.get(channel);
    if (set === undefined) {
      set = new Set();
      this.subscribers.set(channel, set);
    }
    set.add(subscriber);
    const client = this.client;
    if (client !== null) {
      if (this.listened.has(channel)) subscriber.listening?.();
      else void this.addChannel(client, channel);
    } else if (this.current === null && this.timer === null) {
      void this.connect();
    }
    return () => this.unsubscribe(channel, subscriber);
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscribers.clear();
    await this.close();
  }

  private unsubscribe(channel: string, subscriber: ChannelSubscriber): void {
    const set = this.subscribers.get(channel);
    if (!set?.delete(subscriber)) return;
    if (set.size === 0) this.subscribers.delete(channel);
    if (this.subscribers.size === 0) void this.close();
  }

  private async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.current;
    this.current = null;
    this.client = null;
    this.listened.clear();
    if (client === null) return;
    client.removeAllListeners('end');
    await client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.timer = null;
    if (this.subscribers.size === 0) return;
    const client = new Client(this.pool.options);
    this.current = client;
    client.on('notification', (n) => this.dispatch(n));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    const listened: string[] = [];
    try {
      await client.connect();
      // Subscribers may arrive while LISTEN runs: repeat until every channel is covered.
      while (
        this.subscribers.size > 0 &&
        [...this.subscribers.keys()].some((c) => !listened.includes(c))
      ) {
        const channels = [...this.subscribers.keys()].sort();
        await client.query(channels.map((c) => `LISTEN ${c}`).join('; '));
        listened.splice(0, listened.length, ...channels);
      }
    } catch (err) {
      this.lost(client, err);
      return;
    }
    if (this.current !== client) return; // lost or closed meanwhile
    if (this.subscribers.size === 0) {
      await this.close();
      return;
    }
    this.client = client;
    this.listened.clear();
    for (const c of listened) this.listened.add(c);
    this.failures = 0;
    for (const set of [...this.subscribers.values()]) for (const s of [...set]) s.listening?.();
  }

  /** A first subscriber of a channel while connected: LISTEN on it too. */
  private async addChannel(client: Client, channel: string): Promise<void> {
    const channels = [...this.subscribers.keys()].sort();
    try {
      await client.query(channels.map((c) => `LISTEN ${c}`).join('; '));
    } catch (err) {
      this.lost(client, err);
      return;
    }
    if (this.client !== client) return;
    for (const c of channels) this.listened.add(c);
    for (const s of [...(this.subscribers.get(channel) ?? [])]) s.listening?.();
  }

  private dispatch(notification: Notification): void {
    const set = this.subscribers.get(notification.channel);
    if (set === undefined) return;
    for (const s of [...set]) s.notify(notification.payload ?? '');
  }

  private lost(client: Client, err: unknown): void {
    if (this.current !== client) return;
    const wasListening = this.client === client;
    this.current = null;
    this.client = null;
    this.listened.clear();
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.subscribers.size === 0) return;
    if (wasListening)
      for (const set of [...this.subscribers.values()]) for (const s of [...set]) s.lost?.();
    this.failures++;
    const delay = reconnectDelayMs(this.failures);
    this.logger.warn(
      { err: err === null ? 'connection ended' : String(err), retryInMs: delay },
      'LISTEN connection lost; reconnecting',
    );
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }
}
