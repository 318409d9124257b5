import type { Pool } from 'pg';
import { FakeClock } from '../src/common/clock';
import { DeliveryWorker } from '../src/delivery/worker/delivery-worker';
import { insertApp, insertEndpoint } from './delivery.fixtures';
import { eventually } from './support/eventually';
import {
  countAttempts,
  countDeliveries,
  deliveriesOf,
  enqueueMessages,
} from './support/queue-probe';
import { startReceiver, type ReceiverBehaviour, type TestReceiver } from './support/receiver';
import { startTestAppWithReceiver, type TestAppWithReceiver } from './support/test-app';

interface HealthRow {
  consecutive_failures: number;
  circuit_open_until: Date | null;
  circuit_opens: number;
}

async function health(db: Pool, endpointId: string): Promise<HealthRow> {
  const { rows } = await db.query<HealthRow>(
    'SELECT consecutive_failures, circuit_open_until, circuit_opens FROM endpoint WHERE id = $1',
    [endpointId],
  );
  return rows[0];
}

function attemptsOf(db: Pool, endpointId: string): Promise<number> {
  return countAttempts(db, { endpointId });
}

/**
 * Nothing more can happen to the endpoint's deliveries until the clock moves: the worker sends
 * none (those it still holds wait for a permit the open circuit does not give while the clock
 * stands still) and every request the receiver got is recorded. Waited for instead of a
 * pause; the counts that follow are then exact.
 */
async function settled(
  db: Pool,
  worker: DeliveryWorker,
  receiver: TestReceiver,
  endpointId: string,
): Promise<number> {
  return eventually(
    async () => {
      if (worker.stats().sending !== 0) return undefined;
      const attempts = await attemptsOf(db, endpointId);
      return attempts === receiver.requests.length ? { attempts } : undefined;
    },
    10_000,
    'the worker to settle',
  ).then((r) => r.attempts);
}

/** The endpoint's health once its circuit has opened `opens` times without closing in between. */
function circuitOpened(db: Pool, endpointId: string, opens: number): Promise<HealthRow> {
  return eventually(
    async () => {
      const h = await health(db, endpointId);
      return h.circuit_opens === opens ? h : undefined;
    },
    10_000,
    `circuit_opens to reach ${opens}`,
  );
}

/**
 * A receiver that takes a moment to fail, as real ones do: the breaker acts after each
 * recorded batch, so with instant answers every claimed delivery could go before it opens.
 */
const slowFailure: ReceiverBehaviour = () => ({ status: 500, delayMs: 40 });

/**
 * An endpoint of a new app on `receiver` with `count` deliveries due now. Failed deliveries
 * retry a day later: every attempt after the opening is a probe of a held delivery.
 */
async function endpointWithBacklog(
  db: Pool,
  clock: FakeClock,
  receiver: TestReceiver,
  count: number,
): Promise<{ endpoint: { id: string }; deliveryIds: string[] }> {
  const appId = await insertApp(db, clock.now());
  const endpoint = await insertEndpoint(db, appId, clock.now(), {
    url: receiver.url,
    retrySchedule: [86_400],
  });
  const { deliveryIds } = await enqueueMessages(db, appId, endpoint.id, clock.now(), count);
  return { endpoint, deliveryIds };
}

/**
 * The circuit breaker on a simulated clock: one delivery at a time to the endpoint (so the
 * order of events is deterministic), sweeps driven by hand, a real receiver answering 500
 * and later 200.
 */
describe('Circuit breaker (simulated clock)', () => {
  const clock = new FakeClock(Date.UTC(2030, 0, 1));
  let sut: TestAppWithReceiver;
  let worker: DeliveryWorker;

  beforeAll(async () => {
    sut = await startTestAppWithReceiver({
      clock,
      // Leases far longer than the simulated cool-downs: moving the clock must not expire the held ones.
      env: {
        WORKER_SWEEP_INTERVAL_MS: '600000',
        WORKER_LEASE_MS: '3600000',
        CIRCUIT_BREAKER_THRESHOLD: '3',
        ENDPOINT_MAX_IN_FLIGHT: '1',
      },
      receiver: slowFailure,
    });
    worker = sut.app.get(DeliveryWorker);
  });
  afterAll(() => sut.close());

  it('opens after the threshold, holds the rest, probes once per cool-down and closes on success', async () => {
    const { endpoint, deliveryIds } = await endpointWithBacklog(sut.db, clock, sut.receiver, 10);

    const opened = await circuitOpened(sut.db, endpoint.id, 1);
    expect(opened.circuit_open_until).toEqual(new Date(clock.now().getTime() + 30_000));

    // Held: no further attempts while open (only sends already started when it opened).
    const beforeProbe = await settled(sut.db, worker, sut.receiver, endpoint.id);
    expect(beforeProbe).toBeGreaterThanOrEqual(3);
    expect(beforeProbe).toBeLessThan(10);
    expect(sut.receiver.requests).toHaveLength(beforeProbe);

    // Cool-down over, still failing: exactly one probe, then open again for twice as long.
    clock.advance(30_000);
    await worker.sweep();
    const reopened = await circuitOpened(sut.db, endpoint.id, 2);
    expect(reopened.circuit_open_until).toEqual(new Date(clock.now().getTime() + 60_000));
    expect(await settled(sut.db, worker, sut.receiver, endpoint.id)).toBe(beforeProbe + 1);

    // Recovered: the probe succeeds, the circuit closes and every held delivery goes out.
    sut.receiver.setBehaviour(() => ({ status: 200 }));
    clock.advance(60_000);
    await worker.sweep();
    const held = deliveryIds.length - (beforeProbe + 1);
    await eventually(
      async () =>
        (await countDeliveries(sut.db, { endpointId: endpoint.id, status: 'succeeded' })) === held,
      10_000,
      'the held deliveries to be delivered',
    );
    // The health update follows the attempts' commit (an observer of recorded batches).
    await eventually(
      async () => (await health(sut.db, endpoint.id)).circuit_opens === 0,
      10_000,
      'the circuit to close',
    );
    expect(await health(sut.db, endpoint.id)).toEqual({
      consecutive_failures: 0,
      circuit_open_until: null,
      circuit_opens: 0,
    });
    // Held deliveries were attempted once, when they went out: no failed attempts while held.
    const rows = await deliveriesOf(sut.db, { endpointId: endpoint.id, status: 'succeeded' });
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    expect(rows).toHaveLength(held);
  }, 30_000);

  it('moves the pending deliveries out of the due window when it opens, and delivers them once after the probe closes it', async () => {
    const failing = await startReceiver(slowFailure);
    try {
      // More than the worker claims ahead for one endpoint: some rows are still pending in the table when it opens.
      const { endpoint, deliveryIds } = await endpointWithBacklog(sut.db, clock, failing, 1500);
      const opened = await circuitOpened(sut.db, endpoint.id, 1);

      // Moved right after the opening (a statement of its own), never attempted meanwhile.
      const pending = await eventually(
        async () => {
          const rows = await deliveriesOf(sut.db, {
            endpointId: endpoint.id,
            status: 'pending',
            attempts: 0,
          });
          return rows.length > 0 &&
            rows.every((r) => r.next_attempt_at?.getTime() === opened.circuit_open_until?.getTime())
            ? rows
            : undefined;
        },
        5_000,
        'the pending deliveries to be moved to the end of the cool-down',
      );

      failing.setBehaviour(() => ({ status: 200 }));
      clock.advance(30_000);
      await worker.sweep();
      await eventually(
        async () =>
          (await countDeliveries(sut.db, { endpointId: endpoint.id, attempts: 0 })) === 0 &&
          (await countDeliveries(sut.db, { endpointId: endpoint.id, status: 'delivering' })) === 0,
        20_000,
        'the held deliveries to be delivered',
      );
      // Nothing lost, nothing attempted twice: those that failed before the opening wait for their retry.
      const rows = await deliveriesOf(sut.db, { endpointId: endpoint.id });
      expect(rows.every((r) => r.attempts === 1)).toBe(true);
      expect(rows.filter((r) => r.status === 'succeeded').length).toBeGreaterThan(pending.length);
      expect(await attemptsOf(sut.db, endpoint.id)).toBe(deliveryIds.length);
      expect(failing.requests).toHaveLength(deliveryIds.length);
    } finally {
      await failing.close();
    }
  }, 40_000);
});
