import { eventually } from './delivery.fixtures';
import { createApp, createEndpoint } from './support/builders';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestAppWithDatabase } from './support/test-app';

type Problem = { code: string; details: Array<{ field: string; message: string }> };
interface Arrival {
  key: string;
  n: number;
}

const ONE_SECOND_RETRIES = Array.from({ length: 20 }, () => '1s');

/** One process (api + worker) on a real PostgreSQL; receivers on loopback. */
describe('FIFO endpoints', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  const receivers: TestReceiver[] = [];
  const OPS_APP = 'ops-fifo';

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({
      env: {
        WORKER_SWEEP_INTERVAL_MS: '200',
        CIRCUIT_BREAKER_THRESHOLD: '10000',
        OPERATIONAL_EVENTS_APP: OPS_APP,
      },
    });
  });
  afterAll(async () => {
    await sut.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  /** A receiver that records (key, n) of each arrival and answers what `fails` says. */
  async function recorder(fails: (a: Arrival) => boolean = () => false) {
    const arrivals: Arrival[] = [];
    const receiver = await startReceiver((request) => {
      const arrival = (JSON.parse(request.body) as { data: Arrival }).data;
      arrivals.push(arrival);
      return { status: fails(arrival) ? 500 : 200 };
    });
    receivers.push(receiver);
    return { receiver, arrivals };
  }

  async function post(appId: string, key: string, n: number): Promise<string> {
    const res = await sut.api.post<{ id: string }>(`/api/v1/apps/${appId}/messages`, {
      eventType: 'subscription.changed',
      orderingKey: key,
      payload: { key, n },
    });
    expect(res.status).toBe(202);
    return res.body.id;
  }

  const numbersOf = (arrivals: Arrival[], key: string) =>
    arrivals.filter((a) => a.key === key).map((a) => a.n);
  const firstArrivals = (arrivals: Arrival[], key: string) => [
    ...new Set(numbersOf(arrivals, key)),
  ];

  it('blocks only the key whose receiver fails, and resumes it in order', async () => {
    let stuckFails = true;
    const { receiver, arrivals } = await recorder((a) => a.key === 'stuck' && stuckFails);
    const appId = (await createApp(sut.api)).id;
    await createEndpoint(sut.api, appId, {
      url: receiver.url,
      ordering: 'fifo',
      retrySchedule: ONE_SECOND_RETRIES,
    });
    for (let n = 0; n < 10; n++) for (const key of ['a', 'stuck', 'b']) await post(appId, key, n);

    await eventually(
      async () => numbersOf(arrivals, 'a').length >= 10 && numbersOf(arrivals, 'b').length >= 10,
      30_000,
      'the other keys to finish',
    );
    await eventually(
      async () => numbersOf(arrivals, 'stuck').length >= 2,
      10_000,
      'a retry of the stuck key',
    );
    // Only its first message was tried, again and again; nothing behind it went out.
    expect(new Set(numbersOf(arrivals, 'stuck'))).toEqual(new Set([0]));
    expect(firstArrivals(arrivals, 'a')).toEqual([...Array(10).keys()]);

    stuckFails = false;
    await eventually(
      async () => firstArrivals(arrivals, 'stuck').length === 10,
      30_000,
      'the stuck key to resume',
    );
    expect(firstArrivals(arrivals, 'stuck')).toEqual([...Array(10).keys()]);
  }, 90_000);

  it('moves a key on after a final failure, recorded and reported as message.attempt.exhausted', async () => {
    const ops = await recorderOfEvents();
    const { receiver, arrivals } = await recorder((a) => a.key === 'k' && a.n === 0);
    const appId = (await createApp(sut.api)).id;
    const endpoint = await createEndpoint(sut.api, appId, {
      url: receiver.url,
      ordering: 'fifo',
      retrySchedule: ['1s'],
    });
    const first = await post(appId, 'k', 0);
    await post(appId, 'k', 1);
    await post(appId, 'k', 2);

    await eventually(async () => firstArrivals(arrivals, 'k').length === 3, 30_000, 'k to go on');
    expect(numbersOf(arrivals, 'k')).toEqual([0, 0, 1, 2]);
    const { rows } = await sut.db.query(
      'SELECT status, attempts FROM delivery WHERE message_id = $1',
      [first],
    );
    expect(rows).toEqual([{ status: 'failed', attempts: 2 }]);
    const event = await eventually(
      async () => ops.events.find((e) => e.data.messageId === first),
      15_000,
      'the exhausted event',
    );
    expect(event.type).toBe('message.attempt.exhausted');
    expect(event.data.endpointId).toBe(endpoint.id);
  }, 60_000);

  it('sends a manually retried delivery after what its key already had queued', async () => {
    let failOne = true;
    const { receiver, arrivals } = await recorder((a) => a.n === 1 && failOne);
    const appId = (await createApp(sut.api)).id;
    await createEndpoint(sut.api, appId, {
      url: receiver.url,
      ordering: 'fifo',
      retrySchedule: ONE_SECOND_RETRIES,
    });
    const m0 = await post(appId, 'r', 0);
    await post(appId, 'r', 1);
    await post(appId, 'r', 2);
    await eventually(async () => numbersOf(arrivals, 'r').length >= 2, 10_000, 'm1 failing');
    const deliveries = await sut.api.get<{ data: Array<{ id: string; orderingKey: string }> }>(
      `/api/v1/apps/${appId}/messages/${m0}/deliveries`,
    );
    expect(deliveries.body.data[0].orderingKey).toBe('r');

    const retried = await sut.api.post(
      `/api/v1/apps/${appId}/deliveries/${deliveries.body.data[0].id}/retry`,
    );
    expect(retried.status).toBe(202);
    failOne = false;

    await eventually(async () => numbersOf(arrivals, 'r').length >= 5, 30_000, 'all of r');
    const sent = numbersOf(arrivals, 'r');
    // 0 once, 1 (retried until it succeeds), 2, then the re-queued 0 at the end of the queue.
    expect(sent[0]).toBe(0);
    expect(sent.slice(1, -2).every((n) => n === 1)).toBe(true);
    expect(sent.slice(-2)).toEqual([2, 0]);
  }, 60_000);

  it('shows the ordering key in the feed and the attempt routes', async () => {
    const { receiver } = await recorder();
    const appId = (await createApp(sut.api)).id;
    const endpoint = await createEndpoint(sut.api, appId, { url: receiver.url, ordering: 'fifo' });
    const id = await post(appId, 'user_42', 0);
    const plain = await sut.api.post<{ orderingKey: string | null }>(
      `/api/v1/apps/${appId}/messages`,
      { eventType: 'subscription.changed', payload: { key: '', n: 0 } },
    );
    expect(plain.body.orderingKey).toBeNull();

    const feed = await sut.api.get<{ data: Array<{ id: string; orderingKey: string | null }> }>(
      `/api/v1/apps/${appId}/messages`,
    );
    expect(feed.body.data.find((m) => m.id === id)?.orderingKey).toBe('user_42');
    const one = await sut.api.get<{ orderingKey: string }>(`/api/v1/apps/${appId}/messages/${id}`);
    expect(one.body.orderingKey).toBe('user_42');
    const attempts = await eventually(async () => {
      const res = await sut.api.get<{ data: Array<{ messageId: string; orderingKey: string }> }>(
        `/api/v1/apps/${appId}/endpoints/${endpoint.id}/attempts`,
      );
      return res.body.data.length === 2 ? res.body.data : undefined;
    });
    expect(attempts.find((a) => a.messageId === id)?.orderingKey).toBe('user_42');
    const ofMessage = await sut.api.get<{ data: Array<{ orderingKey: string }> }>(
      `/api/v1/apps/${appId}/messages/${id}/attempts`,
    );
    expect(ofMessage.body.data[0].orderingKey).toBe('user_42');
  });

  it('refuses a bad orderingKey naming the field, on both message routes', async () => {
    const appId = (await createApp(sut.api)).id;
    const single = await sut.api.post<Problem>(`/api/v1/apps/${appId}/messages`, {
      eventType: 'a',
      payload: {},
      orderingKey: 'k'.repeat(129),
    });
    expect(single.status).toBe(422);
    expect(single.body.details.map((d) => d.field)).toEqual(['orderingKey']);
    const batch = await sut.api.post<Problem>(`/api/v1/apps/${appId}/messages/batch`, {
      messages: [{ eventType: 'a', payload: {}, orderingKey: 7 }],
    });
    expect(batch.status).toBe(422);
    expect(batch.body.details.map((d) => d.field)).toEqual(['messages[0].orderingKey']);
  });

  it('takes ordering on create and PATCH, shows it, and refuses other values', async () => {
    const appId = (await createApp(sut.api)).id;
    const created = await createEndpoint(sut.api, appId);
    expect((created as unknown as { ordering: string }).ordering).toBe('none');
    const path = `/api/v1/apps/${appId}/endpoints/${created.id}`;

    const patched = await sut.api.patch<{ ordering: string }>(path, { ordering: 'fifo' });
    expect(patched.status).toBe(200);
    expect(patched.body.ordering).toBe('fifo');
    expect((await sut.api.get<{ ordering: string }>(path)).body.ordering).toBe('fifo');

    const bad = await sut.api.patch<Problem>(path, { ordering: 'lifo' });
    expect(bad.status).toBe(422);
    expect(bad.body.details.map((d) => d.field)).toEqual(['ordering']);
    const badCreate = await sut.api.post<Problem>(`/api/v1/apps/${appId}/endpoints`, {
      url: 'https://example.com/x',
      ordering: null,
    });
    expect(badCreate.status).toBe(422);
    expect(badCreate.body.details.map((d) => d.field)).toEqual(['ordering']);
  });

  it('documents ordering and orderingKey in the OpenAPI document', async () => {
    type Schema = { properties: Record<string, { enum?: string[]; maxLength?: number }> };
    const doc = await sut.api
      .withKey(null)
      .get<{ components: { schemas: Record<string, Schema> } }>('/docs-json');
    const schemas = doc.body.components.schemas;
    expect(schemas.CreateMessageDto.properties.orderingKey.maxLength).toBe(128);
    expect(schemas.CreateEndpointDto.properties.ordering.enum).toEqual(['none', 'fifo']);
    expect(schemas.UpdateEndpointDto.properties.ordering.enum).toEqual(['none', 'fifo']);
    expect(schemas.EndpointResponseDto.properties.ordering).toBeDefined();
    expect(schemas.AttemptResponseDto.properties.orderingKey).toBeDefined();
    expect(schemas.MessageResponseDto.properties.orderingKey).toBeDefined();
  });

  /** The operational-events app with one endpoint whose receiver keeps the events. */
  async function recorderOfEvents() {
    const events: Array<{ type: string; data: Record<string, string> }> = [];
    const receiver = await startReceiver((request) => {
      events.push(JSON.parse(request.body) as { type: string; data: Record<string, string> });
      return { status: 200 };
    });
    receivers.push(receiver);
    const ops = await createApp(sut.api, { uid: OPS_APP });
    await createEndpoint(sut.api, ops.id, { url: receiver.url });
    return { events };
  }
});
