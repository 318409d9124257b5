import { Inject, Injectable, Logger } from '@nestjs/common';
import { WorkerHeartbeat } from '../../common/worker-heartbeat';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { DeliveryQueueRepository } from '../../queue/delivery-queue.repository';
import type { ClaimedDelivery } from '../../queue/delivery-types';
import { EndpointGates } from '../hooks/endpoint-gate';
import { admitClaimed, endpointsToLoad, type DeliveryJob } from './claimed-admission';
import { DeliveryHandback } from './delivery-handback';
import type { EndpointDeliveryConfig } from '../sending/endpoint-config';
import { EndpointConfigCache } from './endpoint-config.cache';
import {
  claimLimit,
  fifoScanRows,
  PayloadBudget,
  workerCapacity,
  type WorkerCapacity,
} from './worker-capacity';

const REQUEUE_EXPIRED_LIMIT = 5000;
/** Payload bytes (characters) that claimed, unsent rows may hold at once. */
const CLAIMED_PAYLOAD_BUDGET = 64 * 1024 * 1024;

/**
 * Claim admission: whether the worker claims now and how many rows (capacity, payload budget,
 * unrecorded results), which endpoints it leaves out (saturated here, gone, gated), the two
 * claims (FIFO heads, then unordered rows), and what becomes of the rows it claimed (queued to
 * send through onAdmitted, cancelled or parked). It keeps the count of claimed, unsent rows;
 * the worker reports the rows that leave it (sent, handed back) with `settled`.
 */
@Injectable()
export class DeliveryClaimer {
  private readonly logger = new Logger(DeliveryClaimer.name);
  readonly capacity: WorkerCapacity;
  private readonly batchSize: number;
  private readonly payloadBudget: PayloadBudget;
  /** Claimed and not yet sent (waiting or sending). */
  private unsent = 0;
  /** The last claim found less than it asked for: wait for a wake-up before claiming again. */
  private idle = false;
  /**
   * The same for FIFO deliveries (their own claim). Kept apart so that a worker with no FIFO
   * work runs that claim once per wake-up, not once per batch; its own recorded FIFO results
   * (which make successors due) wake it too.
   */
  private fifoIdle = false;
  /**
   * A wake-up arrived while a claim was running: its snapshot may predate the new rows. Reset
   * when a claim starts and read only after its queries, so one between claims changes nothing.
   */
  private woken = false;
  /** Endpoints left out of the last claim because of local saturation. */
  private saturated = new Set<string>();
  private admitted: (jobs: DeliveryJob[]) => void = () => undefined;

  constructor(
    private readonly queue: DeliveryQueueRepository,
    private readonly endpoints: EndpointConfigCache,
    private readonly gates: EndpointGates,
    private readonly handback: DeliveryHandback,
    private readonly heartbeat: WorkerHeartbeat,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.batchSize = config.WORKER_BATCH_SIZE;
    this.capacity = workerCapacity(config.WORKER_CONCURRENCY, this.batchSize);
    this.payloadBudget = new PayloadBudget(CLAIMED_PAYLOAD_BUDGET, config.MAX_PAYLOAD_BYTES);
  }

  /** Claimed rows to queue for sending (called before any is cancelled or parked). */
  onAdmitted(listener: (jobs: DeliveryJob[]) => void): void {
    this.admitted = listener;
  }

  /** Claimed and not yet sent (waiting or sending). */
  get backlog(): number {
    return this.unsent;
  }

  /** `count` claimed rows left the worker unsent or finished sending. */
  settled(count: number): void {
    this.unsent -= count;
  }

  /** Both claims found less than they asked for, and nothing woke them since. */
  get asleep(): boolean {
    return this.idle && this.fifoIdle;
  }

  /** New work may be due (NOTIFY, sweep, a route): both claims run again. */
  wake(): void {
    this.idle = false;
    this.fifoIdle = false;
    this.woken = true;
  }

  /** FIFO deliveries may be claimable (a recorded head finished, or room again). */
  wakeFifo(): void {
    this.fifoIdle = false;
    this.woken = true;
  }

  /** Left out of an idle claim of its kind as saturated here: room again is worth a claim. */
  leftOutWhileIdle(endpointId: string, fifo: boolean): boolean {
    return (fifo ? this.fifoIdle : this.idle) && this.saturated.has(endpointId);
  }

  /**
   * The endpoint has room again: claim again, for its kind of deliveries only (an empty FIFO
   * claim per cycle would tax unordered drains).
   */
  roomAgain(endpointId: string, fifo: boolean): void {
    this.saturated.delete(endpointId);
    if (fifo) this.fifoIdle = false;
    else this.idle = false;
    this.woken = true;
  }

  /** Rows to claim now (0: not now), given the results not yet recorded. */
  limit(unrecorded: number): number {
    return claimLimit(
      this.capacity,
      this.batchSize,
      this.payloadBudget.rows(),
      this.unsent,
      unrecorded,
    );
  }

  async start(now: Date): Promise<void> {
    this.heartbeat.expect();
    await this.gates
      .refresh(now)
      .catch((err: unknown) =>
        this.logger.error({ err: String(err) }, 'endpoint gates refresh failed'),
      );
  }

  /**
   * The sweep's part: requeue expired leases (crashed workers), release held replay deliveries
   * a batch at a time, refresh the gates. Throws what fails; the sweep logs it.
   */
  async sweep(now: Date): Promise<void> {
    this.heartbeat.beat();
    const requeued = await this.queue.requeueExpiredLeases(now, REQUEUE_EXPIRED_LIMIT);
    if (requeued > 0) this.logger.warn({ requeued }, 'requeued deliveries whose lease expired');
    await this.queue.releaseReplayed(now, this.config.REPLAY_RELEASE_BATCH);
    await this.gates.refresh(now);
  }

  /**
   * One claim of up to `limit` rows, leaving out `saturated` (endpoints with a window of work
   * waiting here) and `excluded` (those and others not to claim for); the gates add theirs.
   */
  async claim(
    now: Date,
    limit: number,
    saturated: Set<string>,
    excluded: Set<string>,
  ): Promise<void> {
    this.heartbeat.beat();
    this.woken = false;
    this.saturated = saturated;
    const excludedIds = [...this.gates.excludedEndpointIds(now, excluded)];
    const leaseUntil = new Date(now.getTime() + this.config.WORKER_LEASE_MS);
    let claimed: ClaimedDelivery[] = [];
    try {
      if (!this.fifoIdle) {
        const scan = fifoScanRows(limit);
        const fifo = await this.queue.claimFifo(now, limit, excludedIds, leaseUntil, scan);
        claimed = fifo.claimed;
        if (!fifo.more && !this.woken) this.fifoIdle = true;
      }
      const rest = limit - claimed.length;
      if (!this.idle && rest > 0) {
        const unordered = await this.queue.claim(now, rest, excludedIds, leaseUntil);
        // Idle until the next wake-up, unless one came during this claim (else it would be
        // lost until the sweep: a latency tail of up to WORKER_SWEEP_INTERVAL_MS).
        if (unordered.length < rest && !this.woken) this.idle = true;
        claimed = claimed.length === 0 ? unordered : claimed.concat(unordered);
      }
    } catch (err) {
      this.logger.error(
        { err: String(err) },
        'claiming deliveries failed; the sweep will try again',
      );
      this.idle = true;
      // What a failed second claim leaves (the FIFO rows leased by the first) is sent below.
      if (claimed.length === 0) {
        this.fifoIdle = true;
        return;
      }
    }
    if (claimed.length === 0) return;
    let payloadBytes = 0;
    for (const d of claimed) payloadBytes += d.payload.length;
    this.payloadBudget.observe(payloadBytes, claimed.length);
    this.unsent += claimed.length;
    await this.admit(claimed, now);
  }

  /**
   * Queues the claimed rows for sending, cancels those of deleted endpoints and parks those
   * of disabled ones. Only a failed configuration lookup gives every row back: once rows are
   * queued for sending, a failed cancel leaves just the rows it was for to their leases (the
   * sweep requeues them; the next claim cancels them), so no row being sent is released.
   */
  private async admit(claimed: ClaimedDelivery[], now: Date): Promise<void> {
    let configs: Map<string, EndpointDeliveryConfig | Error>;
    try {
      configs = await this.endpoints.getMany(endpointsToLoad(claimed));
    } catch (err) {
      // The database: give the rows back rather than sit on the leases.
      this.logger.error(
        { err: String(err) },
        'loading endpoint configuration failed; releasing the claimed deliveries',
      );
      this.unsent -= claimed.length;
      await this.handback.release(claimed, now, 'config lookup failed');
      return;
    }
    const { jobs, cancel, park } = admitClaimed(claimed, configs);
    this.admitted(jobs);
    this.unsent -= cancel.length + park.length;
    if (cancel.length > 0) {
      try {
        await this.queue.cancel(cancel, 'endpoint deleted', now);
      } catch (err) {
        this.logger.error(
          { err: String(err), deliveries: cancel.length },
          'cancelling deliveries of deleted endpoints failed; their leases expire and they are claimed again',
        );
      }
    }
    // release() parks the rows of disabled endpoints (and logs what fails).
    await this.handback.release(park, now, 'endpoint disabled');
  }
}
