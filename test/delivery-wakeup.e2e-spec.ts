import { createApp, createEndpoint } from './support/builders';
import { eventually } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

/** What the worker's wake-up connection runs, as pg_stat_activity shows it. */
const WAKEUP_LISTEN = 'LISTEN hookrelay_deliveries; LISTEN hookrelay_routing';

/**
 * The process's one LISTEN connection (NotificationHub), as the worker's DeliveryWakeup uses
 * it, on a real PostgreSQL: killed from the server side, it comes back, and new messages wake
 * the worker through it again. The sweep runs every ten minutes here, so only a wake-up can
 * explain a prompt delivery. (RoutingListener, on the same connection, is covered the same
 * way in subscriptions.e2e-spec.ts.)
 */
describe('Delivery wake-up connection', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let receiver: TestReceiver;
  let appId: string;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ env: { WORKER_SWEEP_INTERVAL_MS: '600000' } });
    receiver = await startReceiver();
    appId = (await createApp(sut.api)).id;
    await createEndpoint(sut.api, appId, { url: receiver.url });
  });
  afterAll(async () => {
    await sut.close();
    await receiver.close();
  });

  const listeners = async (): Promise<number[]> =>
    (
      await sut.db.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1',
        [WAKEUP_LISTEN],
      )
    ).rows.map((r) => r.pid);

  const send = async (n: number): Promise<void> => {
    const res = await sut.api.post(`/api/v1/apps/${appId}/messages`, {
      eventType: 'invoice.paid',
      payload: { n },
    });
    expect(res.status).toBe(202);
  };

  it('wakes the worker for a new message at once', async () => {
    await eventually(async () => (await listeners()).length === 1, 10_000, 'the LISTEN');
    await send(1);
    await receiver.waitFor(1, 10_000);
  });

  it('reconnects after its connection is killed, and wakes the worker again', async () => {
    const [before] = await eventually(
      async () => {
        const pids = await listeners();
        return pids.length === 1 ? pids : undefined;
      },
      10_000,
      'the LISTEN',
    );
    const killed = await sut.db.query('SELECT pg_terminate_backend($1)', [before]);
    expect(killed.rowCount).toBe(1);

    const [after] = await eventually(
      async () => {
        const pids = await listeners();
        return pids.length === 1 && pids[0] !== before ? pids : undefined;
      },
      15_000,
      'a new LISTEN connection',
    );
    expect(after).not.toBe(before);

    const received = receiver.requests.length;
    await send(2);
    await receiver.waitFor(received + 1, 10_000);
  });
});
