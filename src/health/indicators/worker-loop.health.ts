import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { WorkerHeartbeat } from '../../common/worker-heartbeat';

/** Slack on top of three sweep intervals: a GC pause or a slow claim is not a dead loop. */
const GRACE_MS = 5_000;

/**
 * Down when this process runs a delivery loop that has not beaten recently; up with
 * `running: false` in a process without a worker. The heartbeat is wall-clock time
 * (Date.now()), not the injected Clock: it measures whether the event loop turns, which a
 * FakeClock frozen in tests must not decide.
 */
@Injectable()
export class WorkerLoopHealthIndicator {
  readonly maxSilenceMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly heartbeat: WorkerHeartbeat,
    private readonly indicators: HealthIndicatorService,
  ) {
    this.maxSilenceMs = 3 * config.WORKER_SWEEP_INTERVAL_MS + GRACE_MS;
  }

  check(now: number = Date.now()) {
    const session = this.indicators.check('worker');
    const last = this.heartbeat.lastBeatAt();
    if (last === null) return session.up({ running: false });
    const silentForMs = Math.max(0, now - last);
    const data = { running: true, silentForMs, maxSilenceMs: this.maxSilenceMs };
    return silentForMs <= this.maxSilenceMs ? session.up(data) : session.down(data);
  }
}
