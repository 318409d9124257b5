import { Client } from 'pg';
import { FakeClock } from '../src/common/clock';
import { idFloorAt } from '../src/common/ids';
import { RETENTION_LOCK_KEY } from '../src/retention/retention.repository';
import { RETENTION_BATCH_SIZE, RetentionService } from '../src/retention/retention.service';
import { startTestAppWithDatabase, TestApp } from './support/test-app';
import { countAttempts, countDeliveries, placeAttempt, placeDelivery } from './support/queue-probe';

const DAY = 86_400_000;
/**
 * The start of the current test's simulated time, 100 days later for each test: ids are
 * time-ordered and monotonic within the process (retention's cut-off is an id range), so a
 * test must not start before the time an earlier test's clock reached.
 */
let T0 = Date.UTC(2030, 0, 1);

describe('Retention', () => {
  let sut: TestApp;
  let clock: FakeClock;
  let retention: RetentionService;
  let appId: string;
  let seq = 0;

  const ingest = async (): Promise<string> => {
    const res = await sut.api.post<{ id: string }>(`/api/v1/apps/${appId}/messages`, {
      eventType: 'order.created',
      payload: { n: ++seq },
    });
    expect(res.status).toBe(202);
    return res.body.id;
  };
  /** A delivery of `messageId` with `attempts` attempt rows, all stamped with the clock. */
  const addDelivery = async (
    messageId: string,
    status: string,
    attempts = 1,
    endpointId = 'ep_live',
  ): Promise<string> => {
    const at = clock.now();
    const id = await placeDelivery(sut.db, {
      id: `dlv_${++seq}`,
      appId,
      messageId,
      endpointId,
      status,
      attempts,
      at,
    });
    for (let n = 1; n <= attempts; n++) {
      await placeAttempt(sut.db, {
        id: `att_${++seq}`,
        appId,
        deliveryId: id,
        messageId,
        endpointId,
        attempt: n,
        succeeded: status === 'succeeded',
        at,
      });
    }
    return id;
  };
  const addEndpoint = async (deletedAt: number | null): Promise<string> => {
    const id = `ep_${++seq}`;
    await sut.db.query(
      `INSERT INTO endpoint (id, app_id, url, secret_enc, deleted_at, created_at, updated_at)
       VALUES ($1, $2, 'https://example.com/hook', '\\x00', $3, $4, $4)`,
      [id, appId, deletedAt === null ? null : new Date(deletedAt), new Date(T0)],
    );
    return id;
  };
  const exists = async (table: string, column: string, value: string): Promise<number> =>
    (
      await sut.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`,
        [value],
      )
    ).rows[0].n;

  beforeEach(async () => {
    T0 += 100 * DAY;
    clock = new FakeClock(T0);
    // api role: no delivery loop touches the inserted deliveries.
    sut = await startTestAppWithDatabase({ clock, env: { ROLE: 'api', RETENTION_DAYS: '30' } });
    retention = sut.app.get(RetentionService);
    appId = (await sut.api.post<{ id: string }>('/api/v1/apps', { name: 'retention' })).body.id;
  });
  afterEach(() => sut.close());

  describe('past RETENTION_DAYS', () => {
    let succeeded: string;
    let failed: string;
    let undelivered: string;
    let pending: string;
    let delivering: string;
    let partlyPending: string;
    let recent: string;

    beforeEach(async () => {
      succeeded = await ingest();
      await addDelivery(succeeded, 'succeeded', 2);
      failed = await ingest();
      await addDelivery(failed, 'failed', 3);
      undelivered = await ingest();
      pending = await ingest();
      await addDelivery(pending, 'pending', 4);
      delivering = await ingest();
      await addDelivery(delivering, 'delivering', 1);
      partlyPending = await ingest();
      await addDelivery(partlyPending, 'succeeded', 1);
      await addDelivery(partlyPending, 'pending', 1);

      clock.advance(29 * DAY);
      recent = await ingest();
      await addDelivery(recent, 'succeeded', 1);
      clock.advance(2 * DAY);
      await retention.runOnce();
    });

    it('removes finished messages with their deliveries and attempts', async () => {
      for (const id of [succeeded, failed, undelivered]) {
        expect([
          await exists('message', 'id', id),
          await countDeliveries(sut.db, { messageIds: [id] }),
          await countAttempts(sut.db, { messageIds: [id] }),
        ]).toEqual([0, 0, 0]);
      }
    });

    it('keeps a message with a pending delivery, its deliveries and attempts', async () => {
      expect([
        await exists('message', 'id', pending),
        await countDeliveries(sut.db, { messageIds: [pending] }),
        await countAttempts(sut.db, { messageIds: [pending] }),
      ]).toEqual([1, 1, 4]);
    });

    it('keeps a message whose delivery is in flight', async () => {
      expect([
        await exists('message', 'id', delivering),
        await countDeliveries(sut.db, { messageIds: [delivering] }),
      ]).toEqual([1, 1]);
    });

    it('keeps every delivery of a message while one of them is pending', async () => {
      expect([
        await exists('message', 'id', partlyPending),
        await countDeliveries(sut.db, { messageIds: [partlyPending] }),
        await countAttempts(sut.db, { messageIds: [partlyPending] }),
      ]).toEqual([1, 2, 2]);
    });

    it('keeps messages younger than the cut-off', async () => {
      expect([
        await exists('message', 'id', recent),
        await countAttempts(sut.db, { messageIds: [recent] }),
      ]).toEqual([1, 1]);
    });

    it('frees the idempotency key of a removed message', async () => {
      const eventId = 'evt-reused';
      const first = await sut.api.post<{ id: string }>(`/api/v1/apps/${appId}/messages`, {
        eventType: 'order.created',
        eventId,
        payload: {},
      });
      clock.advance(31 * DAY);
      await retention.runOnce();
      const again = await sut.api.post<{ id: string }>(`/api/v1/apps/${appId}/messages`, {
        eventType: 'order.created',
        eventId,
        payload: {},
      });
      expect(again.status).toBe(202);
      expect(again.body.id).not.toBe(first.body.id);
    });
  });

  it('works through more messages than one batch holds', async () => {
    const total = 2 * RETENTION_BATCH_SIZE + 7;
    await sut.db.query(
      // Ids as the service makes them: time-ordered, carrying the creation time.
      `INSERT INTO message (id, app_id, event_type, payload, created_at)
       SELECT $4 || lpad(n::text, 6, '0'), $1, 'order.created', '{}', $2
         FROM generate_series(1, $3) AS n`,
      [appId, new Date(T0), total, idFloorAt('msg', T0).slice(0, -6)],
    );
    clock.advance(31 * DAY);
    const report = await retention.runOnce();
    expect(report).toMatchObject({ messages: total, batches: 3 });
    expect(await exists('message', 'app_id', appId)).toBe(0);
  });

  it('removes old attempts whose message is gone, and keeps recent ones and those of kept messages', async () => {
    const attemptOf = async (messageId: string, at: number): Promise<string> => {
      // newId would clamp to the latest time this process has used (ids are monotonic).
      const id = idFloorAt('atmpt', at).slice(0, -4) + String(++seq).padStart(4, '0');
      return placeAttempt(sut.db, {
        id,
        appId: 'app_deleted',
        deliveryId: 'dlv_x',
        messageId,
        endpointId: 'ep_x',
        attempt: 1,
        succeeded: true,
        durationMs: 5,
        at: new Date(at),
      });
    };
    // Recorded by a worker after the app (and its messages) had been deleted.
    const orphanOld = await attemptOf('msg_gone', T0);
    const orphanRecent = await attemptOf('msg_gone', T0 + 20 * DAY);
    const kept = await ingest();
    await addDelivery(kept, 'pending', 0);
    const ofKeptMessage = await attemptOf(kept, T0);
    clock.set(T0 + 31 * DAY);

    const report = await retention.runOnce();

    expect(report?.attempts).toBe(1);
    expect(
      await Promise.all(
        [orphanOld, orphanRecent, ofKeptMessage].map((id) =>
          countAttempts(sut.db, { attemptIds: [id] }),
        ),
      ),
    ).toEqual([0, 1, 1]);
  });

  it('purges soft-deleted endpoints past the cut-off that no delivery refers to', async () => {
    const gone = await addEndpoint(T0);
    const stillReferenced = await addEndpoint(T0);
    const recentlyDeleted = await addEndpoint(T0 + 20 * DAY);
    const live = await addEndpoint(null);
    clock.advance(25 * DAY);
    await addDelivery(await ingest(), 'cancelled', 0, stillReferenced);
    clock.set(T0 + 31 * DAY);

    const report = await retention.runOnce();

    expect(report?.endpoints).toBe(1);
    expect(
      await Promise.all(
        [gone, stillReferenced, recentlyDeleted, live].map((id) => exists('endpoint', 'id', id)),
      ),
    ).toEqual([0, 1, 1, 1]);
  });

  it('skips the run while another process holds the retention lock', async () => {
    const old = await ingest();
    clock.advance(31 * DAY);
    const other = new Client({ connectionString: sut.config.DATABASE_URL });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [RETENTION_LOCK_KEY]);
      expect(await retention.runOnce()).toBeNull();
      expect(await exists('message', 'id', old)).toBe(1);
    } finally {
      await other.end();
    }
    expect((await retention.runOnce())?.messages).toBe(1);
  });

  it('runs one pass at a time within a process', async () => {
    await ingest();
    clock.advance(31 * DAY);
    const [first, second] = await Promise.all([retention.runOnce(), retention.runOnce()]);
    expect(first?.messages).toBe(1);
    expect(second).toBeNull();
  });
});
