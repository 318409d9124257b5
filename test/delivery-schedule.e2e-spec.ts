import { FakeClock } from '../src/common/clock';
import { DeliveryWorker } from '../src/delivery/worker/delivery-worker';
import { insertApp, insertEndpoint } from './delivery.fixtures';
import { eventually } from './support/eventually';
import {
  attemptRows,
  cancelDelivery,
  deliveryRow,
  enqueueMessages,
  exhaustedSince,
  leaseTakenOver,
} from './support/queue-probe';
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
    // The circuit breaker would hold these always-failing deliveries (endpoint-health e2e covers
    // that). One send per endpoint at a time, so a second delivery waits in the worker.
    sut = await startTestAppWithDatabase({
      clock,
      env: {
        WORKER_SWEEP_INTERVAL_MS: '600000',
        CIRCUIT_BREAKER_THRESHOLD: '10000',
        ENDPOINT_MAX_IN_FLIGHT: '1',
      },
    });
    worker = sut.app.get(DeliveryWorker);
    receiver = await startReceiver(() => ({ status: 500 }));
    appId = await insertApp(sut.db, clock.now());
  });
  afterAll(async () => {
    await sut.close();
    await receiver.close();
  });

  /**
   * Runs every attempt of one delivery, jumping the clock to each next_attempt_at, from its
   * attempt number `from` (its first attempt unless it was re-queued).
   */
  async function driveToTheEnd(deliveryId: string, from = 1): Promise<void> {
    for (let made = from; ; made++) {
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
    const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, clock.now());
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
    const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, clock.now());
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
      const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, clock.now());
      const row = await eventually(async () => {
        const d = await deliveryRow(sut.db, deliveryIds[0]);
        return d.attempts === 1 && d.status === 'pending' ? d : undefined;
      });
      expect((row.next_attempt_at as Date).getTime() - clock.now().getTime()).toBe(120_000);
    } finally {
      await r.close();
    }
  });

  describe('a manual re-queue starts a fresh retry window', () => {
    it('retries a recovered delivery on its whole custom schedule again, then fails', async () => {
      const endpoint = await insertEndpoint(sut.db, appId, clock.now(), {
        url: receiver.url,
        retrySchedule: [60, 300],
      });
      const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, clock.now());
      await driveToTheEnd(deliveryIds[0]);
      expect(await deliveryRow(sut.db, deliveryIds[0])).toMatchObject({
        status: 'failed',
        attempts: 3,
      });

      clock.advance(2 * DAY_MS);
      const recoveredAt = clock.now().getTime();
      const res = await sut.api.post(`/api/v1/apps/${appId}/endpoints/${endpoint.id}/recover`, {
        since: '2000-01-01T00:00:00Z',
      });
      expect(res.body).toEqual({ requeued: 1 });
      await driveToTheEnd(deliveryIds[0], 4);

      const times = (await attemptRows(sut.db, deliveryIds[0])).map((a) => a.created_at.getTime());
      expect(times).toHaveLength(6);
      expect(times[3]).toBe(recoveredAt);
      expect(times.slice(4).map((t, i) => (t - times[3 + i]) / 1000)).toEqual([60, 300]);
    });

    it('gives a retried delivery past its 24 h window a new one: a failure is retried, not final', async () => {
      const endpoint = await insertEndpoint(sut.db, appId, clock.now(), { url: receiver.url });
      const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, clock.now());
      await eventually(async () => (await deliveryRow(sut.db, deliveryIds[0])).attempts === 1);
      // As the default schedule leaves it after a day of failures.
      await exhaustedSince(
        sut.db,
        deliveryIds[0],
        33,
        new Date(clock.now().getTime() - 2 * DAY_MS),
      );
      const retriedAt = clock.now().getTime();
      const res = await sut.api.post(`/api/v1/apps/${appId}/deliveries/${deliveryIds[0]}/retry`);
      expect(res.status).toBe(202);
      const row = await eventually(async () => {
        const r = await deliveryRow(sut.db, deliveryIds[0]);
        return r.attempts === 34 && r.status !== 'delivering' ? r : undefined;
      });
      expect(row.status).toBe('pending');
      // The first delay of the default schedule: 5 s ± 20 %.
      const delay = (row.next_attempt_at as Date).getTime() - retriedAt;
      expect(delay).toBeGreaterThanOrEqual(4_000);
      expect(delay).toBeLessThanOrEqual(6_000);
    });
  });

  it('never starts a send whose lease could run out during it (another worker may hold it then)', async () => {
    const r = await startReceiver((_req, i) =>
      i === 0 ? { status: 200, delayMs: 300 } : { status: 200 },
    );
    try {
      const endpoint = await insertEndpoint(sut.db, appId, clock.now(), { url: r.url });
      const { messageIds, deliveryIds } = await enqueueMessages(
        sut.db,
        appId,
        endpoint.id,
        clock.now(),
        2,
      );
      // One is being sent; the other waits in the worker (one send per endpoint at a time).
      const [first] = await r.waitFor(1);
      const sentIndex = messageIds.indexOf(String(first.headers['webhook-id']));
      const waiting = deliveryIds[1 - sentIndex];
      // Meanwhile its lease runs out, and another worker requeues and claims it.
      clock.advance(61_000);
      await leaseTakenOver(sut.db, waiting, new Date(clock.now().getTime() + 60_000));
      await eventually(
        async () => (await deliveryRow(sut.db, deliveryIds[sentIndex])).status === 'succeeded',
      );
      // Settled once the worker holds nothing: the waiting one was either sent (the receiver
      // has it by then: a send ends before its place is given back) or handed back unsent.
      await eventually(
        async () => {
          const { backlog, sending } = worker.stats();
          return backlog === 0 && sending === 0;
        },
        10_000,
        'the worker to hand the waiting delivery back',
      );
      expect(r.requests).toHaveLength(1);
      expect(await attemptRows(sut.db, waiting)).toHaveLength(0);
      await cancelDelivery(sut.db, waiting);
    } finally {
      await r.close();
    }
  });
});
