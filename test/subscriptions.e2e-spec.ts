import { AppRoutingCache } from '../src/routing/app-routing.cache';
import {
  createApp,
  createEndpoint,
  createSubscription,
  listSubscriptions,
  PageView,
  SubscriptionView,
} from './support/builders';
import { eventually } from './support/eventually';
import { startTestApp, startTestAppWithDatabase, TestApp } from './support/test-app';

type Problem = { code: string; details: Array<{ field: string; message: string }> };
type Routed = {
  eventType: string;
  endpoints: Array<{ endpointId: string; subscriptionIds: string[] }>;
};

/** Polls `probe` until `accept` holds for its value (the shared helper, in probe/accept form). */
const until = <T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000) =>
  eventually(
    async () => {
      const value = await probe();
      return accept(value) ? { value } : undefined;
    },
    timeoutMs,
    'the routing cache to follow',
  ).then((r) => r.value);

describe('Subscriptions API', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let appId: string;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase();
    appId = (await createApp(sut.api)).id;
  });
  afterAll(() => sut.close());

  const subs = (endpointId: string, id = '') =>
    `/api/v1/apps/${appId}/endpoints/${endpointId}/subscriptions${id ? `/${id}` : ''}`;
  const route = (body: unknown, app = appId) =>
    sut.api.post<Routed>(`/api/v1/apps/${app}/subscriptions/test`, body);
  const countSubs = async () =>
    Number((await sut.db.query('SELECT count(*) FROM subscription')).rows[0].count);

  describe('CRUD', () => {
    it('creates a subscription with patterns and a filter', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const res = await sut.api.post<SubscriptionView>(subs(endpoint.id), {
        eventTypes: ['invoice.*', 'user.created'],
        filter: { 'customer.plan': 'pro' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        endpointId: endpoint.id,
        eventTypes: ['invoice.*', 'user.created'],
        filter: { 'customer.plan': 'pro' },
      });
      expect(res.body.id).toMatch(/^sub_[0-9A-Z]{26}$/);
    });

    it('gets, lists in id order with paging, patches and deletes', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const second = await createSubscription(sut.api, appId, endpoint.id, { eventTypes: ['a.b'] });
      const [first] = await listSubscriptions(sut.api, appId, endpoint.id);
      const page = await sut.api.get<PageView<SubscriptionView>>(`${subs(endpoint.id)}?limit=1`);
      expect(page.body.data.map((s) => s.id)).toEqual([first.id]);
      const next = await sut.api.get<PageView<SubscriptionView>>(
        `${subs(endpoint.id)}?limit=1&cursor=${page.body.nextCursor}`,
      );
      expect(next.body.data.map((s) => s.id)).toEqual([second.id]);
      expect(
        (await sut.api.get<SubscriptionView>(subs(endpoint.id, second.id))).body.eventTypes,
      ).toEqual(['a.b']);
      const patched = await sut.api.patch<SubscriptionView>(subs(endpoint.id, second.id), {
        filter: { x: 1 },
      });
      expect(patched.body).toMatchObject({ eventTypes: ['a.b'], filter: { x: 1 } });
      const cleared = await sut.api.patch<SubscriptionView>(subs(endpoint.id, second.id), {
        filter: null,
      });
      expect(cleared.body.filter).toBeNull();
      expect((await sut.api.delete(subs(endpoint.id, second.id))).status).toBe(204);
      expect((await sut.api.get(subs(endpoint.id, second.id))).status).toBe(404);
    });

    it('answers 404 for a subscription reached through another endpoint', async () => {
      const a = await createEndpoint(sut.api, appId);
      const b = await createEndpoint(sut.api, appId);
      const [subOfA] = await listSubscriptions(sut.api, appId, a.id);
      expect((await sut.api.get(subs(b.id, subOfA.id))).status).toBe(404);
      expect((await sut.api.delete(subs(b.id, subOfA.id))).status).toBe(404);
    });

    it('answers 404 on a deleted endpoint', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      await sut.api.delete(`/api/v1/apps/${appId}/endpoints/${endpoint.id}`);
      expect((await sut.api.post(subs(endpoint.id), { eventTypes: ['*'] })).status).toBe(404);
    });

    it.each([
      ['missing eventTypes', {}, 'eventTypes'],
      ['empty eventTypes', { eventTypes: [] }, 'eventTypes'],
      ['a non-list', { eventTypes: 'a.b' }, 'eventTypes'],
      ['a misplaced wildcard', { eventTypes: ['a.*.b'] }, 'eventTypes'],
      ['"**"', { eventTypes: ['a.**'] }, 'eventTypes'],
      ['an unknown field', { eventTypes: ['*'], colour: 1 }, 'colour'],
      ['a filter that is a list', { eventTypes: ['*'], filter: [1] }, 'filter'],
      [
        'an unknown operator',
        { eventTypes: ['*'], filter: { amount: { $near: 1 } } },
        'filter.amount.$near',
      ],
      [
        'a bad operand deep inside $or',
        { eventTypes: ['*'], filter: { $or: [{ a: 1 }, { b: { $gt: [] } }] } },
        'filter.$or[1].b.$gt',
      ],
    ])('rejects %s with 422 naming the field, writing nothing', async (_case, body, field) => {
      const endpoint = await createEndpoint(sut.api, appId);
      const before = await countSubs();
      const res = await sut.api.post<Problem>(subs(endpoint.id), body);
      expect(res.status).toBe(422);
      expect(res.body.details.map((d) => d.field)).toContain(field);
      expect(await countSubs()).toBe(before);
    });

    it('lists every filter issue with its path in one answer', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const res = await sut.api.post<Problem>(subs(endpoint.id), {
        eventTypes: ['*'],
        filter: { a: { $bogus: 1 }, b: { $in: 3 } },
      });
      expect(res.body.code).toBe('invalid_filter');
      expect(res.body.details.map((d) => d.field)).toEqual(
        expect.arrayContaining(['filter.a.$bogus', 'filter.b.$in']),
      );
    });

    it('rejects a bad PATCH and keeps the subscription', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const [sub] = await listSubscriptions(sut.api, appId, endpoint.id);
      const res = await sut.api.patch<Problem>(subs(endpoint.id, sub.id), { eventTypes: [] });
      expect(res.status).toBe(422);
      expect(
        (await sut.api.get<SubscriptionView>(subs(endpoint.id, sub.id))).body.eventTypes,
      ).toEqual(['*']);
    });

    it('refuses eventTypes: null on PATCH with 422 naming the field, changing nothing', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const [sub] = await listSubscriptions(sut.api, appId, endpoint.id);
      const res = await sut.api.patch<Problem>(subs(endpoint.id, sub.id), { eventTypes: null });
      expect(res.status).toBe(422);
      expect(res.body.details).toEqual([
        { field: 'eventTypes', message: 'eventTypes must not be null; leave it out instead' },
      ]);
      expect((await sut.api.get<SubscriptionView>(subs(endpoint.id, sub.id))).body).toEqual(sub);
    });

    it('still removes a filter with null', async () => {
      const endpoint = await createEndpoint(sut.api, appId, {
        eventTypes: ['a.*'],
        filter: { x: 1 },
      });
      const [sub] = await listSubscriptions(sut.api, appId, endpoint.id);
      const res = await sut.api.patch<SubscriptionView>(subs(endpoint.id, sub.id), {
        filter: null,
      });
      expect([res.status, res.body.filter]).toEqual([200, null]);
    });
  });

  describe('routing test route', () => {
    let app: string;
    let invoices: string;
    let proOnly: string;
    let disabled: string;

    beforeAll(async () => {
      app = (await createApp(sut.api)).id;
      invoices = (await createEndpoint(sut.api, app, { eventTypes: ['invoice.*'] })).id;
      proOnly = (
        await createEndpoint(sut.api, app, {
          eventTypes: ['invoice.paid'],
          filter: { plan: 'pro' },
        })
      ).id;
      disabled = (await createEndpoint(sut.api, app, { disabled: true })).id;
    });

    it('names the endpoints and subscriptions that match type and payload', async () => {
      const res = await route({ eventType: 'invoice.paid', payload: { plan: 'pro' } }, app);
      expect(res.status).toBe(200);
      expect(res.body.eventType).toBe('invoice.paid');
      expect(res.body.endpoints.map((e) => e.endpointId).sort()).toEqual(
        [invoices, proOnly].sort(),
      );
      const [sub] = await listSubscriptions(sut.api, app, proOnly);
      expect(res.body.endpoints.find((e) => e.endpointId === proOnly)?.subscriptionIds).toEqual([
        sub.id,
      ]);
    });

    it('leaves out subscriptions whose filter rejects the payload', async () => {
      const res = await route({ eventType: 'invoice.paid', payload: { plan: 'free' } }, app);
      expect(res.body.endpoints.map((e) => e.endpointId)).toEqual([invoices]);
    });

    it('never routes to a disabled endpoint, and does once it is re-enabled', async () => {
      const before = await route({ eventType: 'user.created', payload: {} }, app);
      expect(before.body.endpoints).toEqual([]);
      await sut.api.patch(`/api/v1/apps/${app}/endpoints/${disabled}`, { disabled: false });
      const after = await route({ eventType: 'user.created', payload: {} }, app);
      expect(after.body.endpoints.map((e) => e.endpointId)).toEqual([disabled]);
      await sut.api.patch(`/api/v1/apps/${app}/endpoints/${disabled}`, { disabled: true });
    });

    it('sees a new subscription at once', async () => {
      await createSubscription(sut.api, app, invoices, { eventTypes: ['order.shipped'] });
      const res = await route({ eventType: 'order.shipped', payload: {} }, app);
      expect(res.body.endpoints.map((e) => e.endpointId)).toEqual([invoices]);
    });

    it('stops routing to a deleted endpoint at once', async () => {
      const doomed = (await createEndpoint(sut.api, app, { eventTypes: ['audit.logged'] })).id;
      expect(
        (await route({ eventType: 'audit.logged', payload: {} }, app)).body.endpoints,
      ).toHaveLength(1);
      await sut.api.delete(`/api/v1/apps/${app}/endpoints/${doomed}`);
      expect((await route({ eventType: 'audit.logged', payload: {} }, app)).body.endpoints).toEqual(
        [],
      );
    });

    it.each([
      ['a missing eventType', { payload: {} }, 'eventType'],
      ['a malformed eventType', { eventType: 'a..b', payload: {} }, 'eventType'],
      ['a missing payload', { eventType: 'a.b' }, 'payload'],
      ['an unknown field', { eventType: 'a.b', payload: {}, extra: 1 }, 'extra'],
    ])('rejects %s with 422', async (_case, body, field) => {
      const res = await sut.api.post<Problem>(`/api/v1/apps/${app}/subscriptions/test`, body);
      expect(res.status).toBe(422);
      expect(res.body.details.map((d) => d.field)).toContain(field);
    });

    it('answers 404 for an unknown app', async () => {
      expect(
        (await route({ eventType: 'a.b', payload: {} }, 'app_01ARZ3NDEKTSV4RRFFQ69G5FAV')).status,
      ).toBe(404);
    });

    it('skips a stored subscription that no longer compiles, and still routes the rest of the app', async () => {
      const other = (await createApp(sut.api)).id;
      const healthy = (await createEndpoint(sut.api, other, { eventTypes: ['audit.*'] })).id;
      const broken = (
        await createEndpoint(sut.api, other, {
          eventTypes: ['audit.*'],
          filter: { actor: { $regex: '^adm' } },
        })
      ).id;
      // As if saved before a validation rule changed: lookahead is no longer accepted.
      await sut.db.query(
        `UPDATE subscription SET filter = '{"actor": {"$regex": "^(?=adm)"}}' WHERE endpoint_id = $1`,
        [broken],
      );
      sut.app.get(AppRoutingCache).invalidate(other);

      const routed = await route({ eventType: 'audit.logged', payload: { actor: 'admin' } }, other);
      const accepted = await sut.api.post(`/api/v1/apps/${other}/messages`, {
        eventType: 'audit.logged',
        payload: { actor: 'admin' },
      });

      expect(routed.status).toBe(200);
      expect(routed.body.endpoints.map((e) => e.endpointId)).toEqual([healthy]);
      expect(accepted.status).toBe(202);
    });
  });

  describe('routing cache across processes', () => {
    let second: TestApp;

    beforeAll(async () => {
      second = await startTestApp({ database: sut.database });
    });
    afterAll(() => second.close());

    it('a second process sees a new endpoint, a change and a deletion within a short time', async () => {
      const app = (await createApp(sut.api)).id;
      const cache = second.app.get(AppRoutingCache);
      expect(
        await until(
          async () => cache.listening,
          (up) => up,
        ),
      ).toBe(true);
      // Warm the second process's cache with the empty routing table: it is kept, not reloaded.
      const warm = await cache.matcherFor(app);
      expect(await cache.matcherFor(app)).toBe(warm);
      expect(warm.match('billing.charged', {})).toEqual([]);

      const endpoint = await createEndpoint(sut.api, app, { eventTypes: ['billing.*'] });
      const seen = await until(
        async () => (await cache.matcherFor(app)).match('billing.charged', {}),
        (m) => m.length === 1,
      );
      expect(seen.map((m) => m.endpointId)).toEqual([endpoint.id]);

      await sut.api.patch(`/api/v1/apps/${app}/endpoints/${endpoint.id}`, { disabled: true });
      expect(
        await until(
          async () => (await cache.matcherFor(app)).match('billing.charged', {}),
          (m) => m.length === 0,
        ),
      ).toEqual([]);
    });

    it('after losing its LISTEN connection, reconnects and still sees changes', async () => {
      const app = (await createApp(sut.api)).id;
      const cache = second.app.get(AppRoutingCache);
      await until(
        async () => cache.listening,
        (up) => up,
      );
      await cache.matcherFor(app);
      const killed = await sut.db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND query LIKE '%LISTEN hookrelay_routing%'`,
      );
      expect(killed.rowCount).toBe(2); // one LISTEN connection per process (NotificationHub)
      const endpoint = await createEndpoint(sut.api, app);
      const seen = await until(
        async () => (await cache.matcherFor(app)).match('any.thing', {}),
        (m) => m.length === 1,
      );
      expect(seen.map((m) => m.endpointId)).toEqual([endpoint.id]);
      expect(
        await until(
          async () => cache.listening,
          (up) => up,
          10_000,
        ),
      ).toBe(true);
    });

    it('shares one load between concurrent callers', async () => {
      const app = (await createApp(sut.api)).id;
      const cache = second.app.get(AppRoutingCache);
      const [a, b] = await Promise.all([cache.matcherFor(app), cache.matcherFor(app)]);
      expect(a).toBe(b);
    });
  });
});
