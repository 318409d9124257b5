import { createApp, createEndpoint } from './support/builders';
import { startReceiver, TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';
import { eventually } from './support/eventually';
import { countAttempts, countDeliveries, placeDelivery } from './support/queue-probe';

/** Deleting an app removes everything under it (some tables carry no foreign key) and nothing else. */
describe('Deleting an app', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let receiver: TestReceiver;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await sut.close();
    await receiver.close();
  });

  const rowsOf = async (appId: string) => {
    const count = async (sql: string) => Number((await sut.db.query(sql, [appId])).rows[0].n);
    return {
      endpoints: await count('SELECT count(*) AS n FROM endpoint WHERE app_id = $1'),
      subscriptions: await count('SELECT count(*) AS n FROM subscription WHERE app_id = $1'),
      messages: await count('SELECT count(*) AS n FROM message WHERE app_id = $1'),
      deliveries: await countDeliveries(sut.db, { appId }),
      attempts: await countAttempts(sut.db, { appId }),
    };
  };

  async function appWithTraffic(name: string): Promise<string> {
    const app = await createApp(sut.api, { name });
    await createEndpoint(sut.api, app.id, { url: receiver.url });
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await sut.api.post(`/api/v1/apps/${app.id}/messages`, {
            eventType: 'order.created',
            payload: { i },
          })
        ).status,
      ).toBe(202);
    }
    return app.id;
  }

  it('removes its endpoints, subscriptions, messages, deliveries and attempts, and keeps other apps whole', async () => {
    const doomed = await appWithTraffic('doomed');
    const kept = await appWithTraffic('kept');
    await receiver.waitFor(6);
    await eventually(
      async () => (await rowsOf(doomed)).attempts >= 3 && (await rowsOf(kept)).attempts >= 3,
      10_000,
      'the attempts to be recorded',
    );
    const keptBefore = await rowsOf(kept);

    expect((await sut.api.delete(`/api/v1/apps/${doomed}`)).status).toBe(204);

    expect(await rowsOf(doomed)).toEqual({
      endpoints: 0,
      subscriptions: 0,
      messages: 0,
      deliveries: 0,
      attempts: 0,
    });
    expect(await rowsOf(kept)).toEqual(keptBefore);
    expect(keptBefore).toEqual({
      endpoints: 1,
      subscriptions: 1,
      messages: 3,
      deliveries: 3,
      attempts: 3,
    });
  });

  it('waits for a message being ingested at that moment and removes its deliveries too', async () => {
    const app = await createApp(sut.api, { name: 'racing' });
    // An ingest transaction caught between its message and the commit: the message's foreign
    // key holds a key-share lock on the app row until then.
    const ingest = await sut.db.connect();
    try {
      await ingest.query('BEGIN');
      await ingest.query(
        `INSERT INTO message (id, app_id, event_type, payload, created_at)
         VALUES ('msg_racing', $1, 'order.created', '{}', now())`,
        [app.id],
      );
      const deleting = sut.api.delete(`/api/v1/apps/${app.id}`);
      // The deletion is under way once it waits for that lock.
      await eventually(
        async () => {
          const { rows } = await sut.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          );
          return rows[0].n > 0;
        },
        10_000,
        'the deletion to wait for the ingest transaction',
      );
      await placeDelivery(ingest, {
        appId: app.id,
        messageId: 'msg_racing',
        endpointId: 'ep_racing',
        at: new Date(),
      });
      await ingest.query('COMMIT');
      expect((await deleting).status).toBe(204);
    } finally {
      ingest.release();
    }

    expect(await rowsOf(app.id)).toMatchObject({ messages: 0, deliveries: 0 });
  });
});
