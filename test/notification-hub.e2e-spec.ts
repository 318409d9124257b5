import { Pool } from 'pg';
import { DELIVERIES_CHANNEL, ROUTING_CHANNEL } from '../src/queue/channels';
import { type ChannelSubscriber, NotificationHub } from '../src/queue/listen/notification-hub';
import { eventually } from './support/eventually';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/** A subscriber that records what the hub told it. */
function recorder(): ChannelSubscriber & { payloads: string[]; listens: number; losses: number } {
  const seen = { payloads: [] as string[], listens: 0, losses: 0 };
  return Object.assign(seen, {
    notify: (payload: string) => void seen.payloads.push(payload),
    listening: () => void seen.listens++,
    lost: () => void seen.losses++,
  });
}

/**
 * The process's one LISTEN connection on a real PostgreSQL: every channel over one
 * connection, each notification to its channel's subscribers only, one reconnect policy.
 */
describe('NotificationHub', () => {
  let database: TestDatabase;
  let pool: Pool;
  let sut: NotificationHub;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new Pool({ connectionString: database.url, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });
  beforeEach(() => {
    sut = new NotificationHub(pool);
  });
  afterEach(() => sut.onApplicationShutdown());

  const listeners = async (): Promise<Array<{ pid: number; query: string }>> =>
    (
      await pool.query<{ pid: number; query: string }>(
        `SELECT pid, query FROM pg_stat_activity
          WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
      )
    ).rows;

  it('listens on every subscribed channel over one connection', async () => {
    const deliveries = recorder();
    const routing = recorder();
    sut.subscribe(DELIVERIES_CHANNEL, deliveries);
    sut.subscribe(ROUTING_CHANNEL, routing);
    await eventually(async () => sut.listeningOn(ROUTING_CHANNEL), 10_000, 'the LISTEN');

    expect((await listeners()).map((l) => l.query)).toEqual([
      `LISTEN ${DELIVERIES_CHANNEL}; LISTEN ${ROUTING_CHANNEL}`,
    ]);
  });

  it("hands each notification to its channel's subscribers only", async () => {
    const deliveries = recorder();
    const routing = recorder();
    sut.subscribe(DELIVERIES_CHANNEL, deliveries);
    sut.subscribe(ROUTING_CHANNEL, routing);
    await eventually(async () => sut.listeningOn(ROUTING_CHANNEL), 10_000, 'the LISTEN');

    await pool.query(`SELECT pg_notify($1, ''), pg_notify($2, 'app_1')`, [
      DELIVERIES_CHANNEL,
      ROUTING_CHANNEL,
    ]);

    await eventually(async () => routing.payloads.length === 1 && deliveries.payloads.length === 1);
    expect({ deliveries: deliveries.payloads, routing: routing.payloads }).toEqual({
      deliveries: [''],
      routing: ['app_1'],
    });
  });

  it('reconnects after its connection is killed, telling subscribers it was lost and is back', async () => {
    const routing = recorder();
    sut.subscribe(ROUTING_CHANNEL, routing);
    await eventually(async () => sut.listeningOn(ROUTING_CHANNEL), 10_000, 'the LISTEN');
    // The previous test's connection may take a moment to leave pg_stat_activity.
    const [before] = await eventually(async () => {
      const rows = await listeners();
      return rows.length === 1 ? rows : undefined;
    });

    await pool.query('SELECT pg_terminate_backend($1)', [before.pid]);

    await eventually(
      async () => routing.losses === 1 && routing.listens === 2,
      15_000,
      'reconnect',
    );
    const after = await listeners();
    expect(after).toHaveLength(1);
    expect(after[0].pid).not.toBe(before.pid);
    await pool.query(`SELECT pg_notify($1, 'app_2')`, [ROUTING_CHANNEL]);
    await eventually(async () => routing.payloads.includes('app_2'));
  });

  it('closes the connection when the last subscriber leaves', async () => {
    const unsubscribe = sut.subscribe(ROUTING_CHANNEL, recorder());
    await eventually(async () => sut.listeningOn(ROUTING_CHANNEL), 10_000, 'the LISTEN');

    unsubscribe();

    await eventually(async () => (await listeners()).length === 0, 10_000, 'the connection closed');
    expect(sut.listeningOn(ROUTING_CHANNEL)).toBe(false);
  });
});
