import { Client } from 'pg';
import { FakeClock } from '../src/common/clock';
import { newId } from '../src/common/ids';
import { DeliveryWaker } from '../src/messages/delivery-waker';
import { eventually } from './support/eventually';
import {
  countDeliveries,
  deliveriesOf as deliveriesIn,
  refuseDeliveryInserts,
} from './support/queue-probe';
import { startTestAppWithDatabase } from './support/test-app';

type Accepted = { id: string; eventType: string; eventId: string | null; createdAt: string };
type BatchAccepted = { data: Array<Accepted & { duplicate: boolean }> };
type ErrorBody = {
  code: string;
  message: string;
  errorId?: string;
  details?: Array<{ field: string; message: string }>;
};
type Page<T> = { data: T[]; nextCursor: string | null };
type Detail = Accepted & {
  payload: Record<string, unknown>;
  deliveries: Array<{
    id: string;
    endpointId: string;
    status: string;
    attempts: number;
    nextAttemptAt: string | null;
    lastStatusCode: number | null;
    lastError: string | null;
    updatedAt: string;
  }>;
};

describe('Messages API', () => {
  const clock = new FakeClock(Date.UTC(2030, 0, 1));
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;

  beforeAll(async () => {
    // ROLE=api: no worker picks the deliveries up, so their initial state stays observable.
    sut = await startTestAppWithDatabase({
      clock,
      env: { ROLE: 'api', MAX_PAYLOAD_BYTES: '2048' },
    });
  });
  afterAll(() => sut.close());

  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    Number((await sut.db.query(sql, params)).rows[0].count);
  const messagesOf = (appId: string) =>
    count('SELECT count(*) FROM message WHERE app_id = $1', [appId]);
  const deliveriesOf = (appId: string) => countDeliveries(sut.db, { appId });
  const deliveriesOfMessage = (messageId: string) =>
    countDeliveries(sut.db, { messageIds: [messageId] });

  async function createApp(uid?: string): Promise<string> {
    const res = await sut.api.post<{ id: string }>('/api/v1/apps', {
      name: 'Producer',
      ...(uid ? { uid } : {}),
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  /** Endpoint + subscription rows written directly (the endpoint routes belong to another feature). */
  async function addEndpoint(
    appId: string,
    eventTypes: string[],
    options: { disabled?: boolean; filter?: Record<string, unknown> } = {},
  ): Promise<string> {
    const id = newId('ep');
    const now = new Date();
    await sut.db.query(
      `INSERT INTO endpoint (id, app_id, url, secret_enc, disabled, created_at, updated_at) VALUES ($1, $2, 'https://example.com/hook', $3, $4, $5, $5)`,
      [id, appId, Buffer.from('sealed'), options.disabled ?? false, now],
    );
    await sut.db.query(
      `INSERT INTO subscription (id, app_id, endpoint_id, event_types, filter, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
      [
        newId('sub'),
        appId,
        id,
        eventTypes,
        options.filter ? JSON.stringify(options.filter) : null,
        now,
      ],
    );
    await sut.db.query(`SELECT pg_notify('hookrelay_routing', $1)`, [appId]);
    return id;
  }

  const send = (appId: string, body: unknown, headers: Record<string, string> = {}) =>
    sut.api.post<Accepted & ErrorBody>(`/api/v1/apps/${appId}/messages`, body, headers);
  const sendBatch = (appId: string, messages: unknown[]) =>
    sut.api.post<BatchAccepted & ErrorBody>(`/api/v1/apps/${appId}/messages/batch`, { messages });

  describe('fan-out', () => {
    let appId: string;
    let invoices: string;
    let paidOnly: string;
    let proOnly: string;
    beforeAll(async () => {
      appId = await createApp();
      invoices = await addEndpoint(appId, ['invoice.*']);
      paidOnly = await addEndpoint(appId, ['invoice.paid']);
      proOnly = await addEndpoint(appId, ['invoice.paid'], { filter: { plan: 'pro' } });
      await addEndpoint(appId, ['*'], { disabled: true });
      await addEndpoint(appId, ['user.*']);
    });

    it('answers 202 with the message and creates one pending delivery per matching enabled endpoint', async () => {
      const res = await send(appId, {
        eventType: 'invoice.paid',
        payload: { plan: 'free', amount: 1 },
      });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^msg_[0-9A-Z]{26}$/),
        eventType: 'invoice.paid',
        eventId: null,
        orderingKey: null,
        createdAt: clock.now().toISOString(),
      });
      const rows = (await deliveriesIn(sut.db, { messageIds: [res.body.id] })).sort((a, b) =>
        a.endpoint_id.localeCompare(b.endpoint_id),
      );
      expect(rows.map((r) => r.endpoint_id)).toEqual([invoices, paidOnly].sort());
      for (const row of rows) {
        expect(row).toMatchObject({ status: 'pending', attempts: 0, next_attempt_at: clock.now() });
        expect(row.id).toMatch(/^dlv_/);
      }
    });

    it('includes an endpoint whose subscription filter accepts the payload', async () => {
      const res = await send(appId, { eventType: 'invoice.paid', payload: { plan: 'pro' } });
      const rows = await deliveriesIn(sut.db, { messageIds: [res.body.id] });
      expect(rows.map((r) => r.endpoint_id).sort()).toEqual([invoices, paidOnly, proOnly].sort());
    });

    it('stores a message that matches nothing, without deliveries', async () => {
      const res = await send(appId, { eventType: 'order.created', payload: {} });
      expect(res.status).toBe(202);
      expect(await deliveriesOfMessage(res.body.id)).toBe(0);
    });

    it('stores the payload as the exact JSON text delivered on every attempt', async () => {
      const payload = { z: 1, a: { nested: ['x', 2, null] }, unicode: 'é✓' };
      const res = await send(appId, { eventType: 'invoice.created', payload });
      const { rows } = await sut.db.query('SELECT payload FROM message WHERE id = $1', [
        res.body.id,
      ]);
      expect(rows[0].payload).toBe(JSON.stringify(payload));
    });

    it('wakes the workers on hookrelay_deliveries only when a delivery was created', async () => {
      const listener = new Client({ connectionString: sut.database.url });
      await listener.connect();
      const heard: string[] = [];
      listener.on('notification', (n) => heard.push(n.channel));
      await listener.query('LISTEN hookrelay_deliveries');
      // Counted where ingest decides to wake (before it answers), so "not woken" needs no
      // pause; the wake-up itself is then heard on the channel.
      const waker = sut.app.get(DeliveryWaker);
      const decide = waker.deliveriesCommitted.bind(waker);
      let wakeUps = 0;
      waker.deliveriesCommitted = () => {
        wakeUps++;
        decide();
      };
      try {
        await send(appId, { eventType: 'order.created', payload: {} });
        expect(wakeUps).toBe(0);
        await send(appId, { eventType: 'invoice.paid', payload: {} });
        expect(wakeUps).toBe(1);
        await eventually(async () => heard.length > 0, 10_000, 'the wake-up');
        expect(heard).toEqual(['hookrelay_deliveries']);
      } finally {
        waker.deliveriesCommitted = decide;
        await listener.end();
      }
    });

    it('accepts the app uid in place of its id', async () => {
      const id = await createApp('fan-out-uid');
      const res = await send('fan-out-uid', { eventType: 'a.b', payload: {} });
      expect(res.status).toBe(202);
      expect(await messagesOf(id)).toBe(1);
    });
  });

  describe('idempotency', () => {
    let appId: string;
    beforeAll(async () => {
      appId = await createApp();
      await addEndpoint(appId, ['*']);
      await addEndpoint(appId, ['order.*']);
    });

    it('answers a repeated eventId with 200 and the original message, creating nothing', async () => {
      const first = await send(appId, {
        eventType: 'order.created',
        payload: { n: 1 },
        eventId: 'seq-1',
      });
      const again = await send(appId, {
        eventType: 'order.created',
        payload: { n: 2 },
        eventId: 'seq-1',
      });
      expect(first.status).toBe(202);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(
        await count('SELECT count(*) FROM message WHERE app_id = $1 AND event_id = $2', [
          appId,
          'seq-1',
        ]),
      ).toBe(1);
      expect(await deliveriesOfMessage(first.body.id)).toBe(2);
    });

    it('treats the Idempotency-Key header like eventId', async () => {
      const first = await send(
        appId,
        { eventType: 'order.created', payload: {} },
        { 'idempotency-key': 'hdr-1' },
      );
      const again = await send(appId, {
        eventType: 'order.created',
        payload: {},
        eventId: 'hdr-1',
      });
      expect(first.body.eventId).toBe('hdr-1');
      expect([again.status, again.body.id]).toEqual([200, first.body.id]);
    });

    it('refuses an Idempotency-Key header that differs from eventId, writing nothing', async () => {
      const before = await messagesOf(appId);
      const res = await send(
        appId,
        { eventType: 'order.created', payload: {}, eventId: 'a' },
        { 'idempotency-key': 'b' },
      );
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('idempotency_key_mismatch');
      expect(await messagesOf(appId)).toBe(before);
    });

    it('yields one message and one delivery per endpoint under 20 concurrent repeats', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          send(appId, { eventType: 'order.paid', payload: {}, eventId: 'concurrent-1' }),
        ),
      );
      expect(results.filter((r) => r.status === 202)).toHaveLength(1);
      expect(results.filter((r) => r.status === 200)).toHaveLength(19);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(
        await count('SELECT count(*) FROM message WHERE app_id = $1 AND event_id = $2', [
          appId,
          'concurrent-1',
        ]),
      ).toBe(1);
      const perEndpoint = new Map<string, number>();
      for (const d of await deliveriesIn(sut.db, { messageIds: [results[0].body.id] }))
        perEndpoint.set(d.endpoint_id, (perEndpoint.get(d.endpoint_id) ?? 0) + 1);
      expect([...perEndpoint.values()]).toEqual([1, 1]);
    });

    it('treats "eventId": null as no eventId, as answers show it', async () => {
      const res = await send(appId, { eventType: 'order.created', payload: {}, eventId: null });
      expect([res.status, res.body.eventId]).toEqual([202, null]);
      const keyed = await send(
        appId,
        { eventType: 'order.created', payload: {}, eventId: null },
        { 'idempotency-key': 'null-and-header' },
      );
      expect([keyed.status, keyed.body.eventId]).toEqual([202, 'null-and-header']);
    });

    it.each([
      ['NUL', 'evt\u0000-1'],
      ['a control character', 'evt\u0001'],
      ['DEL', 'evt\u007f'],
      ['a lone surrogate', 'evt\ud800'],
    ])('refuses an eventId with %s with 422 naming it, writing nothing', async (_case, eventId) => {
      const before = await messagesOf(appId);
      const res = await send(appId, { eventType: 'order.created', payload: {}, eventId });
      expect(res.status).toBe(422);
      expect(res.body.details?.map((d) => d.field)).toEqual(['eventId']);
      const batch = await sendBatch(appId, [
        { eventType: 'order.created', payload: {} },
        { eventType: 'order.created', payload: {}, eventId },
      ]);
      expect(batch.status).toBe(422);
      expect(batch.body.details?.map((d) => d.field)).toEqual(['messages[1].eventId']);
      expect(await messagesOf(appId)).toBe(before);
    });

    it('refuses an Idempotency-Key header on the batch route, writing nothing', async () => {
      const before = await messagesOf(appId);
      const res = await sut.api.post<ErrorBody>(
        `/api/v1/apps/${appId}/messages/batch`,
        { messages: [{ eventType: 'order.created', payload: {} }] },
        { 'idempotency-key': 'batch-key' },
      );
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('idempotency_key_not_supported');
      expect(res.body.details?.map((d) => d.field)).toEqual(['Idempotency-Key']);
      expect(await messagesOf(appId)).toBe(before);
    });

    it('keeps eventIds apart per app', async () => {
      const other = await createApp();
      await send(appId, { eventType: 'x', payload: {}, eventId: 'shared' });
      const res = await send(other, { eventType: 'x', payload: {}, eventId: 'shared' });
      expect(res.status).toBe(202);
    });
  });

  describe('batch', () => {
    let appId: string;
    beforeAll(async () => {
      appId = await createApp();
      await addEndpoint(appId, ['batch.*']);
      await sut.api.post('/api/v1/event-types', { name: 'batch.archived', archived: true });
    });

    it('answers 202 with one entry per message, in order, and fans each out', async () => {
      const res = await sendBatch(appId, [
        { eventType: 'batch.one', payload: { i: 0 } },
        { eventType: 'other.two', payload: { i: 1 }, eventId: 'b-1' },
        { eventType: 'batch.three', payload: { i: 2 } },
      ]);
      expect(res.status).toBe(202);
      expect(res.body.data.map((m) => [m.eventType, m.eventId, m.duplicate])).toEqual([
        ['batch.one', null, false],
        ['other.two', 'b-1', false],
        ['batch.three', null, false],
      ]);
      const ids = res.body.data.map((m) => m.id);
      expect([...ids].sort()).toEqual(ids);
      const rows = (await deliveriesIn(sut.db, { messageIds: ids })).sort((a, b) =>
        a.message_id.localeCompare(b.message_id),
      );
      expect(rows.map((r) => r.message_id)).toEqual([ids[0], ids[2]]);
    });

    it('answers a repeated eventId, stored or earlier in the batch, with the original and duplicate: true', async () => {
      const stored = await send(appId, { eventType: 'batch.x', payload: {}, eventId: 'b-stored' });
      const res = await sendBatch(appId, [
        { eventType: 'batch.x', payload: {}, eventId: 'b-stored' },
        { eventType: 'batch.x', payload: {}, eventId: 'b-new' },
        { eventType: 'batch.x', payload: {}, eventId: 'b-new' },
      ]);
      expect(res.status).toBe(202);
      const [a, b, c] = res.body.data;
      expect([a.id, a.duplicate]).toEqual([stored.body.id, true]);
      expect([b.duplicate, c.id, c.duplicate]).toEqual([false, b.id, true]);
      expect(
        await count('SELECT count(*) FROM message WHERE app_id = $1 AND event_id = $2', [
          appId,
          'b-new',
        ]),
      ).toBe(1);
      expect(await deliveriesOfMessage(b.id)).toBe(1);
    });

    it.each([
      [
        'a bad item',
        [
          { eventType: 'batch.ok', payload: {} },
          { eventType: 'batch.ok', payload: {} },
          { eventType: 'batch.ok', payload: [] },
        ],
        422,
        'messages[2].payload',
      ],
      [
        'an unknown field in an item',
        [{ eventType: 'batch.ok', payload: {}, extra: 1 }],
        422,
        'messages[0].extra',
      ],
      [
        'an archived type',
        [
          { eventType: 'batch.ok', payload: {} },
          { eventType: 'batch.archived', payload: {} },
        ],
        422,
        'messages[1].eventType',
      ],
      ['no messages', [], 422, 'messages'],
      [
        'too many messages',
        Array.from({ length: 1001 }, () => ({ eventType: 'batch.ok', payload: {} })),
        422,
        'messages',
      ],
    ])('refuses %s naming it, writing nothing', async (_case, messages, status, field) => {
      const before = [await messagesOf(appId), await deliveriesOf(appId)];
      const res = await sendBatch(appId, messages);
      expect(res.status).toBe(status);
      expect(res.body.details?.map((d) => d.field)).toContain(field);
      expect([await messagesOf(appId), await deliveriesOf(appId)]).toEqual(before);
    });

    it('refuses an oversized payload with 413 naming its index, writing nothing', async () => {
      const before = await messagesOf(appId);
      const res = await sendBatch(appId, [
        { eventType: 'batch.ok', payload: {} },
        { eventType: 'batch.ok', payload: { blob: 'x'.repeat(3000) } },
      ]);
      expect(res.status).toBe(413);
      expect(res.body.message).toContain('messages[1].payload');
      expect(await messagesOf(appId)).toBe(before);
    });

    it('refuses a body that is not { messages: [...] }', async () => {
      const res = await sut.api.post<ErrorBody>(`/api/v1/apps/${appId}/messages/batch`, {
        messages: [{ eventType: 'batch.ok', payload: {} }],
        more: true,
      });
      expect(res.status).toBe(422);
      expect(res.body.details?.map((d) => d.field)).toContain('more');
    });

    it('accepts 1,000 messages in one request', async () => {
      const before = await messagesOf(appId);
      const res = await sendBatch(
        appId,
        Array.from({ length: 1000 }, (_, i) => ({ eventType: 'batch.bulk', payload: { i } })),
      );
      expect(res.status).toBe(202);
      expect(await messagesOf(appId)).toBe(before + 1000);
    });
  });

  describe('catalog checks', () => {
    let appId: string;
    beforeAll(async () => {
      appId = await createApp();
      await sut.api.post('/api/v1/event-types', {
        name: 'billing.charged',
        schema: {
          type: 'object',
          required: ['amount'],
          properties: { amount: { type: 'number', minimum: 0 } },
        },
      });
      await sut.api.post('/api/v1/event-types', { name: 'billing.legacy', archived: true });
    });

    it('accepts a payload that satisfies the schema', async () => {
      expect(
        (await send(appId, { eventType: 'billing.charged', payload: { amount: 5 } })).status,
      ).toBe(202);
    });

    it('refuses a payload that breaks the schema with 422 naming the path, writing nothing', async () => {
      const before = await messagesOf(appId);
      const res = await send(appId, { eventType: 'billing.charged', payload: { amount: -1 } });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('payload_schema_mismatch');
      expect(res.body.details).toEqual([
        { field: 'payload.amount', message: 'payload.amount must be >= 0' },
      ]);
      expect(await messagesOf(appId)).toBe(before);
    });

    it('refuses an archived event type with 422', async () => {
      const before = await messagesOf(appId);
      const res = await send(appId, { eventType: 'billing.legacy', payload: {} });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('event_type_archived');
      expect(await messagesOf(appId)).toBe(before);
    });
  });

  describe('bad input', () => {
    let appId: string;
    beforeAll(async () => {
      appId = await createApp();
      await addEndpoint(appId, ['*']);
    });

    it.each([
      ['a missing eventType', { payload: {} }, 'eventType'],
      ['a missing payload', { eventType: 'a.b' }, 'payload'],
      ['an unknown field', { eventType: 'a.b', payload: {}, colour: 'red' }, 'colour'],
      ['a payload that is an array', { eventType: 'a.b', payload: [1] }, 'payload'],
      ['a payload that is a string', { eventType: 'a.b', payload: 'text' }, 'payload'],
      ['a payload that is null', { eventType: 'a.b', payload: null }, 'payload'],
      ['an invalid event type name', { eventType: 'a..b', payload: {} }, 'eventType'],
      ['an event type with a wildcard', { eventType: 'a.*', payload: {} }, 'eventType'],
      ['an eventId of the wrong type', { eventType: 'a.b', payload: {}, eventId: 7 }, 'eventId'],
      [
        'an overlong eventId',
        { eventType: 'a.b', payload: {}, eventId: 'x'.repeat(257) },
        'eventId',
      ],
      ['a body that is not an object', [1, 2], ''],
    ])('rejects %s with 422 naming the field, writing nothing', async (_case, body, field) => {
      const res = await send(appId, body);
      expect(res.status).toBe(422);
      expect(res.body.details?.map((d) => d.field)).toContain(field);
      expect(await messagesOf(appId)).toBe(0);
    });

    it('rejects a payload over MAX_PAYLOAD_BYTES with 413, writing nothing', async () => {
      const res = await send(appId, { eventType: 'a.b', payload: { blob: 'é'.repeat(1100) } });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('payload_too_large');
      expect(await messagesOf(appId)).toBe(0);
    });

    it.each([
      ['an unknown app id', 'app_01ARZ3NDEKTSV4RRFFQ69G5FAV'],
      ['an unknown uid', 'nobody'],
    ])('answers 404 for %s', async (_case, id) => {
      const before = await count('SELECT count(*) FROM message');
      const res = await send(id, { eventType: 'a.b', payload: {} });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
      expect(await count('SELECT count(*) FROM message')).toBe(before);
    });

    it('answers 404 once the app is deleted', async () => {
      const doomed = await createApp('doomed-app');
      expect((await send('doomed-app', { eventType: 'a.b', payload: {} })).status).toBe(202);
      await sut.api.delete(`/api/v1/apps/${doomed}`);
      expect((await send(doomed, { eventType: 'a.b', payload: {} })).status).toBe(404);
    });
  });

  describe('a transaction that fails mid-way', () => {
    let appId: string;
    let allowDeliveryInserts: () => Promise<void>;
    beforeAll(async () => {
      appId = await createApp();
      await addEndpoint(appId, ['*']);
      allowDeliveryInserts = await refuseDeliveryInserts(sut.db);
    });
    afterAll(() => allowDeliveryInserts());

    it('leaves no message behind and answers 500 with an error id', async () => {
      const res = await send(appId, { eventType: 'a.b', payload: {}, eventId: 'doomed' });
      expect(res.status).toBe(500);
      expect(res.body.errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.message).not.toContain('refused');
      expect(await messagesOf(appId)).toBe(0);
    });

    it('leaves nothing of a batch behind either', async () => {
      const res = await sendBatch(appId, [
        { eventType: 'a.b', payload: {} },
        { eventType: 'a.c', payload: {} },
      ]);
      expect(res.status).toBe(500);
      expect(await messagesOf(appId)).toBe(0);
    });
  });

  describe('events feed', () => {
    let appId: string;
    const sent: Accepted[] = [];
    let t0: number;
    beforeAll(async () => {
      appId = await createApp('feed-app');
      const endpoint = await addEndpoint(appId, ['order_paid.*']);
      t0 = clock.now().getTime();
      for (const [eventType, eventId] of [
        ['order_paid.created', 'e1'],
        ['orderXpaid.created', 'e2'],
        ['order_paid.deep.nested', null],
        ['user.signup', 'e4'],
        ['order_paid', null],
      ] as const) {
        clock.advance(1_000);
        const res = await send(appId, {
          eventType,
          payload: { eventType },
          ...(eventId ? { eventId } : {}),
        });
        sent.push(res.body);
      }
      expect(endpoint).toMatch(/^ep_/);
    });
    afterAll(() => clock.advance(1_000));

    const list = (query: string) =>
      sut.api.get<Page<Accepted & { payload?: Record<string, unknown> }> & ErrorBody>(
        `/api/v1/apps/feed-app/messages${query}`,
      );
    const ids = (page: Page<Accepted>) => page.data.map((m) => m.id);

    it('lists newest first without payloads by default', async () => {
      const res = await list('');
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual(sent.map((m) => m.id).reverse());
      expect(res.body.data[0].payload).toBeUndefined();
    });

    it('includes payloads with withPayload=true', async () => {
      const res = await list('?withPayload=true&limit=1');
      expect(res.body.data[0].payload).toEqual({ eventType: 'order_paid' });
    });

    it.each([
      ['an exact type', 'order_paid.created', [0]],
      ['a prefix pattern, escaping LIKE wildcards', 'order_paid.*', [2, 0]],
      ['*', '*', [4, 3, 2, 1, 0]],
    ])('filters by %s', async (_case, pattern, expected) => {
      const res = await list(`?eventType=${encodeURIComponent(pattern)}`);
      expect(ids(res.body)).toEqual(expected.map((i) => sent[i].id));
    });

    it('filters by eventId', async () => {
      expect(ids((await list('?eventId=e4')).body)).toEqual([sent[3].id]);
    });

    it('filters by before and after (exclusive)', async () => {
      const after = new Date(t0 + 1_000).toISOString();
      const before = new Date(t0 + 4_000).toISOString();
      const res = await list(`?after=${after}&before=${before}`);
      expect(ids(res.body)).toEqual([sent[2].id, sent[1].id]);
    });

    it('pages with a cursor, newest first, without gaps or repeats', async () => {
      const first = await list('?limit=2');
      const second = await list(`?limit=2&cursor=${first.body.nextCursor}`);
      const third = await list(`?limit=2&cursor=${second.body.nextCursor}`);
      expect([...ids(first.body), ...ids(second.body), ...ids(third.body)]).toEqual(
        sent.map((m) => m.id).reverse(),
      );
      expect(third.body.nextCursor).toBeNull();
    });

    it.each([
      ['a bad pattern', '?eventType=a.*.b', 'eventType'],
      ['a bad time', '?before=yesterday', 'before'],
      ['an unknown parameter', '?colour=red', 'colour'],
    ])('rejects %s with 422 naming it', async (_case, query, field) => {
      const res = await list(query);
      expect(res.status).toBe(422);
      expect(res.body.details?.map((d) => d.field)).toContain(field);
    });

    it('rejects a forged cursor with 400', async () => {
      expect((await list('?cursor=bm90LWFuLWlk')).status).toBe(400);
    });

    it('answers 404 for an unknown app', async () => {
      expect((await sut.api.get('/api/v1/apps/nobody/messages')).status).toBe(404);
    });

    it('shows one message with its parsed payload and per-endpoint delivery status', async () => {
      const res = await sut.api.get<Detail>(`/api/v1/apps/feed-app/messages/${sent[0].id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ...sent[0], payload: { eventType: 'order_paid.created' } });
      expect(res.body.deliveries).toEqual([
        {
          id: expect.stringMatching(/^dlv_/),
          endpointId: expect.stringMatching(/^ep_/),
          status: 'pending',
          attempts: 0,
          nextAttemptAt: sent[0].createdAt,
          lastStatusCode: null,
          lastError: null,
          updatedAt: sent[0].createdAt,
        },
      ]);
    });

    it('answers 404 for a message of another app or an unknown id', async () => {
      const other = await createApp();
      expect((await sut.api.get(`/api/v1/apps/${other}/messages/${sent[0].id}`)).status).toBe(404);
      expect(
        (await sut.api.get('/api/v1/apps/feed-app/messages/msg_01ARZ3NDEKTSV4RRFFQ69G5FAV')).status,
      ).toBe(404);
    });
  });
});
