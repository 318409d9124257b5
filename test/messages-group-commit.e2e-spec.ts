import { Client } from 'pg';
import { DEFAULT_INGEST_COALESCING } from '../src/messages/message-ingest-coalescer';
import { MessageIngestService } from '../src/messages/message-ingest.service';
import { createApp, createEndpoint } from './support/builders';
import { eventually } from './support/eventually';
import { countDeliveries } from './support/queue-probe';
import { startTestAppWithDatabase } from './support/test-app';

type Answer = { id: string; eventId: string | null; code?: string };

/**
 * Single messages sent while the ingest statements in flight are held behind a table lock
 * queue up in the API process, and go out as ONE statement when the lock is released: a
 * deterministic group, whatever the machine's speed.
 */
describe('Single messages sent concurrently (group commit)', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let appId: string;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ env: { ROLE: 'api' } });
    appId = (await createApp(sut.api)).id;
    await createEndpoint(sut.api, appId);
    // Rows per message INSERT statement (a rolled-back statement leaves no row here).
    await sut.db.query('CREATE TABLE ingest_statement (rows int NOT NULL)');
    await sut.db.query(`
      CREATE FUNCTION log_ingest_statement() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO ingest_statement SELECT count(*) FROM new_rows; RETURN NULL; END $$`);
    await sut.db.query(
      'CREATE TRIGGER log_ingest_statement AFTER INSERT ON message REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION log_ingest_statement()',
    );
    // Refuses messages of type poison.pill, counting every attempt (sequences ignore rollbacks).
    await sut.db.query('CREATE SEQUENCE poison_attempts');
    await sut.db.query(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.event_type = 'poison.pill' THEN PERFORM nextval('poison_attempts'); RAISE EXCEPTION 'poison refused by test'; END IF;
        RETURN NEW;
      END $$`);
    await sut.db.query(
      'CREATE TRIGGER refuse_poison BEFORE INSERT ON message FOR EACH ROW EXECUTE FUNCTION refuse_poison()',
    );
    // Warm the caches (routing, catalog) so queued requests need no query before the insert.
    expect((await send(appId, { eventType: 'order.created', payload: {} })).status).toBe(202);
  });
  afterAll(() => sut.close());
  beforeEach(() => sut.db.query('TRUNCATE ingest_statement'));

  const send = (app: string, body: unknown) =>
    sut.api.post<Answer>(`/api/v1/apps/${app}/messages`, body);
  const statementSizes = async (): Promise<number[]> =>
    (await sut.db.query('SELECT rows FROM ingest_statement')).rows.map((r) => r.rows as number);
  const deliveriesOf = (messageIds: string[]): Promise<number> =>
    countDeliveries(sut.db, { messageIds });

  /**
   * Holds inserts into `message`, fills every statement slot with one message, sends
   * `burst()` (`size` messages, which queue behind them), then releases. Answers: the slot
   * fillers' and the burst's.
   */
  async function sendAsOneGroup<T>(
    size: number,
    burst: () => Promise<T>,
  ): Promise<{ fillers: Answer[]; burst: T }> {
    const holder = new Client({ connectionString: sut.database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE message IN SHARE MODE');
      const fillers = Array.from({ length: DEFAULT_INGEST_COALESCING.maxGroupsInFlight }, () =>
        send(appId, { eventType: 'order.created', payload: {} }),
      );
      await waitFor(async () => {
        // Not on `holder`: a transaction sees one snapshot of pg_stat_activity.
        const { rows } = await sut.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO message%'`,
        );
        return rows[0].n === fillers.length;
      });
      const queued = burst();
      // The whole burst waits for a statement slot (warm caches: it makes no query before).
      const ingest = sut.app.get(MessageIngestService);
      await waitFor(async () => ingest.queuedMessages() === size);
      await holder.query('COMMIT');
      return { fillers: (await Promise.all(fillers)).map((r) => r.body), burst: await queued };
    } finally {
      await holder.end();
    }
  }

  it('writes the messages that arrived during a statement in the next one, answering each 202 with its deliveries', async () => {
    const { burst } = await sendAsOneGroup(20, () =>
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          send(appId, { eventType: 'order.created', payload: { i } }),
        ),
      ),
    );
    expect(burst.map((r) => r.status)).toEqual(Array(20).fill(202));
    expect(await statementSizes()).toContain(20);
    expect(await deliveriesOf(burst.map((r) => r.body.id))).toBe(20);
  });

  it('answers repeats of one eventId in a group with the original: one 202, the rest 200', async () => {
    const { burst } = await sendAsOneGroup(5, () =>
      Promise.all(
        Array.from({ length: 5 }, () =>
          send(appId, { eventType: 'order.created', payload: {}, eventId: 'grouped-1' }),
        ),
      ),
    );
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 202]);
    expect(new Set(burst.map((r) => r.body.id)).size).toBe(1);
    expect(await deliveriesOf([burst[0].body.id])).toBe(1);
  });

  it('fails only the guilty message when the group statement fails, after retrying the rest', async () => {
    const { burst } = await sendAsOneGroup(11, () =>
      Promise.all([
        send(appId, { eventType: 'poison.pill', payload: {} }),
        ...Array.from({ length: 10 }, () =>
          send(appId, { eventType: 'order.created', payload: {} }),
        ),
      ]),
    );
    const [poison, ...innocent] = burst;
    expect(poison.status).toBe(500);
    expect(innocent.map((r) => r.status)).toEqual(Array(10).fill(202));
    expect(await deliveriesOf(innocent.map((r) => r.body.id))).toBe(10);
    // Tried in the group first, then in ever smaller parts of it.
    expect(
      Number((await sut.db.query('SELECT last_value FROM poison_attempts')).rows[0].last_value),
    ).toBeGreaterThan(1);
  });

  it('answers 404 only for the message of an app deleted meanwhile', async () => {
    const doomed = (await createApp(sut.api)).id;
    expect((await send(doomed, { eventType: 'order.created', payload: {} })).status).toBe(202);
    // Gone behind this process's back (its caches still know the app); its messages go with it.
    await sut.db.query('DELETE FROM app WHERE id = $1', [doomed]);
    const { burst } = await sendAsOneGroup(11, () =>
      Promise.all([
        send(doomed, { eventType: 'order.created', payload: {} }),
        ...Array.from({ length: 10 }, () =>
          send(appId, { eventType: 'order.created', payload: {} }),
        ),
      ]),
    );
    const [gone, ...others] = burst;
    expect([gone.status, gone.body.code]).toEqual([404, 'not_found']);
    expect(others.map((r) => r.status)).toEqual(Array(10).fill(202));
    expect(await deliveriesOf(others.map((r) => r.body.id))).toBe(10);
  });
});

function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  return eventually(condition, timeoutMs, 'the group to form');
}
