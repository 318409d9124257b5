import { Pool } from 'pg';
import { eventually } from './delivery.fixtures';
import { ApiClient } from './support/api-client';
import { createApp, createEndpoint } from './support/builders';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startServiceProcess, stopAll, type ServiceProcess } from './support/service-process';
import { TEST_ADMIN_KEY } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const KEYS = 50;
const PER_KEY = 40;
const TOTAL = KEYS * PER_KEY;
const REPLY_DELAY_MS = 2;

/** A worker as production runs it: its own OS process (`npm run build` first). */
function startWorker(databaseUrl: string): Promise<ServiceProcess> {
  return startServiceProcess({
    role: 'worker',
    databaseUrl,
    env: {
      WORKER_LEASE_MS: '2000',
      DELIVERY_TIMEOUT_MS: '1000',
      WORKER_SWEEP_INTERVAL_MS: '200',
      ENDPOINT_MAX_IN_FLIGHT: '64',
      // A random 20 % of failures must not open the endpoint's circuit for every key.
      CIRCUIT_BREAKER_THRESHOLD: '10000',
      LOG_LEVEL: 'warn',
    },
  });
}

interface Arrival {
  key: string;
  n: number;
}

/**
 * Records what arrives (key and number from the payload) and answers 500 to a random 20 %.
 * Counts arrivals of a key's message while the receiver has not yet answered an earlier
 * *other* message of that key: two of one key in flight at once. (The same message again
 * while its previous attempt is unanswered is allowed: the worker gave up on that attempt
 * after DELIVERY_TIMEOUT_MS — the receiver's loop can lag that long on a loaded machine — and
 * retried it, which is at-least-once, not a second message overtaking.)
 */
async function orderRecordingReceiver(): Promise<{
  receiver: TestReceiver;
  arrivals: Arrival[];
  overlaps: () => string[];
}> {
  const arrivals: Arrival[] = [];
  const open = new Map<string, Map<number, number>>();
  const overlaps: string[] = [];
  const receiver = await startReceiver((request) => {
    const { key, n } = (JSON.parse(request.body) as { data: Arrival }).data;
    arrivals.push({ key, n });
    const openOfKey = open.get(key) ?? new Map<number, number>();
    open.set(key, openOfKey);
    for (const [other, count] of openOfKey)
      if (other !== n && count > 0) overlaps.push(`${key}: ${n} arrived while ${other} was open`);
    openOfKey.set(n, (openOfKey.get(n) ?? 0) + 1);
    // Registered before the receiver's own reply timer of the same delay: closed just before
    // the answer leaves.
    setTimeout(() => openOfKey.set(n, (openOfKey.get(n) ?? 1) - 1), REPLY_DELAY_MS);
    return { status: Math.random() < 0.2 ? 500 : 200, delayMs: REPLY_DELAY_MS };
  });
  return { receiver, arrivals, overlaps: () => overlaps };
}

/** Per key, the numbers in the order of their first arrival. */
function firstArrivals(arrivals: readonly Arrival[]): Map<string, number[]> {
  const seen = new Set<string>();
  const byKey = new Map<string, number[]>();
  for (const { key, n } of arrivals) {
    if (seen.has(`${key}/${n}`)) continue;
    seen.add(`${key}/${n}`);
    byKey.set(key, [...(byKey.get(key) ?? []), n]);
  }
  return byKey;
}

describe('FIFO delivery across worker processes', () => {
  let database: TestDatabase;
  let db: Pool;
  let api: ApiClient;
  const children: ServiceProcess[] = [];
  const receivers: TestReceiver[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const apiProcess = await startServiceProcess({
      role: 'api',
      databaseUrl: database.url,
      env: { LOG_LEVEL: 'warn' },
    });
    children.push(apiProcess);
    api = new ApiClient(apiProcess.baseUrl, TEST_ADMIN_KEY);
    db = new Pool({ connectionString: database.url, max: 3 });
    db.on('error', () => undefined);
  }, 60_000);
  afterAll(async () => {
    await stopAll(children);
    await Promise.all(receivers.map((r) => r.close()));
    await db.end();
    await database.drop();
  });

  it('keeps every key in accepted order through 20 % failures and a worker SIGKILLed mid-drain', async () => {
    const { receiver, arrivals, overlaps } = await orderRecordingReceiver();
    receivers.push(receiver);
    const appId = (await createApp(api)).id;
    const endpoint = await createEndpoint(api, appId, {
      url: receiver.url,
      ordering: 'fifo',
      retrySchedule: Array.from({ length: 30 }, () => '1s'),
    });
    const workers = await Promise.all([startWorker(database.url), startWorker(database.url)]);
    children.push(...workers);

    // Message n of every key in batch n, each batch posted after the previous one's 202.
    const keys = Array.from({ length: KEYS }, (_, k) => `user-${k}`);
    for (let n = 0; n < PER_KEY; n++) {
      const res = await api.post(`/api/v1/apps/${appId}/messages/batch`, {
        messages: keys.map((key) => ({
          eventType: 'subscription.changed',
          orderingKey: key,
          payload: { key, n },
        })),
      });
      expect(res.status).toBe(202);
    }

    await eventually(async () => arrivals.length >= TOTAL / 3, 60_000, 'a third of the arrivals');
    await workers[0].stop('SIGKILL');
    const restarted = await startWorker(database.url);
    children.push(restarted);

    await eventually(
      async () =>
        Number(
          (
            await db.query(
              `SELECT count(*) FROM delivery WHERE endpoint_id = $1 AND status = 'succeeded'`,
              [endpoint.id],
            )
          ).rows[0].count,
        ) === TOTAL,
      150_000,
      'every delivery to succeed',
    );

    const byKey = firstArrivals(arrivals);
    const inOrder = [...Array(PER_KEY).keys()];
    const wrong = keys.filter((key) => JSON.stringify(byKey.get(key)) !== JSON.stringify(inOrder));
    expect(wrong).toEqual([]);
    // Failures happened, so order was kept through retries, not by luck of none.
    expect(arrivals.length).toBeGreaterThan(TOTAL);
    expect(overlaps()).toEqual([]);
    await stopAll([workers[1], restarted], 'SIGTERM');
  }, 240_000);
});
