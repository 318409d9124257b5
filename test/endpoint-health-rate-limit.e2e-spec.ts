import { RateLimiter } from '../src/endpoint-health/rate-limit/rate-limiter';
import { eventually } from './support/eventually';
import { countAttempts, countDeliveries } from './support/queue-probe';
import { createApp, createEndpoint } from './support/builders';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const RATE = 20;
const MESSAGES = 130;

/**
 * rateLimit across processes: two worker instances share one database and drain to one
 * rate-limited endpoint; the receiver's clock, not the service's, measures the rate.
 */
describe('Endpoint rate limit (two workers, one database)', () => {
  let database: TestDatabase;
  let api: TestApp;
  let workers: TestApp[];
  let receiver: TestReceiver;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp({ database, env: { ROLE: 'api' } });
    workers = [];
    for (let i = 0; i < 2; i++)
      workers.push(
        await startTestApp({ database, env: { ROLE: 'worker', WORKER_SWEEP_INTERVAL_MS: '200' } }),
      );
    receiver = await startReceiver();
  });
  afterAll(async () => {
    for (const w of workers) await w.close();
    await api.close();
    await receiver.close();
    await database.drop();
  });

  it(`holds ${RATE}/s within 10 % over the steady window, and still delivers everything`, async () => {
    const app = await createApp(api.api);
    const endpoint = await createEndpoint(api.api, app.id, { url: receiver.url, rateLimit: RATE });
    // Every worker learns about the limit at its next gate refresh (sweep or routing
    // notification); refreshed here so that none can start before it knows, whatever the timing.
    await Promise.all(workers.map((w) => w.app.get(RateLimiter).refresh()));
    const messages = Array.from({ length: MESSAGES }, (_, n) => ({
      eventType: 'invoice.paid',
      payload: { n },
    }));
    expect((await api.api.post(`/api/v1/apps/${app.id}/messages/batch`, { messages })).status).toBe(
      202,
    );

    const received = await receiver.waitFor(MESSAGES, 15_000);
    // The bucket starts full (one second of tokens): measure 3 s after the first second.
    const t0 = received[0].receivedAt;
    const steady =
      received.filter((r) => r.receivedAt >= t0 + 1000 && r.receivedAt < t0 + 4000).length / 3;
    expect(steady).toBeGreaterThanOrEqual(RATE * 0.9);
    expect(steady).toBeLessThanOrEqual(RATE * 1.1);

    // Waiting for a token is not an attempt: exactly one attempt per delivery.
    await eventually(
      async () =>
        (await countDeliveries(api.db, { endpointId: endpoint.id, status: 'succeeded' })) ===
        MESSAGES,
    );
    expect(await countAttempts(api.db, { endpointId: endpoint.id })).toBe(MESSAGES);
  }, 30_000);
});
