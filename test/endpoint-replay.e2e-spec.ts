import { eventually } from './delivery.fixtures';
import { createApp, createEndpoint } from './support/builders';
import { startReceiver, type TestReceiver } from './support/receiver';
import {
  startTestAppWithDatabase,
  startTestAppWithReceiver,
  type TestAppWithDatabase,
  type TestAppWithReceiver,
} from './support/test-app';

interface ReplayResult {
  count: number;
  nextSince: string | null;
  scanned: number;
  dryRun: boolean;
}
interface ValidationBody {
  details: Array<{ field: string; message: string }>;
}

const replayPath = (appId: string, endpointId: string) =>
  `/api/v1/apps/${appId}/endpoints/${endpointId}/replay`;

async function postBatch(
  sut: TestAppWithDatabase,
  appId: string,
  messages: Array<{ eventType: string; payload: Record<string, unknown> }>,
): Promise<void> {
  const res = await sut.api.post(`/api/v1/apps/${appId}/messages/batch`, { messages });
  expect(res.status).toBe(202);
}

/** Calls replay until the window is done; every call's answer. */
async function replayAll(
  sut: TestAppWithDatabase,
  appId: string,
  endpointId: string,
  since: string,
  extra: Record<string, unknown> = {},
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  let next: string | null = since;
  while (next !== null) {
    const res: { status: number; body: ReplayResult } = await sut.api.post<ReplayResult>(
      replayPath(appId, endpointId),
      {
        since: next,
        ...extra,
      },
    );
    expect(res.status).toBe(200);
    results.push(res.body);
    next = res.body.nextSince;
  }
  return results;
}

const countDeliveries = async (sut: TestAppWithDatabase, endpointId: string): Promise<number> => {
  const { rows } = await sut.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM delivery WHERE endpoint_id = $1',
    [endpointId],
  );
  return rows[0].n;
};

describe('POST …/endpoints/{endpointId}/replay', () => {
  let sut: TestAppWithReceiver;
  let appId: string;
  let since: string;

  beforeAll(async () => {
    sut = await startTestAppWithReceiver({
      env: { REPLAY_RELEASE_BATCH: '5000', WORKER_SWEEP_INTERVAL_MS: '200' },
    });
    appId = (await createApp(sut.api)).id;
    since = new Date(Date.now() - 1000).toISOString();
    // 2,500 messages before the endpoint exists: 2,000 "order.created" (half of them
    // for plan pro), 500 "user.updated".
    for (let batch = 0; batch < 2; batch++)
      await postBatch(
        sut,
        appId,
        Array.from({ length: 1000 }, (_, i) => ({
          eventType: 'order.created',
          payload: { i: batch * 1000 + i, plan: i % 2 === 0 ? 'pro' : 'free' },
        })),
      );
    await postBatch(
      sut,
      appId,
      Array.from({ length: 500 }, (_, i) => ({ eventType: 'user.updated', payload: { i } })),
    );
  }, 60_000);
  afterAll(() => sut.close());

  it('counts without creating anything on a dry run, page by page', async () => {
    const endpoint = await createEndpoint(sut.api, appId, {
      url: `${sut.receiver.url}`,
      eventTypes: ['order.*'],
      filter: { plan: 'pro' },
    });
    const results = await replayAll(sut, appId, endpoint.id, since, { dryRun: true });

    expect(results.reduce((n, r) => n + r.count, 0)).toBe(1000);
    expect(results.length).toBeGreaterThan(2);
    expect(results.every((r) => r.scanned <= 1000 && r.dryRun)).toBe(true);
    expect(await countDeliveries(sut, endpoint.id)).toBe(0);
  });

  it('backfills exactly the matching messages the endpoint has no delivery for, once', async () => {
    const endpoint = await createEndpoint(sut.api, appId, {
      url: `${sut.receiver.url}`,
      eventTypes: ['order.*'],
      filter: { plan: 'pro' },
    });
    // A test event to this endpoint, and a live message it gets through fan-out, are not replayed again.
    const test = await sut.api.post(replayPath(appId, endpoint.id).replace('/replay', '/test'), {
      eventType: 'order.created',
      payload: { plan: 'pro', test: true },
    });
    expect(test.status).toBe(200);

    const first = await replayAll(sut, appId, endpoint.id, since);
    const again = await replayAll(sut, appId, endpoint.id, since);

    expect(first.reduce((n, r) => n + r.count, 0)).toBe(1000);
    expect(again.reduce((n, r) => n + r.count, 0)).toBe(0);
    expect(await countDeliveries(sut, endpoint.id)).toBe(1001);
    await eventually(
      async () => sut.receiver.requests.length >= 1001 || undefined,
      60_000,
      'the replayed deliveries',
    );
  }, 120_000);

  it.each([
    ['a missing since', {}, 'since'],
    ['a since that is not ISO 8601', { since: 'yesterday' }, 'since'],
    [
      'an until before since',
      { since: '2030-01-02T00:00:00Z', until: '2030-01-01T00:00:00Z' },
      'until',
    ],
    ['a non-boolean dryRun', { since: '2030-01-01T00:00:00Z', dryRun: 'yes' }, 'dryRun'],
  ])('answers 422 for %s', async (_case, body, field) => {
    const endpoint = await createEndpoint(sut.api, appId);
    const res = await sut.api.post<ValidationBody>(replayPath(appId, endpoint.id), body);
    expect(res.status).toBe(422);
    expect(res.body.details.map((d) => d.field)).toContain(field);
  });

  it('answers 409 for a disabled endpoint unless it is a dry run', async () => {
    const endpoint = await createEndpoint(sut.api, appId, { disabled: true });
    const res = await sut.api.post(replayPath(appId, endpoint.id), { since });
    const dry = await sut.api.post(replayPath(appId, endpoint.id), { since, dryRun: true });
    expect(res.status).toBe(409);
    expect(dry.status).toBe(200);
  });

  it('holds replayed deliveries outside the due queue until a sweep releases them', async () => {
    const endpoint = await createEndpoint(sut.api, appId, {
      url: sut.receiver.url,
      eventTypes: ['user.*'],
    });
    await replayAll(sut, appId, endpoint.id, since);
    await eventually(
      async () => (await countDeliveries(sut, endpoint.id)) === 500 || undefined,
      10_000,
      'the replayed rows',
    );
    const { rows } = await sut.db.query<{ released: number }>(
      `SELECT count(*)::int AS released FROM delivery
        WHERE endpoint_id = $1 AND next_attempt_at <> 'infinity'`,
      [endpoint.id],
    );
    // At most one sweep's batch (5,000 here) is released at a time; all 500 fit in one.
    expect(rows[0].released).toBeLessThanOrEqual(500);
    // A held delivery reads like a parked one: no nextAttemptAt (never the number Infinity).
    const { rows: one } = await sut.db.query<{ message_id: string }>(
      'SELECT message_id FROM delivery WHERE endpoint_id = $1 LIMIT 1',
      [endpoint.id],
    );
    const listed = await sut.api.get<{ data: Array<{ endpointId: string }> }>(
      `/api/v1/apps/${appId}/messages/${one[0].message_id}/deliveries`,
    );
    expect(listed.status).toBe(200);
    await eventually(
      async () => {
        const { rows: sent } = await sut.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM delivery WHERE endpoint_id = $1 AND status = 'succeeded'`,
          [endpoint.id],
        );
        return sent[0].n === 500 || undefined;
      },
      30_000,
      'the released deliveries to be sent',
    );
  }, 60_000);
});

describe('Replay does not starve live traffic', () => {
  const REPLAYED = 20_000;
  let sut: TestAppWithDatabase;
  let replayReceiver: TestReceiver;
  let liveReceiver: TestReceiver;

  beforeAll(async () => {
    // The default release batch (200), swept every 200 ms: up to 1,000 replayed rows/s.
    sut = await startTestAppWithDatabase({ env: { WORKER_SWEEP_INTERVAL_MS: '200' } });
    // A receiver that takes 5 ms per request: the backfill takes a while to drain.
    replayReceiver = await startReceiver(() => ({ status: 200, delayMs: 5 }));
    liveReceiver = await startReceiver();
  });
  afterAll(async () => {
    await sut.close();
    await replayReceiver.close();
    await liveReceiver.close();
  });

  it('keeps live deliveries to another endpoint fast while a 20,000-message replay drains', async () => {
    const appId = (await createApp(sut.api)).id;
    const since = new Date(Date.now() - 1000).toISOString();
    for (let batch = 0; batch < REPLAYED / 1000; batch++)
      await postBatch(
        sut,
        appId,
        Array.from({ length: 1000 }, (_, i) => ({ eventType: 'old.event', payload: { i } })),
      );
    await createEndpoint(sut.api, appId, { url: liveReceiver.url, eventTypes: ['live.*'] });
    const backfilled = await createEndpoint(sut.api, appId, {
      url: replayReceiver.url,
      eventTypes: ['old.*'],
    });
    const ingestMs: number[] = [];
    const sendLive = async (n: number): Promise<number[]> => {
      const latencies: number[] = [];
      for (let i = 0; i < n; i++) {
        const before = liveReceiver.requests.length;
        const sentAt = Date.now();
        await sut.api.post(`/api/v1/apps/${appId}/messages`, {
          eventType: 'live.event',
          payload: { i },
        });
        ingestMs.push(Date.now() - sentAt);
        const [hit] = (await liveReceiver.waitFor(before + 1, 20_000)).slice(before);
        latencies.push(hit.receivedAt - sentAt);
        await new Promise((r) => setTimeout(r, 50));
      }
      return latencies;
    };
    const baseline = await sendLive(10);

    const replaying = replayAll(sut, appId, backfilled.id, since);
    await replayReceiver.waitFor(100, 60_000);
    const liveStart = Date.now();
    const duringReplay = await sendLive(30);
    const liveEnd = Date.now();
    const calls = await replaying;

    expect(calls.reduce((n, r) => n + r.count, 0)).toBe(REPLAYED);
    // The check only means something if the backfill was draining meanwhile.
    const replayedMeanwhile = replayReceiver.requests.filter(
      (r) => r.receivedAt >= liveStart && r.receivedAt <= liveEnd,
    ).length;
    expect(replayedMeanwhile).toBeGreaterThan(200);
    const sorted = [...duringReplay].sort((x, y) => x - y);
    const worst = sorted[sorted.length - 1];
    console.log(
      `live latency ms: baseline max ${Math.max(...baseline)}; during replay median ${sorted[15]}, max ${worst}; replayed deliveries sent meanwhile ${replayedMeanwhile} in ${liveEnd - liveStart} ms; ingest ms ${ingestMs.join(',')}; latencies ${duringReplay.join(',')}`,
    );
    expect(worst).toBeLessThan(Math.max(...baseline) + 1500);
  }, 300_000);
});

describe('Replay to an endpoint that is then disabled', () => {
  let sut: TestAppWithReceiver;

  beforeAll(async () => {
    // One replayed delivery released per 100 ms sweep: the backfill takes seconds to enter.
    sut = await startTestAppWithReceiver({
      env: { REPLAY_RELEASE_BATCH: '1', WORKER_SWEEP_INTERVAL_MS: '100' },
    });
  }, 60_000);
  afterAll(() => sut.close());

  const held = async (endpointId: string): Promise<number> => {
    const { rows } = await sut.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM delivery WHERE endpoint_id = $1 AND next_attempt_at = 'infinity'`,
      [endpointId],
    );
    return rows[0].n;
  };

  it('keeps the rest of its backfill held while it is disabled, and releases it once re-enabled', async () => {
    const appId = (await createApp(sut.api)).id;
    const since = new Date(Date.now() - 1000).toISOString();
    await postBatch(
      sut,
      appId,
      Array.from({ length: 300 }, (_, i) => ({ eventType: 'order.created', payload: { i } })),
    );
    const endpoint = await createEndpoint(sut.api, appId, {
      url: sut.receiver.url,
      eventTypes: ['order.*'],
    });
    await replayAll(sut, appId, endpoint.id, since);
    const patch = await sut.api.patch(`/api/v1/apps/${appId}/endpoints/${endpoint.id}`, {
      disabled: true,
    });
    expect(patch.status).toBe(200);
    const before = await held(endpoint.id);
    expect(before).toBeGreaterThan(200);
    // Ten sweeps: a disabled endpoint's held rows must not trickle out (each would be parked
    // by the worker and the next sweep would release another).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await held(endpoint.id)).toBe(before);

    const enable = await sut.api.patch(`/api/v1/apps/${appId}/endpoints/${endpoint.id}`, {
      disabled: false,
    });
    expect(enable.status).toBe(200);
    await eventually(
      async () => (await held(endpoint.id)) < before || undefined,
      10_000,
      'the sweep to release held rows again',
    );
  }, 60_000);
});

describe('Replay to a FIFO endpoint', () => {
  let sut: TestAppWithReceiver;

  beforeAll(async () => {
    sut = await startTestAppWithReceiver({ env: { WORKER_SWEEP_INTERVAL_MS: '200' } });
  }, 60_000);
  afterAll(() => sut.close());

  it('joins its streams: each key arrives in message order, one at a time', async () => {
    const appId = (await createApp(sut.api)).id;
    const since = new Date(Date.now() - 1000).toISOString();
    // 3 keys × 15 messages, interleaved, accepted before the endpoint exists.
    for (let i = 0; i < 45; i++) {
      const res = await sut.api.post(`/api/v1/apps/${appId}/messages`, {
        eventType: 'order.updated',
        orderingKey: `user-${i % 3}`,
        payload: { user: i % 3, seq: Math.floor(i / 3) },
      });
      expect(res.status).toBe(202);
    }
    const endpoint = await createEndpoint(sut.api, appId, {
      url: sut.receiver.url,
      eventTypes: ['order.*'],
      ordering: 'fifo',
    });
    const [result] = await replayAll(sut, appId, endpoint.id, since);
    expect(result.count).toBe(45);
    // Every replayed row took a place in its key's stream (an unordered row would not).
    const { rows } = await sut.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM delivery WHERE endpoint_id = $1 AND fifo_seq IS NOT NULL`,
      [endpoint.id],
    );
    expect(rows[0].n).toBe(45);
    await sut.receiver.waitFor(45, 30_000);
    const arrivals = sut.receiver.requests.map(
      (r) => (JSON.parse(r.body) as { data: { user: number; seq: number } }).data,
    );
    for (const user of [0, 1, 2])
      expect(arrivals.filter((a) => a.user === user).map((a) => a.seq)).toEqual(
        Array.from({ length: 15 }, (_, seq) => seq),
      );
  }, 60_000);
});
