import { Pool } from 'pg';
import { newId } from '../src/common/ids';
import type { ClaimedDelivery } from '../src/queue/delivery-types';
import {
  AttemptRecordRepository,
  type AttemptRecord,
} from '../src/queue/attempt-record.repository';
import { DeliveryQueueRepository } from '../src/queue/delivery-queue.repository';
import { QueuePool } from '../src/queue/queue-pool';
import { createApp, createEndpoint } from './support/builders';
import { startTestAppWithDatabase } from './support/test-app';

/**
 * The FIFO claim and record statements on a real PostgreSQL, driven by hand (the app runs as
 * `api`: no worker of its own). Messages go through the real ingest route, so the rows carry
 * the sequence numbers ingestion assigns.
 */
describe('FIFO claim (queue statements)', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let pool: Pool;
  let pools: QueuePool[];
  let queues: DeliveryQueueRepository[];
  let records: AttemptRecordRepository[];
  let appId: string;
  const LEASE_MS = 60_000;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ env: { ROLE: 'api' } });
    pool = new Pool({ connectionString: sut.database.url, max: 4 });
    pool.on('error', () => undefined);
    pools = [0, 1, 2, 3].map(() => new QueuePool(pool));
    queues = pools.map((p) => new DeliveryQueueRepository(p));
    records = pools.map((p) => new AttemptRecordRepository(p));
  });
  // Claims are global: what a test leaves queued must not reach the next one's claims.
  afterEach(() =>
    sut.db.query(
      `UPDATE delivery SET status = 'cancelled', lease_until = NULL WHERE status IN ('pending', 'delivering')`,
    ),
  );
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.onApplicationShutdown()));
    await pool.end();
    await sut.close();
  });

  /** In an app of its own: every endpoint of an app receives every message here. */
  async function fifoEndpoint(ordering: 'fifo' | 'none' = 'fifo'): Promise<string> {
    appId = (await createApp(sut.api)).id;
    return (await createEndpoint(sut.api, appId, { ordering, url: 'https://example.com/h' })).id;
  }

  /** Posts batches: message i of every key in batch i, so each key's order is its n. */
  async function ingest(keys: string[], perKey: number): Promise<void> {
    for (let n = 0; n < perKey; n++) {
      const res = await sut.api.post(`/api/v1/apps/${appId}/messages/batch`, {
        messages: keys.map((key) => ({
          eventType: 'sub.changed',
          orderingKey: key,
          payload: { key, n },
        })),
      });
      expect(res.status).toBe(202);
    }
  }

  const payloadOf = (d: ClaimedDelivery) => JSON.parse(d.payload) as { key: string; n: number };
  const lease = (now: Date) => new Date(now.getTime() + LEASE_MS);

  function claim(now: Date, limit = 100, q = queues[0]): Promise<ClaimedDelivery[]> {
    return q.claimFifo(now, limit, [], lease(now), limit * 4).then((c) => c.claimed);
  }

  function outcome(
    d: ClaimedDelivery,
    status: 'succeeded' | 'failed' | 'pending',
    at: Date,
    nextAttemptAt: Date | null = null,
  ): AttemptRecord {
    return {
      delivery: d,
      attemptId: newId('atmpt'),
      attempt: d.attempts + 1,
      succeeded: status === 'succeeded',
      statusCode: status === 'succeeded' ? 200 : 500,
      errorClass: status === 'succeeded' ? null : 'http',
      error: null,
      responseBody: null,
      durationMs: 1,
      attemptedAt: at,
      status,
      nextAttemptAt,
    };
  }

  async function due(endpointId: string): Promise<number> {
    const { rows } = await sut.db.query(
      `SELECT count(*)::int AS n FROM delivery WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at <= now() + interval '1 day'`,
      [endpointId],
    );
    return rows[0].n as number;
  }

  it('leases only the head of each key and moves the blocked rest out of the due range', async () => {
    const endpointId = await fifoEndpoint();
    await ingest(['a', 'b', 'c'], 3);
    const now = new Date(Date.now() + 1000);

    const claimed = await claim(now);

    expect(claimed.map(payloadOf).sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: 'a', n: 0 },
      { key: 'b', n: 0 },
      { key: 'c', n: 0 },
    ]);
    expect(claimed.every((d) => d.fifo !== null)).toBe(true);
    expect(await due(endpointId)).toBe(0);
    expect(await claim(now, 100, queues[1])).toEqual([]);
    // The unordered claim never sees FIFO rows.
    expect(await queues[1].claim(now, 100, [], lease(now))).toEqual([]);

    // A success makes the key's next message claimable (and only that one).
    await records[0].record([outcome(claimed[0], 'succeeded', now)], now);
    const next = await claim(now);
    expect(next.map(payloadOf)).toEqual([{ key: payloadOf(claimed[0]).key, n: 1 }]);
    await records[0].record(
      [...claimed.slice(1), ...next].map((d) => outcome(d, 'succeeded', now)),
      now,
    );
  });

  it('holds back successors while the head waits for its retry, and lets the key go on after a final failure', async () => {
    await fifoEndpoint();
    await ingest(['r'], 3);
    const t0 = new Date(Date.now() + 1000);
    const [head] = await claim(t0);
    expect(payloadOf(head)).toEqual({ key: 'r', n: 0 });

    const retryAt = new Date(t0.getTime() + 5000);
    await records[0].record([outcome(head, 'pending', t0, retryAt)], t0);
    expect(await claim(new Date(t0.getTime() + 4000))).toEqual([]);

    const [again] = await claim(retryAt);
    expect(again.id).toBe(head.id);
    await records[0].record([outcome(again, 'failed', retryAt)], retryAt);
    const [second] = await claim(retryAt);
    expect(payloadOf(second)).toEqual({ key: 'r', n: 1 });
    await records[0].record([outcome(second, 'succeeded', retryAt)], retryAt);
  });

  it('claims the head of an expired lease again before its successors', async () => {
    await fifoEndpoint();
    await ingest(['x'], 2);
    const t0 = new Date(Date.now() + 1000);
    const [head] = await claim(t0);
    const afterLease = new Date(t0.getTime() + LEASE_MS + 1);
    expect(await queues[1].requeueExpiredLeases(afterLease, 100)).toBeGreaterThanOrEqual(1);

    const retaken = await claim(afterLease, 100, queues[1]);

    expect(retaken.map((d) => d.id)).toEqual([head.id]);
    // The first worker's late result no longer counts (the lease moved on).
    expect(await records[0].record([outcome(head, 'succeeded', t0)], t0)).toBe(0);
    await records[1].record([outcome(retaken[0], 'succeeded', afterLease)], afterLease);
    expect((await claim(afterLease)).map(payloadOf)).toEqual([{ key: 'x', n: 1 }]);
  });

  it('gives an ordered delivery no FIFO place on an unordered endpoint', async () => {
    const endpointId = await fifoEndpoint('none');
    await ingest(['u'], 2);
    const { rows } = await sut.db.query(
      'SELECT fifo_key, fifo_seq FROM delivery WHERE endpoint_id = $1',
      [endpointId],
    );
    expect(rows).toEqual([
      { fifo_key: null, fifo_seq: null },
      { fifo_key: null, fifo_seq: null },
    ]);
    const now = new Date(Date.now() + 1000);
    const unordered = await queues[0].claim(now, 100, [], lease(now));
    expect(unordered.filter((d) => d.endpointId === endpointId)).toHaveLength(2);
    await records[0].record(
      unordered.map((d) => outcome(d, 'succeeded', now)),
      now,
    );
  });

  it('never leases two deliveries of one key at once, with four claimers racing', async () => {
    const endpointId = await fifoEndpoint();
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    const perKey = 8;
    await ingest(keys, perKey);
    const leased = new Map<string, number>();
    const sent = new Map<string, number[]>();
    let violations = 0;
    const deadline = Date.now() + 60_000;

    // Each claimer: claim, "send" (check and mark its keys), record success at random, repeat.
    async function claimer(q: DeliveryQueueRepository, r: AttemptRecordRepository): Promise<void> {
      for (;;) {
        const now = new Date(Date.now() + 1000);
        const batch = await q.claimFifo(now, 7, [], lease(now), 28);
        expect(batch.claimed.every((d) => d.endpointId === endpointId)).toBe(true);
        for (const d of batch.claimed) {
          const { key, n } = payloadOf(d);
          if ((leased.get(key) ?? 0) > 0) violations++;
          leased.set(key, (leased.get(key) ?? 0) + 1);
          sent.set(key, [...(sent.get(key) ?? []), n]);
        }
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        for (const d of batch.claimed) leased.set(payloadOf(d).key, 0);
        if (batch.claimed.length > 0)
          await r.record(
            batch.claimed.map((d) => outcome(d, 'succeeded', now)),
            now,
          );
        const [{ left }] = (
          await sut.db.query(
            `SELECT count(*)::int AS left FROM delivery WHERE endpoint_id = $1 AND status <> 'succeeded'`,
            [endpointId],
          )
        ).rows as Array<{ left: number }>;
        if (left === 0 || Date.now() > deadline) return;
        // Rows moved out of the due range come back when their predecessor is recorded.
      }
    }
    await Promise.all(queues.map((q, i) => claimer(q, records[i])));

    expect(violations).toBe(0);
    for (const key of keys) expect(sent.get(key)).toEqual([...Array(perKey).keys()]);
  }, 90_000);
});
