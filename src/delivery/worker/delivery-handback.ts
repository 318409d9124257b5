import { Inject, Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { CLOCK, type Clock } from '../../common/clock';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { DeliveryQueueRepository } from '../../queue/delivery-queue.repository';
import type { ClaimedDelivery } from '../../queue/delivery-types';
import type { DeliveryJob } from './claimed-admission';
import type { EndpointQueues } from './endpoint-queues';
import { StallHolds } from './stall-holds';

/** An endpoint whose every slot is busy with nothing finishing for this long is stalled. */
export const STALL_AFTER_MS = 500;
/** How often (at most) a busy worker looks for stalled endpoints to hand their waiting work back. */
const STALL_CHECK_EVERY_MS = 100;
/** Longest a stalled endpoint's due deliveries are taken out of the claims' way at a time. */
const STALL_HOLD_MAX_MS = 15_000;

/**
 * Gives leased, unsent deliveries back to the queue: on shutdown, for disabled or gone
 * endpoints, when their lease is too short to send, and above all for stalled endpoints (black
 * hole, timeouts), whose pending rows it also holds out of the due window (see StallHolds).
 * A failed hand-back is logged, never thrown: the leases expire and any worker's sweep
 * requeues the rows (late, not lost).
 */
@Injectable()
export class DeliveryHandback {
  private readonly logger = new Logger(DeliveryHandback.name);
  /** Stalled endpoints whose pending deliveries are held out of the due window. */
  private readonly stallHolds: StallHolds;
  /** Work that waited here this long is handed back by the sweep, long before its lease ends. */
  private readonly waitLimitMs: number;
  private lastStallCheck = 0;
  private claimable: () => void = () => undefined;

  constructor(
    private readonly queue: DeliveryQueueRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // Every send in flight when the stall shows has ended (answered or timed out) by then.
    this.stallHolds = new StallHolds(Math.min(config.DELIVERY_TIMEOUT_MS, STALL_HOLD_MAX_MS));
    this.waitLimitMs = Math.max(STALL_AFTER_MS, Math.floor(config.WORKER_LEASE_MS / 4));
  }

  /** Called when deliveries handed back or held may be claimable again. */
  onClaimable(listener: () => void): void {
    this.claimable = listener;
  }

  /**
   * Work waiting for a stalled endpoint goes back to the queue as soon as the stall shows, not
   * at the next sweep: meanwhile it would hold claim capacity that the healthy endpoints need.
   * Checked at most every STALL_CHECK_EVERY_MS, from the claim path. The endpoint's pending
   * deliveries are then held out of the due window (see StallHolds): excluding them on every
   * claim instead made each claim walk past its whole backlog at the head of the due index.
   * Returns how many waiting deliveries it took from `queues`.
   */
  handBackStalled(queues: EndpointQueues<DeliveryJob>): number {
    const mono = performance.now();
    if (mono - this.lastStallCheck < STALL_CHECK_EVERY_MS) return 0;
    this.lastStallCheck = mono;
    const now = this.clock.now();
    const stalled = queues.takeWaitingOfStalled(mono).map((j) => j.delivery);
    const { hold, unhold } = this.stallHolds.changes(queues.stalled(mono), now.getTime());
    if (stalled.length === 0 && hold.length === 0 && unhold.length === 0) return 0;
    void this.handBack(stalled, hold, unhold, now);
    return stalled.length;
  }

  /** For the sweep: what waits for a stalled endpoint or has waited too long, taken from `queues`. */
  takeStale(queues: EndpointQueues<DeliveryJob>): ClaimedDelivery[] {
    const mono = performance.now();
    return [
      ...queues.takeWaitingOfStalled(mono),
      ...queues.takeWaitingSince(mono - this.waitLimitMs),
    ].map((j) => j.delivery);
  }

  /**
   * Jobs that waited here until their lease could no longer cover a whole send: sent now, they
   * could still be in flight when the lease expires and another worker sends them too. Given
   * back instead (normally the stall and wait limits do so long before; this is the guarantee).
   */
  async releaseExpiring(deliveries: ClaimedDelivery[], now: Date): Promise<void> {
    this.logger.warn(
      { deliveries: deliveries.length, deliveryIds: deliveries.slice(0, 10).map((d) => d.id) },
      'lease too short to send: handing deliveries back',
    );
    await this.release(deliveries, now, 'lease too short to send');
    this.claimable();
  }

  async release(deliveries: ClaimedDelivery[], now: Date, reason: string): Promise<void> {
    if (deliveries.length === 0) return;
    try {
      await this.queue.release(deliveries, now);
    } catch (err) {
      // The leases expire and the sweep of any worker requeues them: late, not lost.
      this.logger.error(
        { err: String(err), deliveries: deliveries.length, reason },
        'releasing deliveries failed',
      );
    }
  }

  private async handBack(
    stalled: ClaimedDelivery[],
    hold: string[],
    unhold: Array<[string, number]>,
    now: Date,
  ): Promise<void> {
    // Released first, so the hold moves the handed-back rows too.
    await this.release(stalled, now, 'stalled endpoint');
    try {
      if (unhold.length > 0) {
        const released = await this.queue.unhold(
          unhold.map(([id]) => id),
          unhold.map(([, until]) => new Date(until)),
          now,
        );
        this.logger.log(
          { endpointIds: unhold.map(([id]) => id), released },
          'stalled endpoints answer again: held deliveries released',
        );
        this.claimable();
      }
      if (hold.length === 0) return;
      const { holdMs } = this.stallHolds;
      const held = await this.queue.hold(hold, new Date(now.getTime() + holdMs), now);
      this.logger.warn(
        { endpointIds: hold, held, holdMs },
        'endpoints stalled: their pending deliveries are held',
      );
    } catch (err) {
      // Not moved: the claims exclude them one by one meanwhile, as before; tried again when this hold would end.
      this.logger.warn(
        { err: String(err), hold: hold.length, unhold: unhold.length },
        "moving stalled endpoints' deliveries failed",
      );
      return;
    }
    // They become due silently when the hold ends: claim then rather than at the next sweep.
    setTimeout(() => this.claimable(), this.stallHolds.holdMs).unref();
  }
}
