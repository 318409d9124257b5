import { insertApp, insertEndpoint } from './delivery.fixtures';
import { eventually } from './support/eventually';
import {
  attemptRows,
  countDeliveries,
  deliveriesOf,
  enqueueMessages,
  settledStatus,
} from './support/queue-probe';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

describe('Delivery fairness', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let blackHole: TestReceiver;
  let healthy: TestReceiver;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({
      env: {
        ENDPOINT_MAX_IN_FLIGHT: '4',
        DELIVERY_TIMEOUT_MS: '10000',
        WORKER_CONCURRENCY: '64',
        WORKER_BATCH_SIZE: '50',
        WORKER_SWEEP_INTERVAL_MS: '250',
        SHUTDOWN_GRACE_MS: '300',
      },
    });
    blackHole = await startReceiver(() => 'hang');
    healthy = await startReceiver(() => ({ status: 200 }));
  });
  afterAll(async () => {
    await sut.close();
    await blackHole.close();
    await healthy.close();
  }, 30_000);

  it('a black-hole endpoint with a backlog does not delay a healthy one, and holds only its in-flight cap', async () => {
    const appId = await insertApp(sut.db, new Date());
    const dead = await insertEndpoint(sut.db, appId, new Date(), { url: blackHole.url });
    const alive = await insertEndpoint(sut.db, appId, new Date(), { url: healthy.url });
    await enqueueMessages(sut.db, appId, dead.id, new Date(), 500);
    await blackHole.waitFor(4);
    const started = Date.now();
    const { deliveryIds } = await enqueueMessages(sut.db, appId, alive.id, new Date(), 100);
    for (const id of deliveryIds) await settledStatus(sut.db, id, 'succeeded', 3_000);
    // Well inside the 10 s timeout the black hole's requests are stuck in.
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(healthy.requests).toHaveLength(100);
    expect(blackHole.requests).toHaveLength(4);
  });

  it("lets a stalled endpoint's held deliveries go as soon as it answers again, not when the hold ends", async () => {
    // Slow, not dead: its first requests take 2 s (every slot stalls), well inside the 10 s timeout.
    const slow = await startReceiver((_request, index) => ({
      status: 200,
      delayMs: index < 4 ? 2_000 : 0,
    }));
    try {
      const appId = await insertApp(sut.db, new Date());
      const endpoint = await insertEndpoint(sut.db, appId, new Date(), { url: slow.url });
      const queuedAt = new Date();
      const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, queuedAt, 30);
      const heldUntil = new Date(queuedAt.getTime() + 5_000);
      await eventually(
        async () =>
          (await countDeliveries(sut.db, {
            endpointId: endpoint.id,
            status: 'pending',
            dueAfter: heldUntil,
          })) ===
          deliveryIds.length - 4,
        2_000,
        "the stalled endpoint's deliveries to be held",
      );
      for (const id of deliveryIds) {
        await settledStatus(sut.db, id, 'succeeded', 5_000);
        expect(await attemptRows(sut.db, id)).toHaveLength(1);
      }
      expect(Date.now() - queuedAt.getTime()).toBeLessThan(5_000);
    } finally {
      await slow.close();
    }
  });
});

describe("Delivery: a stalled endpoint's due deliveries", () => {
  const TIMEOUT_MS = 1500;
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let stalling: TestReceiver;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({
      env: {
        ENDPOINT_MAX_IN_FLIGHT: '4',
        DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS),
        WORKER_CONCURRENCY: '64',
        WORKER_BATCH_SIZE: '50',
        SHUTDOWN_GRACE_MS: '300',
      },
    });
    // Its first requests hang (every slot stalls), later ones are answered.
    stalling = await startReceiver((_request, index) => (index < 4 ? 'hang' : { status: 200 }));
  });
  afterAll(async () => {
    await sut.close();
    await stalling.close();
  }, 30_000);

  it('are held out of the due window while it stalls, then delivered once each', async () => {
    const appId = await insertApp(sut.db, new Date());
    const endpoint = await insertEndpoint(sut.db, appId, new Date(), { url: stalling.url });
    const queuedAt = new Date();
    const { deliveryIds } = await enqueueMessages(sut.db, appId, endpoint.id, queuedAt, 30);
    const hung = await stalling.waitFor(4);

    // Handed back and moved past the stall (now + the delivery timeout, here under the 5 s cap).
    const held = await eventually(
      async () => {
        const rows = await deliveriesOf(sut.db, {
          endpointId: endpoint.id,
          status: 'pending',
          attempts: 0,
        });
        return rows.length === deliveryIds.length - 4 &&
          rows.every((r) => r.next_attempt_at !== null && r.next_attempt_at > queuedAt)
          ? rows
          : undefined;
      },
      3_000,
      "the stalled endpoint's deliveries to be held",
    );
    for (const r of held)
      expect(r.next_attempt_at?.getTime()).toBeLessThanOrEqual(Date.now() + TIMEOUT_MS);
    expect(stalling.requests).toHaveLength(hung.length);

    // The hold passes by itself: each held delivery goes out once and succeeds.
    for (const { id } of held) {
      await settledStatus(sut.db, id, 'succeeded', 2 * TIMEOUT_MS + 3_000);
      expect(await attemptRows(sut.db, id)).toHaveLength(1);
    }
  }, 20_000);
});
