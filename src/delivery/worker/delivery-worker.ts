import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { CLOCK, type Clock } from '../../common/clock';
import { METRICS_RECORDER, type MetricsRecorder } from '../../common/metrics-port';
import { WorkerHeartbeat } from '../../common/worker-heartbeat';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { EndpointGates } from '../hooks/endpoint-gate';
import { SendPermits } from '../hooks/send-permit';
import { DeliverySender } from '../sending/delivery-sender';
import { AttemptRecorder } from './attempt-recorder';
import type { AttemptResult, ClaimedDelivery } from '../../queue/delivery-types';
import { DeliveryQueueRepository } from '../../queue/delivery-queue.repository';
import type { EndpointDeliveryConfig } from './endpoint-config';
import { EndpointConfigCache } from './endpoint-config.cache';
import { EndpointQueues } from './endpoint-queues';
import { StallHolds } from './stall-holds';
import { GoneEndpoints } from './gone-endpoints';
import { PayloadBudget, workerCapacity } from './worker-capacity';

const SWEEP = 'delivery-sweep';
/** An endpoint whose every slot is busy with nothing finishing for this long is stalled. */
const STALL_AFTER_MS = 500;
/** How often (at most) a busy worker looks for stalled endpoints to hand their waiting work back. */
const STALL_CHECK_EVERY_MS = 100;
const REQUEUE_EXPIRED_LIMIT = 5000;
/** Longest a stalled endpoint's due deliveries are taken out of the claims' way at a time. */
const STALL_HOLD_MAX_MS = 15_000;
/**
 * Lease a send needs left when it starts: the delivery timeout plus this margin (at most; half
 * the timeout when that is shorter), for the deadline sweep's lateness and clock skew.
 */
const SEND_LEASE_MARGIN_MAX_MS = 1000;
/** On shutdown, time the recorder gets for its last writes even when the grace is spent. */
const RECORD_DRAIN_MIN_MS = 1000;
/**
 * Due FIFO rows one claim looks at per row it may claim: the rest of what it looks at are
 * blocked streams' successors, which it takes out of the due range as it goes.
 */
const FIFO_SCAN_PER_ROW = 2;
const FIFO_SCAN_MIN = 32;
/** Payload bytes (characters) that claimed, unsent rows may hold at once. */
const CLAIMED_PAYLOAD_BUDGET = 64 * 1024 * 1024;

interface Job {
  endpointId: string;
  delivery: ClaimedDelivery;
  endpoint: EndpointDeliveryConfig | Error;
}

/**
 * The delivery loop: claim due deliveries in batches, send them with per-endpoint fairness,
 * record results in batches. Woken by NOTIFY (DeliveryWakeup), by the sweep, and by its own
 * progress; it claims the next batch while the current one is still being sent.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private readonly queues: EndpointQueues<Job>;
  private readonly shutdown = new AbortController();
  private running = false;
  private claiming: Promise<void> | null = null;
  /** The last claim found less than it asked for: wait for a wake-up before claiming again. */
  private idle = false;
  /**
   * The same for FIFO deliveries (their own claim). Kept apart so that a worker with no FIFO
   * work runs that claim once per wake-up, not once per batch; its own recorded FIFO results
   * (which make successors due) wake it too.
   */
  private fifoIdle = false;
  /** A wake-up arrived while a claim was running: its snapshot may predate the new rows. */
  private wokenWhileClaiming = false;
  /** Endpoints left out of the last claim because of local saturation. */
  private locallyExcluded = new Set<string>();
  private readonly gone = new GoneEndpoints();
  /** Claimed and not yet sent (waiting or sending). */
  private backlog = 0;
  private readonly aborted: ClaimedDelivery[] = [];
  private lastStallCheck = 0;
  /** Stalled endpoints whose pending deliveries are held out of the due window. */
  private readonly stallHolds: StallHolds;
  private readonly concurrency: number;
  /** Claimed and not yet sent, at most: what is sending plus a batch claimed ahead. */
  private readonly claimCapacity: number;
  /** Unrecorded results beyond which claiming (and the sends that produce them) waits for the recorder. */
  private readonly recorderLimit: number;
  private readonly batchSize: number;
  private readonly minClaim: number;
  private readonly payloadBudget: PayloadBudget;
  /** Lease a job must have left to be sent (else another worker could take it mid-send). */
  private readonly leaseToSendMs: number;

  constructor(
    private readonly queue: DeliveryQueueRepository,
    private readonly endpoints: EndpointConfigCache,
    private readonly sender: DeliverySender,
    private readonly recorder: AttemptRecorder,
    private readonly gates: EndpointGates,
    private readonly permits: SendPermits,
    private readonly heartbeat: WorkerHeartbeat,
    @Inject(METRICS_RECORDER) private readonly metrics: MetricsRecorder,
    private readonly scheduler: SchedulerRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.concurrency = config.WORKER_CONCURRENCY;
    this.batchSize = config.WORKER_BATCH_SIZE;
    // Every send in flight when the stall shows has ended (answered or timed out) by then.
    this.stallHolds = new StallHolds(Math.min(config.DELIVERY_TIMEOUT_MS, STALL_HOLD_MAX_MS));
    this.leaseToSendMs =
      config.DELIVERY_TIMEOUT_MS +
      Math.min(SEND_LEASE_MARGIN_MAX_MS, Math.floor(config.DELIVERY_TIMEOUT_MS / 2));
    const capacity = workerCapacity(this.concurrency, this.batchSize);
    this.minClaim = capacity.minClaim;
    this.claimCapacity = capacity.claimCapacity;
    this.recorderLimit = capacity.recorderLimit;
    this.payloadBudget = new PayloadBudget(CLAIMED_PAYLOAD_BUDGET, config.MAX_PAYLOAD_BYTES);
    this.queues = new EndpointQueues<Job>({
      maxInFlight: config.ENDPOINT_MAX_IN_FLIGHT,
      concurrency: this.concurrency,
      // Up to the whole claim capacity: a smaller window excluded a lone busy endpoint from the
      // claims while capacity was left, and each such claim came back empty after scanning its
      // whole backlog (measured: a third of all claims in a 100k drain).
      window: this.claimCapacity,
      stallAfterMs: STALL_AFTER_MS,
    });
    setMaxListeners(0, this.shutdown.signal);
    permits.onAvailable(() => this.pump());
    recorder.onStreamsAdvanced(() => this.wakeFifo());
  }

  async onApplicationBootstrap(): Promise<void> {
    this.heartbeat.expect();
    this.running = true;
    await this.gates
      .refresh(this.clock.now())
      .catch((err: unknown) =>
        this.logger.error({ err: String(err) }, 'endpoint gates refresh failed'),
      );
    const timer = setInterval(() => void this.sweep(), this.config.WORKER_SWEEP_INTERVAL_MS);
    this.scheduler.addInterval(SWEEP, timer);
    this.wake();
  }

  /** New work may be due (NOTIFY, sweep, a route): claim again. */
  wake(): void {
    this.idle = false;
    this.fifoIdle = false;
    if (this.claiming) this.wokenWhileClaiming = true;
    this.maybeClaim();
  }

  private wakeUnordered(): void {
    this.idle = false;
    if (this.claiming) this.wokenWhileClaiming = true;
    this.maybeClaim();
  }

  /** FIFO deliveries may be claimable (a recorded head finished, or room again): claim them. */
  private wakeFifo(): void {
    this.fifoIdle = false;
    if (this.claiming) this.wokenWhileClaiming = true;
    this.maybeClaim();
  }

  /**
   * The fallback path: requeue expired leases (crashed workers), release held replay
   * deliveries a batch at a time, refresh gates, hand back work
   * that waited here too long, then claim whatever is due (retries become due silently).
   * Public so tests drive it after moving a FakeClock.
   */
  async sweep(): Promise<void> {
    if (!this.running) return;
    this.heartbeat.beat();
    const now = this.clock.now();
    try {
      const requeued = await this.queue.requeueExpiredLeases(now, REQUEUE_EXPIRED_LIMIT);
      if (requeued > 0) this.logger.warn({ requeued }, 'requeued deliveries whose lease expired');
      await this.queue.releaseReplayed(now, this.config.REPLAY_RELEASE_BATCH);
      await this.gates.refresh(now);
      await this.handBackStale(now);
    } catch (err) {
      this.logger.error({ err: String(err) }, 'delivery sweep failed');
    }
    this.wake();
  }

  /** Counts for tests and diagnostics. */
  stats(): { backlog: number; waiting: number; sending: number } {
    return { backlog: this.backlog, waiting: this.queues.waiting, sending: this.queues.sending };
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.scheduler.doesExist('interval', SWEEP)) this.scheduler.deleteInterval(SWEEP);
    const graceEnd = performance.now() + this.config.SHUTDOWN_GRACE_MS;
    await this.claiming;
    const now = this.clock.now();
    const unsent = this.queues.takeAllWaiting().map((j) => j.delivery);
    this.backlog -= unsent.length;
    await this.releaseQuietly(unsent, now, 'shutdown');
    while (this.queues.sending > 0 && performance.now() < graceEnd) await sleep(20);
    if (this.queues.sending > 0) {
      this.logger.warn(
        { sending: this.queues.sending },
        'shutdown grace over: aborting sends still running and releasing them',
      );
      this.shutdown.abort();
      while (this.queues.sending > 0) await sleep(10);
    }
    // Bounded: with the database down the recorder would retry forever. What it gives up on
    // stays leased; the leases expire and the deliveries are sent again (at-least-once).
    await this.recorder.drain(Math.max(graceEnd - performance.now(), RECORD_DRAIN_MIN_MS));
    await this.releaseQuietly(this.aborted.splice(0), this.clock.now(), 'shutdown');
  }

  private maybeClaim(): void {
    if (!this.running || this.claiming || (this.idle && this.fifoIdle)) return;
    this.handBackStalled();
    // Unrecorded results count too once they pile up (a slow database): claim no faster than we record.
    const capacity = Math.min(this.claimCapacity, this.payloadBudget.rows());
    const free = capacity - this.backlog - Math.max(0, this.recorder.pending - this.recorderLimit);
    const minClaim = Math.min(this.minClaim, Math.ceil(capacity / 2));
    if (free <= 0 || (this.backlog > 0 && free < minClaim)) return;
    this.claiming = this.claim(Math.min(this.batchSize, free)).finally(() => {
      this.claiming = null;
      this.maybeClaim();
    });
  }

  private async claim(limit: number): Promise<void> {
    this.heartbeat.beat();
    this.wokenWhileClaiming = false;
    const now = this.clock.now();
    const mono = performance.now();
    this.locallyExcluded = this.queues.excluded(mono, new Set());
    const excluded = this.gates.excludedEndpointIds(
      now,
      this.gone.addTo(new Set(this.locallyExcluded), mono),
    );
    const leaseUntil = new Date(now.getTime() + this.config.WORKER_LEASE_MS);
    const excludedIds = [...excluded];
    let claimed: ClaimedDelivery[] = [];
    try {
      if (!this.fifoIdle) {
        const scan = Math.max(FIFO_SCAN_MIN, limit * FIFO_SCAN_PER_ROW);
        const fifo = await this.queue.claimFifo(now, limit, excludedIds, leaseUntil, scan);
        claimed = fifo.claimed;
        if (!fifo.more && !this.wokenWhileClaiming) this.fifoIdle = true;
      }
      const rest = limit - claimed.length;
      if (!this.idle && rest > 0) {
        const unordered = await this.queue.claim(now, rest, excludedIds, leaseUntil);
        // Idle until the next wake-up, unless one came during this claim (else it would be
        // lost until the sweep: a latency tail of up to WORKER_SWEEP_INTERVAL_MS).
        if (unordered.length < rest && !this.wokenWhileClaiming) this.idle = true;
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
    this.backlog += claimed.length;
    try {
      await this.admit(claimed, now);
    } catch (err) {
      // Config lookup failed (database): give the rows back rather than sit on the leases.
      this.logger.error(
        { err: String(err) },
        'loading endpoint configuration failed; releasing the claimed deliveries',
      );
      this.backlog -= claimed.length;
      await this.releaseQuietly(claimed, now, 'config lookup failed');
    }
  }

  /**
   * Routes claimed rows: cancelled (endpoint gone), parked (disabled: rows that were due when
   * it was disabled — held by a worker then, or fanned out from a stale routing table) or
   * queued to send.
   */
  private async admit(claimed: ClaimedDelivery[], now: Date): Promise<void> {
    const wanted = new Map<string, Date>();
    for (const d of claimed)
      if (!d.endpointDeleted && !d.endpointDisabled) wanted.set(d.endpointId, d.endpointUpdatedAt);
    const configs = await this.endpoints.getMany(wanted);
    const cancel: ClaimedDelivery[] = [];
    const release: ClaimedDelivery[] = [];
    const jobs: Job[] = [];
    for (const delivery of claimed) {
      const endpoint = configs.get(delivery.endpointId);
      if (delivery.endpointDeleted || (!endpoint && !delivery.endpointDisabled))
        cancel.push(delivery);
      else if (delivery.endpointDisabled || !endpoint) release.push(delivery);
      else jobs.push({ endpointId: delivery.endpointId, delivery, endpoint });
    }
    this.queues.enqueue(jobs, performance.now());
    this.pump();
    if (cancel.length > 0) {
      this.backlog -= cancel.length;
      await this.queue.cancel(cancel, 'endpoint deleted', now);
    }
    if (release.length > 0) {
      this.backlog -= release.length;
      // release() parks the rows of disabled endpoints.
      await this.releaseQuietly(release, now, 'endpoint disabled');
    }
  }

  private pump(): void {
    const now = this.clock.now();
    const nowMs = now.getTime();
    let expiring: ClaimedDelivery[] | null = null;
    const mono = performance.now();
    for (const job of this.queues.takeStartable((endpointId, wanted) =>
      this.gone.isGone(endpointId, mono) ? 0 : this.permits.take(endpointId, wanted, now),
    )) {
      if (job.delivery.leaseUntil.getTime() - nowMs >= this.leaseToSendMs) void this.run(job);
      else (expiring ??= []).push(this.unstarted(job));
    }
    if (expiring) void this.releaseExpiring(expiring, now);
  }

  /**
   * 410 Gone: nothing more is started for the endpoint here (see GoneEndpoints) while its
   * disable is written; what waits for it locally goes back to the queue, where the disable
   * parks it.
   */
  private stopSendingTo(job: Job, mono: number): void {
    this.gone.markGone(job.endpointId, mono);
    // Claims skip it meanwhile: claim again when the hold ends (re-enabled, or never disabled).
    setTimeout(() => this.wake(), this.gone.holdMs + 1).unref();
    const waiting = this.queues.takeWaitingOf(job.endpointId).map((j) => j.delivery);
    if (waiting.length === 0) return;
    this.backlog -= waiting.length;
    void this.releaseQuietly(waiting, this.clock.now(), 'endpoint answered 410 Gone');
  }

  /** A job taken to send that will not be: its slot and backlog place are given back. */
  private unstarted(job: Job): ClaimedDelivery {
    this.queues.finished(job.endpointId, performance.now());
    this.backlog--;
    return job.delivery;
  }

  /**
   * Jobs that waited here until their lease could no longer cover a whole send: sent now, they
   * could still be in flight when the lease expires and another worker sends them too. Given
   * back instead (normally handBackStale does so long before; this is the guarantee).
   */
  private async releaseExpiring(deliveries: ClaimedDelivery[], now: Date): Promise<void> {
    this.logger.warn(
      { deliveries: deliveries.length, deliveryIds: deliveries.slice(0, 10).map((d) => d.id) },
      'lease too short to send: handing deliveries back',
    );
    await this.releaseQuietly(deliveries, now, 'lease too short to send');
    this.wake();
  }

  private async run(job: Job): Promise<void> {
    const { delivery, endpoint } = job;
    const attemptAt = this.clock.now();
    this.metrics.inFlight.inc();
    let result: AttemptResult;
    try {
      result =
        endpoint instanceof Error
          ? configFailure(endpoint)
          : await this.sender.send(delivery, endpoint, attemptAt, this.shutdown.signal);
    } finally {
      this.metrics.inFlight.dec();
    }
    const mono = performance.now();
    this.queues.finished(job.endpointId, mono);
    if (result.statusCode === 410 && !(endpoint instanceof Error)) this.stopSendingTo(job, mono);
    this.pump();
    // Left out of an idle claim as saturated, the endpoint has room again: claim again, for
    // its kind of deliveries only (an empty FIFO claim per cycle would tax unordered drains).
    const fifo = job.delivery.fifo !== null;
    if (
      (fifo ? this.fifoIdle : this.idle) &&
      this.locallyExcluded.has(job.endpointId) &&
      !this.queues.isExcluded(job.endpointId, mono)
    ) {
      this.locallyExcluded.delete(job.endpointId);
      if (fifo) this.wakeFifo();
      else this.wakeUnordered();
    }
    // Capacity is freed when the send ends, not when it is recorded: holding slots through
    // the batched write would cap throughput at capacity / write latency. The recorder's
    // own backlog is bounded separately (see maybeClaim).
    this.backlog--;
    if (this.shutdown.signal.aborted && !result.succeeded) {
      // Cut off by shutdown: unknown whether it arrived; it goes back to the queue. (A 2xx
      // head that came before the cut is an answer, and is recorded.)
      this.aborted.push(delivery);
    } else {
      this.recorder.add(
        delivery,
        endpoint instanceof Error ? null : endpoint.retrySchedule,
        result,
        attemptAt,
      );
      if (this.recorder.pending > this.recorderLimit) await this.recorder.whenWritten();
    }
    this.maybeClaim();
  }

  /**
   * Work waiting for a stalled endpoint (black hole, timeouts) goes back to the queue as soon
   * as the stall shows, not at the next sweep: meanwhile it would hold claim capacity that the
   * healthy endpoints need. Checked at most every STALL_CHECK_EVERY_MS, from the claim path.
   * The endpoint's pending deliveries are then held out of the due window (see StallHolds):
   * excluding them on every claim instead made each claim walk past its whole backlog at the
   * head of the due index.
   */
  private handBackStalled(): void {
    const mono = performance.now();
    if (mono - this.lastStallCheck < STALL_CHECK_EVERY_MS) return;
    this.lastStallCheck = mono;
    const now = this.clock.now();
    const stalled = this.queues.takeWaitingOfStalled(mono).map((j) => j.delivery);
    const { hold, unhold } = this.stallHolds.changes(this.queues.stalled(mono), now.getTime());
    if (stalled.length === 0 && hold.length === 0 && unhold.length === 0) return;
    this.backlog -= stalled.length;
    void this.handBack(stalled, hold, unhold, now);
  }

  private async handBack(
    stalled: ClaimedDelivery[],
    hold: string[],
    unhold: Array<[string, number]>,
    now: Date,
  ): Promise<void> {
    // Released first, so the hold moves the handed-back rows too.
    await this.releaseQuietly(stalled, now, 'stalled endpoint');
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
        this.wake();
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
    setTimeout(() => this.wake(), this.stallHolds.holdMs).unref();
  }

  private async handBackStale(now: Date): Promise<void> {
    const waitLimit = Math.max(STALL_AFTER_MS, Math.floor(this.config.WORKER_LEASE_MS / 4));
    const mono = performance.now();
    const stale = [
      ...this.queues.takeWaitingOfStalled(mono),
      ...this.queues.takeWaitingSince(mono - waitLimit),
    ].map((j) => j.delivery);
    if (stale.length === 0) return;
    this.backlog -= stale.length;
    await this.releaseQuietly(stale, now, 'stalled endpoint or waited too long');
  }

  private async releaseQuietly(
    deliveries: ClaimedDelivery[],
    now: Date,
    reason: string,
  ): Promise<void> {
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
}

function configFailure(error: Error): AttemptResult {
  return {
    succeeded: false,
    statusCode: null,
    errorClass: 'config',
    error: error.message,
    responseBody: null,
    durationMs: 0,
    retryAfterSeconds: null,
    final: false,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
