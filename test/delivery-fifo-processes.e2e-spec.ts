import { eventually } from './delivery.fixtures';
import { ApiClient } from './support/api-client';
import { createApp, createEndpoint } from './support/builders';
import type { TestReceiver } from './support/receiver';
import {
  QUICK_TAKEOVER_WORKER_ENV,
  startServiceFleet,
  stopAll,
  type ServiceFleet,
  type ServiceProcess,
} from './support/service-process';
import { TEST_ADMIN_KEY } from './support/test-app';

const KEYS = 50;
const PER_KEY = 40;
const TOTAL = KEYS * PER_KEY;
const REPLY_DELAY_MS = 2;

/** A worker as production runs it: its own OS process (`npm run build` first). */
function startWorker(fleet: ServiceFleet): Promise<ServiceProcess> {
  return fleet.start({
    role: 'worker',
    env: {
      ...QUICK_TAKEOVER_WORKER_ENV,
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
async function orderRecordingReceiver(fleet: ServiceFleet): Promise<{
  receiver: TestReceiver;
  arrivals: Arrival[];
  overlaps: () => string[];
}> {
  const arrivals: Arrival[] = [];
  const open = new Map<string, Map<number, number>>();
  const overlaps: string[] = [];
  const receiver = await fleet.receiver((request) => {
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
  let fleet: ServiceFleet;
  let api: ApiClient;

  beforeAll(async () => {
    fleet = await startServiceFleet();
    const apiProcess = await fleet.start({ role: 'api', env: { LOG_LEVEL: 'warn' } });
    api = new ApiClient(apiProcess.baseUrl, TEST_ADMIN_KEY);
  }, 60_000);
  afterAll(() => fleet.close());

  it('keeps every key in accepted order through 20 % failures and a worker SIGKILLed mid-drain', async () => {
    const { receiver, arrivals, overlaps } = await orderRecordingReceiver(fleet);
    const appId = (await createApp(api)).id;
    const endpoint = await createEndpoint(api, appId, {
      url: receiver.url,
      ordering: 'fifo',
      retrySchedule: Array.from({ length: 30 }, () => '1s'),
    });
    const workers = await Promise.all([startWorker(fleet), startWorker(fleet)]);

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
    const restarted = await startWorker(fleet);

    await eventually(
      async () =>
        Number(
          (
            await fleet.db.query(
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
