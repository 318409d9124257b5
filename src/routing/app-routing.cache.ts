import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import {
  type MatchableSubscription,
  SubscriptionMatcher,
  UnmatchableSubscriptionError,
} from '../matching';
import { ExpiringLoadCache } from './expiring-load-cache';
import { RoutingListener } from './routing-listener';
import { RoutingRepository } from './routing.repository';

/** Safety net for a notification lost without the connection noticing (e.g. a silent partition). */
export const ROUTING_CACHE_MAX_AGE_MS = 30_000;

/**
 * Per-app SubscriptionMatcher built from the subscriptions of the app's enabled, undeleted
 * endpoints. Writers in this process call invalidate() after commit; writers in any process
 * NOTIFY on `hookrelay_routing` in their transaction and the RoutingListener invalidates here.
 * While the listener is down, matchers are loaded per call (concurrent calls still share one
 * load) rather than cached, so nothing stale outlives a lost notification.
 */
@Injectable()
export class AppRoutingCache implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AppRoutingCache.name);
  private readonly matchers: ExpiringLoadCache<SubscriptionMatcher>;

  constructor(
    private readonly routing: RoutingRepository,
    private readonly listener: RoutingListener,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.matchers = new ExpiringLoadCache(ROUTING_CACHE_MAX_AGE_MS, () => clock.now().getTime());
  }

  onApplicationBootstrap(): void {
    this.listener.start({
      changed: (appId) => this.invalidate(appId),
      reset: () => this.matchers.clear(),
    });
  }

  onModuleDestroy(): void {
    this.listener.stop();
  }

  /** `appId` is the app's id (`app_…`), not its uid. */
  matcherFor(appId: string): Promise<SubscriptionMatcher> {
    return this.matchers.get(
      appId,
      async () => this.build(appId, await this.routing.routableSubscriptions(appId)),
      this.listener.listening,
    );
  }

  /** True while cross-process invalidation works, i.e. while matchers are being cached. */
  get listening(): boolean {
    return this.listener.listening;
  }

  invalidate(appId: string): void {
    this.matchers.delete(appId);
  }

  /**
   * A stored subscription that no longer compiles (saved before a validation rule or the
   * regex engine changed, or edited in the database) matches nothing and is logged, rather
   * than failing the routing — and so the ingestion — of its whole app.
   */
  private build(appId: string, subscriptions: MatchableSubscription[]): SubscriptionMatcher {
    let usable = subscriptions;
    for (;;) {
      try {
        return new SubscriptionMatcher(usable);
      } catch (err) {
        if (!(err instanceof UnmatchableSubscriptionError)) throw err;
        this.logger.error(
          { appId, subscriptionId: err.subscriptionId, reason: err.message },
          'subscription cannot be matched: it receives nothing until it is fixed',
        );
        usable = usable.filter((s) => s.subscriptionId !== err.subscriptionId);
      }
    }
  }
}
