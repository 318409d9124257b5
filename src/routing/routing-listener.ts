import { Injectable } from '@nestjs/common';
import { ROUTING_CHANNEL } from '../queue/channels';
import { NotificationHub } from '../queue/listen/notification-hub';

export interface RoutingListenerEvents {
  /** An app's routing changed in some process (including this one). */
  changed(appId: string): void;
  /** Notifications may have been missed (connection lost or just (re)established). */
  reset(): void;
}

/**
 * Listens on the routing channel through the process's LISTEN connection (NotificationHub,
 * which reconnects with backoff). When the connection is lost or (re)established, the owner
 * is told to forget everything: notifications may have been lost.
 */
@Injectable()
export class RoutingListener {
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly hub: NotificationHub) {}

  get listening(): boolean {
    return this.unsubscribe !== null && this.hub.listeningOn(ROUTING_CHANNEL);
  }

  start(events: RoutingListenerEvents): void {
    this.stop();
    this.unsubscribe = this.hub.subscribe(ROUTING_CHANNEL, {
      notify: (appId) => {
        if (appId) events.changed(appId);
      },
      listening: () => events.reset(),
      lost: () => events.reset(),
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
