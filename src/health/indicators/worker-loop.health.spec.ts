import { HealthIndicatorService } from '@nestjs/terminus';
import { WorkerHeartbeat } from '../../common/worker-heartbeat';
import { loadConfig } from '../../config/app-config';
import { WorkerLoopHealthIndicator } from './worker-loop.health';

describe('WorkerLoopHealthIndicator', () => {
  const NOW = 1_000_000;
  let heartbeat: WorkerHeartbeat;
  let sut: WorkerLoopHealthIndicator;

  beforeEach(() => {
    heartbeat = new WorkerHeartbeat();
    sut = new WorkerLoopHealthIndicator(
      loadConfig({ WORKER_SWEEP_INTERVAL_MS: '2000' }),
      heartbeat,
      new HealthIndicatorService(),
    );
  });

  it('allows three sweep intervals plus 5 s of silence', () => {
    expect(sut.maxSilenceMs).toBe(11_000);
  });

  it('is up, not running, in a process without a delivery loop', () => {
    expect(sut.check(NOW)).toEqual({ worker: { status: 'up', running: false } });
  });

  it.each([
    ['just beat', 'up', 0],
    ['at the limit', 'up', 11_000],
    ['past the limit', 'down', 11_001],
  ])('%s: %s', (_, status, silentForMs) => {
    heartbeat.beat(NOW - silentForMs);
    expect(sut.check(NOW).worker).toMatchObject({ status, running: true, silentForMs });
  });

  it('counts a loop that was expected but never beat from when it was expected', () => {
    heartbeat.expect(NOW - 20_000);
    expect(sut.check(NOW).worker.status).toBe('down');
  });
});
