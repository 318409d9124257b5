import { insertApp, insertEndpoint, insertMessages, settledStatus } from './delivery.fixtures';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

describe('Delivery fairness', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let blackHole: TestReceiver;
  let healthy: TestReceiver;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({
      env: { ENDPOINT_MAX_IN_FLIGHT: '4', DELIVERY_TIMEOUT_MS: '10000', WORKER_CONCURRENCY: '64', WORKER_BATCH_SIZE: '50', WORKER_SWEEP_INTERVAL_MS: '250', SHUTDOWN_GRACE_MS: '300' },
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
    await insertMessages(sut.db, appId, dead.id, new Date(), 500);
    await blackHole.waitFor(4);
    const started = Date.now();
    const { deliveryIds } = await insertMessages(sut.db, appId, alive.id, new Date(), 100);
    for (const id of deliveryIds) await settledStatus(sut.db, id, 'succeeded', 3_000);
    // Well inside the 10 s timeout the black hole's requests are stuck in.
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(healthy.requests).toHaveLength(100);
    expect(blackHole.requests).toHaveLength(4);
  });
});
