import { FakeClock } from '../src/common/clock';
import { DeliveryWorker } from '../src/delivery/worker/delivery-worker';
import {
  attemptRows,
  deliveryRow,
  eventually,
  insertApp,
  insertEndpoint,
  insertMessages,
} from './delivery.fixtures';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

const DAY_MS = 24 * 3600_000;

/**
 * Retry schedules in simulated time: the worker's clock is a FakeClock, the sweep is driven
 * by hand (its timer is set far out), the receiver and database are real.
 */
describe('Delivery retry schedule (simulated clock)', () => {
  const clock = new FakeClock(Date.UTC(2030, 0, 1));
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let worker: DeliveryWorker;
  let receiver: TestReceiver;
  let appId: string;

  beforeAll(async () => {
    // The circuit breaker would hold these always-failing deliveries (endpoint-health e2e covers that).
    sut = await startTestAppWithDatabase({
      clock,
      env: { WORKER_SWEEP_INTERVAL_MS: '600000', CIRCUIT_BREAKER_THRESHOLD: '10000' },
    });
    worker = sut.app.get(DeliveryWorker);
    receiver = await startReceiver(() => ({ status: 500 }));
    appId = await insertApp(sut.db, clock.now());
  });
  afterAll(async () => {
    await sut.close();
    await receiver.close();
  });

  /** Runs every attempt of one delivery, jumping the clock to each next_attempt_at. */
  async function driveToTheEnd(deliveryId: string): Promise<void> {
    for (let made = 1; ; made++) {
      const row = await eventually(
        async () => {
          const r = await deliveryRow(sut.db, deliveryId);
          return r.attempts === made && r.status !== 'delivering' ? r : undefined;
        },
        10_000,
        `attempt ${made}`,
      );
      if (row.status === 'failed') return;
      expect(row.status).toBe('pending');
      clock.set(row.next_attempt_at as Date);
      await worker.sweep();
    }
  }

  it('follows the default schedule for 24 hours, then fails for good', async () => {
    const start = clock.now().getTime();
    const endpoint = await insertEndpoint(sut.db, appId, clock.now(), { url: receiver.url });
    const { deliveryIds } = await insertMessages(sut.db, appId, endpoint.id, clock.now());
    await driveToTheEnd(deliveryIds[0]);

    const attempts = await attemptRows(sut.db, deliveryIds[0]);
    const times = attempts.map((a) => a.created_at.getTime());
    const gaps = times.slice(1).map((t, i) => (t - times[i]) / 1000);
    // 5 s doubling (±20 %) up to the 1 h cap: 10 growing gaps, then ~25 capped ones fill the day.
    expect(attempts.length).toBeGreaterThanOrEqual(30);
    expect(attempts.length).toBeLessThanOrEqual(40);
    gaps.forEach((gap, i) => {
      const nominal = Math.min(5 * 2 ** i, 3600);
      expect(gap).toBeGreaterThanOrEqual(Math.floor(nominal * 0.8));
      expect(gap).toBeLessThanOrEqual(Math.min(Math.ceil(nominal * 1.2), 3600));
    });
    expect(times[times.length - 1] - start).toBeLessThanOrEqual(DAY_MS);
    expect(await deliveryRow(sut.db, deliveryIds[0])).toMatchObject({
      status: 'failed',
      next_attempt_at: null,
      last_status_code: 500,
    });
    expect(receiver.requests.length).toBe(attempts.length);
  }, 120_000);

  it('follows a custom endpoint schedule exactly, then fails', async () => {
    const endpoint = await insertEndpoint(sut.db, appId, clock.now(), {
      url: receiver.url,
      retrySchedule: [60, 300, 7200],
    });
    const { deliveryIds } = await insertMessages(sut.db, appId, endpoint.id, clock.now());
    await driveToTheEnd(deliveryIds[0]);
    const times = (await attemptRows(sut.db, deliveryIds[0])).map((a) => a.created_at.getTime());
    expect(times.slice(1).map((t, i) => (t - times[i]) / 1000)).toEqual([60, 300, 7200]);
  });

  it('honours Retry-After on a 429 when it asks for longer than the schedule', async () => {
    const r = await startReceiver((_req, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '120' } } : { status: 200 },
    );
    try {
      const endpoint = await insertEndpoint(sut.db, appId, clock.now(), {
        url: r.url,
        retrySchedule: [5],
      });
      const { deliveryIds } = await insertMessages(sut.db, appId, endpoint.id, clock.now());
      const row = await eventually(async () => {
        const d = await deliveryRow(sut.db, deliveryIds[0]);
        return d.attempts === 1 && d.status === 'pending' ? d : undefined;
      });
      expect((row.next_attempt_at as Date).getTime() - clock.now().getTime()).toBe(120_000);
    } finally {
      await r.close();
    }
  });
});
