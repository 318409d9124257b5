import { Pool } from 'pg';
import { insertApp, insertEndpoint } from './delivery.fixtures';
import { eventually } from './support/eventually';
import { countAttempts, countDeliveries, enqueueMessages } from './support/queue-probe';
import type { TestReceiver } from './support/receiver';
import {
  QUICK_TAKEOVER_WORKER_ENV,
  startServiceFleet,
  stopAll,
  type ServiceFleet,
  type ServiceProcess,
} from './support/service-process';

const CONCURRENCY = 64;
const BATCH_SIZE = 50;
/**
 * Deliveries one worker may hold leased and unrecorded at most with the configuration above,
 * computed by hand (with the sizing rule of src/delivery/worker/worker-capacity.ts when this
 * was written), not imported: a change to the worker's sizing must not silently loosen the
 * bound it is judged by. Claimed and unsent: concurrency + half a batch (64 + 25); results
 * awaiting their batched write: twice max(concurrency, batch) (128). 64 + 25 + 128 = 217.
 */
const MAX_UNRECORDED = 217;

/** A worker as production runs it: its own OS process (`npm run build` first). */
function startWorker(
  fleet: ServiceFleet,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  return fleet.start({
    role: 'worker',
    env: {
      ...QUICK_TAKEOVER_WORKER_ENV,
      WORKER_CONCURRENCY: String(CONCURRENCY),
      WORKER_BATCH_SIZE: String(BATCH_SIZE),
      LOG_LEVEL: 'info',
      ...env,
    },
  });
}

function countByStatus(db: Pool, appId: string, status: string): Promise<number> {
  return countDeliveries(db, { appId, status });
}

function receivedIds(receiver: TestReceiver): string[] {
  return receiver.requests.map((r) => String(r.headers['webhook-id']));
}

describe('Delivery workers as separate processes', () => {
  let fleet: ServiceFleet;
  let db: Pool;

  beforeAll(async () => {
    fleet = await startServiceFleet();
    db = fleet.db;
    // The first worker runs the migrations; later ones find them applied.
    await (await startWorker(fleet, { WORKER_CONCURRENCY: '1' })).stop('SIGTERM');
  }, 60_000);
  afterAll(() => fleet.close());

  it('loses nothing when a worker is SIGKILLed mid-drain; duplicates stay within what was in flight', async () => {
    const total = 3000;
    const receiver = await fleet.receiver(() => ({ status: 200, delayMs: 2 }));
    const appId = await insertApp(db, new Date());
    const endpoint = await insertEndpoint(db, appId, new Date(), { url: receiver.url });
    const { messageIds } = await enqueueMessages(db, appId, endpoint.id, new Date(), total);

    const first = await startWorker(fleet, { ENDPOINT_MAX_IN_FLIGHT: '32' });
    await receiver.waitFor(total / 3, 30_000);
    await first.stop('SIGKILL');
    const receivedAtKill = receiver.requests.length;
    const recordedAtKill = await countByStatus(db, appId, 'succeeded');
    expect(receivedAtKill).toBeLessThan(total);

    const second = await startWorker(fleet, { ENDPOINT_MAX_IN_FLIGHT: '32' });
    await eventually(
      async () => (await countByStatus(db, appId, 'succeeded')) === total,
      60_000,
      'every delivery to succeed',
    );

    const ids = receivedIds(receiver);
    const distinct = new Set(ids);
    expect(messageIds.filter((id) => !distinct.has(id))).toEqual([]);
    const duplicates = ids.length - distinct.size;
    // Only deliveries sent but not yet recorded when the process died can be sent twice,
    // and results are recorded in batches, so that is more than the sends in flight: at most
    // the worker's claimed-and-unrecorded bound.
    expect(duplicates).toBeLessThanOrEqual(receivedAtKill - recordedAtKill);
    expect(duplicates).toBeLessThanOrEqual(MAX_UNRECORDED);
    await second.stop('SIGTERM');
  }, 120_000);

  it('two workers draining one backlog deliver each message once', async () => {
    const total = 4000;
    const receiver = await fleet.receiver(() => ({ status: 200 }));
    const appId = await insertApp(db, new Date());
    const endpoints = await Promise.all(
      [0, 1, 2, 3].map(() => insertEndpoint(db, appId, new Date(), { url: receiver.url })),
    );
    const workers = await Promise.all([startWorker(fleet), startWorker(fleet)]);
    const messageIds: string[] = [];
    for (const e of endpoints)
      messageIds.push(
        ...(await enqueueMessages(db, appId, e.id, new Date(), total / 4)).messageIds,
      );
    await receiver.waitFor(total, 60_000);
    await eventually(
      async () => (await countByStatus(db, appId, 'succeeded')) === total,
      30_000,
      'all recorded',
    );
    const attempts = await countAttempts(db, { appId });
    const ids = receivedIds(receiver);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(attempts).toBe(total);
    await stopAll(workers, 'SIGTERM');
  }, 120_000);
});
