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
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SendPermits } from '../hooks/send-permit';
import { DeliverySender } from '../sending/delivery-sender';
import { AttemptRecorder } from './attempt-recorder';
import type { AttemptResult, ClaimedDelivery } from '../../queue/delivery-types';
import type { DeliveryJob } from './claimed-admission';
import { DeliveryClaimer } from './delivery-claimer';
import { DeliveryHandback, STALL_AFTER_MS } from './delivery-handback';
import { EndpointQueues } from './endpoint-queues';
import { GoneEndpoints } from './gone-endpoints';

const SWEEP = 'delivery-sweep';
/**
 * Lease a send needs left when it starts: the delivery timeout plus this margin (at most; half
 * the timeout when that is shorter), for the deadline sweep's lateness and clock skew.
 */
const SEND_LEASE_MARGIN_MAX_MS = 1000;
/** On shutdown, time the recorder gets for its last writes even when the grace is spent. */
const RECORD_DRAIN_MIN_MS = 1000;

/**
 * The delivery loop: the claimer claims due deliveries in batches, the worker sends them with
 * per-endpoint fairness, the recorder records results in batches. Woken by NOTIFY
 * (DeliveryWakeup), by the sweep, and by its own progress; it claims the next batch while the
 * current one is still being sent. What it cannot send goes back through DeliveryHandback.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private readonly queues: EndpointQueues<DeliveryJob>;
  private readonly shutdown = new AbortController();
  private running = false;
  private claiming: Promise<void> | null = null;
  private readonly gone = new GoneEndpoints();
  private readonly aborted: ClaimedDelivery[] = [];
  /** Unrecorded results beyond which claiming (and the sends that produce them) waits for the recorder. */
  private readonly recorderLimit: number;
  /** Lease a job must have left to be sent (else another worker could take it mid-send). */
  private readonly leaseToSendMs: number;

  constructor(
    private readonly claimer: DeliveryClaimer,
    private readonly handback: DeliveryHandback,
    private readonly sender: DeliverySender,
    private readonly recorder: AttemptRecorder,
    private readonly permits: SendPermits,
    @Inject(METRICS_RECORDER) private readonly metrics: MetricsRecorder,
    private readonly scheduler: SchedulerRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.leaseToSendMs =
      config.DELIVERY_TIMEOUT_MS +
      Math.min(SEND_LEASE_MARGIN_MAX_MS, Math.floor(config.DELIVERY_TIMEOUT_MS / 2));
    this.recorderLimit = claimer.capacity.recorderLimit;
    this.queues = new EndpointQueues<DeliveryJob>({
      maxInFlight: config.ENDPOINT_MAX_IN_FLIGHT,
      concurrency: config.WORKER_CONCURRENCY,
      // Up to the whole claim capacity: a smaller window excluded a lone busy endpoint from the
      // claims while capacity was left, and each such claim came back empty after scanning its
      // whole backlog (measured: a third of all claims in a 100k drain).
      window: claimer.capacity.claimCapacity,
      stallAfterMs: STALL_AFTER_MS,
    });
    setMaxListeners(0, this.shutdown.signal);
    permits.onAvailable(() => this.pump());
    recorder.onStreamsAdvanced(() => this.wakeFifo());
    claimer.onAdmitted((jobs) => {
      this.queues.enqueue(jobs, performance.now());
      this.pump();
    });
    handback.onClaimable(() => this.wake());
  }

  async onApplicationBootstrap(): Promise<void> {
    this.running = true;
    await this.claimer.start(this.clock.now());
    const timer = setInterval(() => void this.sweep(), this.config.WORKER_SWEEP_INTERVAL_MS);
    this.scheduler.addInterval(SWEEP, timer);
    this.wake();
  }

  /** New work may be due (NOTIFY, sweep, a route): claim again. */
  wake(): void {
    this.claimer.wake();
    this.maybeClaim();
  }

  /** FIFO deliveries may be claimable (a recorded head finished): claim them. */
  private wakeFifo(): void {
    this.claimer.wakeFifo();
    this.maybeClaim();
  }

  /**
   * The fallback path: requeue expired leases (crashed workers), release held replay
   * deliveries a batch at a time, refresh gates (DeliveryClaimer.sweep), hand back work that
   * waited here too long, then claim whatever is due (retries become due silently).
   * Public so tests drive it after moving a FakeClock.
   */
  async sweep(): Promise<void> {
    if (!this.running) return;
    const now = this.clock.now();
    try {
      await this.claimer.sweep(now);
      const stale = this.handback.takeStale(this.queues);
      if (stale.length > 0) {
        this.claimer.settled(stale.length);
        await this.handback.release(stale, now, 'stalled endpoint or waited too long');
      }
    } catch (err) {
      this.logger.error({ err: String(err) }, 'delivery sweep failed');
    }
    this.wake();
  }

  /** Counts for tests and diagnostics. */
  stats(): { backlog: number; waiting: number; sending: number } {
    return {
      backlog: this.claimer.backlog,
      waiting: this.queues.waiting,
      sending: this.queues.sending,
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.scheduler.doesExist('interval', SWEEP)) this.scheduler.deleteInterval(SWEEP);
    const graceEnd = performance.now() + this.config.SHUTDOWN_GRACE_MS;
    await this.claiming;
    const now = this.clock.now();
    const unsent = this.queues.takeAllWaiting().map((j) => j.delivery);
    this.claimer.settled(unsent.length);
    await this.handback.release(unsent, now, 'shutdown');
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
    await this.handback.release(this.aborted.splice(0), this.clock.now(), 'shutdown');
  }

  private maybeClaim(): void {
    if (!this.running || this.claiming || this.claimer.asleep) return;
    this.claimer.settled(this.handback.handBackStalled(this.queues));
    const limit = this.claimer.limit(this.recorder.pending);
    if (limit === 0) return;
    const now = this.clock.now();
    const mono = performance.now();
    const saturated = this.queues.excluded(mono, new Set());
    const excluded = this.gone.addTo(new Set(saturated), mono);
    this.claiming = this.claimer.claim(now, limit, saturated, excluded).finally(() => {
      this.claiming = null;
      this.maybeClaim();
    });
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
    if (expiring) void this.handback.releaseExpiring(expiring, now);
  }

  /**
   * 410 Gone: nothing more is started for the endpoint here (see GoneEndpoints) while its
   * disable is written; what waits for it locally goes back to the queue, where the disable
   * parks it.
   */
  private stopSendingTo(job: DeliveryJob, mono: number): void {
    this.gone.markGone(job.endpointId, mono);
    // Claims skip it meanwhile: claim again when the hold ends (re-enabled, or never disabled).
    setTimeout(() => this.wake(), this.gone.holdMs + 1).unref();
    const waiting = this.queues.takeWaitingOf(job.endpointId).map((j) => j.delivery);
    if (waiting.length === 0) return;
    this.claimer.settled(waiting.length);
    void this.handback.release(waiting, this.clock.now(), 'endpoint answered 410 Gone');
  }

  /** A job taken to send that will not be: its slot and backlog place are given back. */
  private unstarted(job: DeliveryJob): ClaimedDelivery {
    this.queues.finished(job.endpointId, performance.now());
    this.claimer.settled(1);
    return job.delivery;
  }

  private async run(job: DeliveryJob): Promise<void> {
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
    // Left out of an idle claim as saturated, the endpoint has room again: claim again.
    const fifo = job.delivery.fifo !== null;
    if (
      this.claimer.leftOutWhileIdle(job.endpointId, fifo) &&
      !this.queues.isExcluded(job.endpointId, mono)
    ) {
      this.claimer.roomAgain(job.endpointId, fifo);
      this.maybeClaim();
    }
    // Capacity is freed when the send ends, not when it is recorded: holding slots through
    // the batched write would cap throughput at capacity / write latency. The recorder's
    // own backlog is bounded separately (see DeliveryClaimer.limit).
    this.claimer.settled(1);
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
