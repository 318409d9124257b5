import {
  AppSide,
  AuthWorld,
  CREDENTIALS,
  CredentialName,
  expectStatus,
  RouteKey,
  startAuthWorld,
} from './support/auth-world';
import { eventually } from './delivery.fixtures';

/**
 * The authorisation table: every route the running app serves × nine credentials, on app A's
 * resources, app B's, and app A's id with app B's nested ids — the exact status of each cell.
 * A route the table does not list fails the completeness test, so a new route must be added
 * here with the answers its declaration gives.
 *
 * Targets: `A` = app A and its endpoint listed by the one-endpoint session; `A2` = app A's
 * other endpoint (and its delivery, subscription); `B` = app B; `A×B` = app A's id with app
 * B's endpoint, subscription, message, delivery, session or key ids; `-` = no app in the path.
 */
type Target = 'A' | 'A2' | 'B' | 'A×B' | '-';

/** Statuses for admin, fullA, readA, oneEndpointA, fullB, producerA (invalid tokens: 401). */
type Six = [number, number, number, number, number, number];

interface Row {
  route: RouteKey;
  target: Target;
  statuses: Record<CredentialName, number>;
  body?: () => unknown;
  /**
   * For cells that will succeed on a destructive route: fresh resources (and, for the
   * one-endpoint session, a fresh session limited to the fresh endpoint) so the shared
   * fixtures survive.
   */
  fresh?: (w: AuthWorld, params: Params, cred: CredentialName) => Promise<Fresh>;
  /** Before each cell (e.g. let a retried delivery settle, or a retry answers 409). */
  before?: (w: AuthWorld, params: Params) => Promise<void>;
}

type Params = Record<string, string>;
interface Fresh {
  params?: Params;
  token?: string;
}

const INVALID = { expired: 401, revoked: 401, tampered: 401 };

const row = (
  route: RouteKey,
  target: Target,
  six: Six,
  options: Omit<Row, 'route' | 'target' | 'statuses'> = {},
): Row => {
  const [admin, fullA, readA, oneEndpointA, fullB, producerA] = six;
  return {
    route,
    target,
    statuses: { admin, fullA, readA, oneEndpointA, fullB, producerA, ...INVALID },
    ...options,
  };
};

/** The same answer for every credential, valid or not (public routes). */
const everyone = (route: RouteKey, status: number): Row => ({
  route,
  target: '-',
  statuses: Object.fromEntries(CREDENTIALS.map((c) => [c, status])) as Record<
    CredentialName,
    number
  >,
});

let sequence = 0;
const unique = (what: string): string => `${what}-${Date.now()}-${++sequence}`;

function paramsFor(w: AuthWorld, target: Target): Params {
  const side = (s: AppSide, other: boolean): Params => ({
    appId: s.appId,
    endpointId: other ? s.otherEndpointId : s.endpointId,
    subscriptionId: other ? s.otherSubscriptionId : s.subscriptionId,
    messageId: s.messageId,
    deliveryId: other ? s.otherDeliveryId : s.deliveryId,
    sessionId: s.sessionId,
    keyId: s.apiKeyId,
    name: w.eventType,
  });
  switch (target) {
    case 'A':
      return side(w.a, false);
    case 'A2':
      return side(w.a, true);
    case 'B':
      return side(w.b, false);
    case 'A×B':
      return { ...side(w.b, false), appId: w.a.appId };
    case '-':
      return { name: w.eventType };
  }
}

const created = async (res: Promise<{ status: number; body: unknown }>): Promise<string> => {
  const answer = await res;
  expectStatus(answer, 201);
  return (answer.body as { id: string }).id;
};

const freshApp: Row['fresh'] = async (w) => ({
  params: { appId: await created(w.admin.post('/api/v1/apps', { name: unique('app') })) },
});
const freshEventType: Row['fresh'] = async (w) => {
  const name = unique('gone').replace(/-/g, '.');
  expectStatus(await w.admin.post('/api/v1/event-types', { name }), 201);
  return { params: { name } };
};
const freshEndpoint: Row['fresh'] = async (w, params, cred) => {
  const endpointId = await created(
    w.admin.post(`/api/v1/apps/${params.appId}/endpoints`, { url: 'https://example.com/x' }),
  );
  if (cred !== 'oneEndpointA') return { params: { endpointId } };
  const token = await w.mintSession(params.appId, { endpointIds: [endpointId] });
  return { params: { endpointId }, token };
};
const freshSubscription: Row['fresh'] = async (w, params) => ({
  params: {
    subscriptionId: await created(
      w.admin.post(`/api/v1/apps/${params.appId}/endpoints/${params.endpointId}/subscriptions`, {
        eventTypes: ['*'],
      }),
    ),
  },
});
const freshSession: Row['fresh'] = async (w, params) => ({
  params: {
    sessionId: await created(w.admin.post(`/api/v1/apps/${params.appId}/portal-sessions`, {})),
  },
});
const freshKey: Row['fresh'] = async (w, params) => ({
  params: {
    keyId: await created(
      w.admin.post(`/api/v1/apps/${params.appId}/api-keys`, {
        name: 'spare',
        capabilities: ['messages:read'],
      }),
    ),
  },
});
const settled: Row['before'] = async (w, params) => {
  await eventually(
    async () => {
      const { rows } = await w.db.query<{ status: string }>(
        'SELECT status FROM delivery WHERE id = $1',
        [params.deliveryId],
      );
      return rows[0]?.status !== 'pending' && rows[0]?.status !== 'delivering';
    },
    30_000,
    'the retried delivery to settle',
  );
};

const message = () => ({ eventType: 'order.created', payload: { order: 2 } });
const since = () => ({ since: new Date(Date.now() - 3_600_000).toISOString() });
const testEvent = () => ({ eventType: 'order.created', payload: { order: 3 } });

// prettier-ignore
const TABLE: Row[] = [
  // route                                                              target  admin fullA readA 1epA fullB prodA
  row('POST /api/v1/apps',                                               '-',   [201, 403, 403, 403, 403, 403], { body: () => ({ name: unique('app') }) }),
  row('GET /api/v1/apps',                                                '-',   [200, 403, 403, 403, 403, 403]),
  row('GET /api/v1/apps/{appId}',                                        'A',   [200, 403, 403, 403, 404, 403]),
  row('GET /api/v1/apps/{appId}',                                        'B',   [200, 404, 404, 404, 403, 404]),
  row('PATCH /api/v1/apps/{appId}',                                      'A',   [200, 403, 403, 403, 404, 403], { body: () => ({ name: 'renamed' }) }),
  row('PATCH /api/v1/apps/{appId}',                                      'B',   [200, 404, 404, 404, 403, 404], { body: () => ({ name: 'renamed' }) }),
  row('DELETE /api/v1/apps/{appId}',                                     'A',   [204, 403, 403, 403, 404, 403], { fresh: freshApp }),
  row('DELETE /api/v1/apps/{appId}',                                     'B',   [204, 404, 404, 404, 403, 404], { fresh: freshApp }),

  row('POST /api/v1/event-types',                                        '-',   [201, 403, 403, 403, 403, 403], { body: () => ({ name: unique('t').replace(/-/g, '.') }) }),
  row('GET /api/v1/event-types',                                         '-',   [200, 200, 200, 200, 200, 403]),
  row('GET /api/v1/event-types/{name}',                                  '-',   [200, 200, 200, 200, 200, 403]),
  row('PATCH /api/v1/event-types/{name}',                                '-',   [200, 403, 403, 403, 403, 403], { body: () => ({ description: 'orders' }) }),
  row('DELETE /api/v1/event-types/{name}',                               '-',   [204, 403, 403, 403, 403, 403], { fresh: freshEventType }),

  row('POST /api/v1/apps/{appId}/endpoints',                             'A',   [201, 201, 403, 403, 404, 403], { body: () => ({ url: 'https://example.com/new' }) }),
  row('POST /api/v1/apps/{appId}/endpoints',                             'B',   [201, 404, 404, 404, 201, 404], { body: () => ({ url: 'https://example.com/new' }) }),
  row('GET /api/v1/apps/{appId}/endpoints',                              'A',   [200, 200, 200, 200, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints',                              'B',   [200, 404, 404, 404, 200, 404]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}',                 'A',   [200, 200, 200, 200, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}',                 'A2',  [200, 200, 200, 404, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}',                 'B',   [200, 404, 404, 404, 200, 404]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}',                 'A×B', [404, 404, 404, 404, 404, 403]),
  row('PATCH /api/v1/apps/{appId}/endpoints/{endpointId}',               'A',   [200, 200, 403, 200, 404, 403], { body: () => ({ description: 'edited' }) }),
  row('PATCH /api/v1/apps/{appId}/endpoints/{endpointId}',               'A2',  [200, 200, 403, 404, 404, 403], { body: () => ({ description: 'edited' }) }),
  row('PATCH /api/v1/apps/{appId}/endpoints/{endpointId}',               'B',   [200, 404, 404, 404, 200, 404], { body: () => ({ description: 'edited' }) }),
  row('PATCH /api/v1/apps/{appId}/endpoints/{endpointId}',               'A×B', [404, 404, 403, 404, 404, 403], { body: () => ({ description: 'edited' }) }),
  row('DELETE /api/v1/apps/{appId}/endpoints/{endpointId}',              'A',   [204, 204, 403, 204, 404, 403], { fresh: freshEndpoint }),
  row('DELETE /api/v1/apps/{appId}/endpoints/{endpointId}',              'A2',  [204, 204, 403, 404, 404, 403], { fresh: freshEndpoint }),
  row('DELETE /api/v1/apps/{appId}/endpoints/{endpointId}',              'B',   [204, 404, 404, 404, 204, 404], { fresh: freshEndpoint }),
  row('DELETE /api/v1/apps/{appId}/endpoints/{endpointId}',              'A×B', [404, 404, 403, 404, 404, 403]),

  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/secret',          'A',   [200, 200, 403, 200, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/secret',          'A2',  [200, 200, 403, 404, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/secret',          'B',   [200, 404, 404, 404, 200, 404]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/secret',          'A×B', [404, 404, 403, 404, 404, 403]),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/secret/rotate',  'A',   [200, 200, 403, 200, 404, 403], { body: () => ({}) }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/secret/rotate',  'A2',  [200, 200, 403, 404, 404, 403], { body: () => ({}) }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/secret/rotate',  'B',   [200, 404, 404, 404, 200, 404], { body: () => ({}) }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/secret/rotate',  'A×B', [404, 404, 403, 404, 404, 403], { body: () => ({}) }),

  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions',  'A',   [201, 201, 403, 201, 404, 403], { body: () => ({ eventTypes: ['order.*'] }) }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions',  'A2',  [201, 201, 403, 404, 404, 403], { body: () => ({ eventTypes: ['order.*'] }) }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions',  'B',   [201, 404, 404, 404, 201, 404], { body: () => ({ eventTypes: ['order.*'] }) }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions',  'A×B', [404, 404, 403, 404, 404, 403], { body: () => ({ eventTypes: ['order.*'] }) }),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions',   'A',   [200, 200, 200, 200, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions',   'A2',  [200, 200, 200, 404, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions',   'B',   [200, 404, 404, 404, 200, 404]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions',   'A×B', [404, 404, 404, 404, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions/{subscriptionId}',    'A',   [200, 200, 200, 200, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions/{subscriptionId}',    'A2',  [200, 200, 200, 404, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions/{subscriptionId}',    'B',   [200, 404, 404, 404, 200, 404]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions/{subscriptionId}',    'A×B', [404, 404, 404, 404, 404, 403]),
  row('PATCH /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions/{subscriptionId}',  'A',   [200, 200, 403, 200, 404, 403], { body: () => ({ eventTypes: ['order.created'] }) }),
  row('PATCH /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions/{subscriptionId}',  'A2',  [200, 200, 403, 404, 404, 403], { body: () => ({ eventTypes: ['order.created'] }) }),
  row('PATCH /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions/{subscriptionId}',  'B',   [200, 404, 404, 404, 200, 404], { body: () => ({ eventTypes: ['order.created'] }) }),
  row('PATCH /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions/{subscriptionId}',  'A×B', [404, 404, 403, 404, 404, 403], { body: () => ({ eventTypes: ['order.created'] }) }),
  row('DELETE /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions/{subscriptionId}', 'A',   [204, 204, 403, 204, 404, 403], { fresh: freshSubscription }),
  row('DELETE /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions/{subscriptionId}', 'A2',  [204, 204, 403, 404, 404, 403], { fresh: freshSubscription }),
  row('DELETE /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions/{subscriptionId}', 'B',   [204, 404, 404, 404, 204, 404], { fresh: freshSubscription }),
  row('DELETE /api/v1/apps/{appId}/endpoints/{endpointId}/subscriptions/{subscriptionId}', 'A×B', [404, 404, 403, 404, 404, 403]),
  row('POST /api/v1/apps/{appId}/subscriptions/test',                    'A',   [200, 200, 403, 403, 404, 403], { body: () => ({ eventType: 'order.created', payload: {} }) }),
  row('POST /api/v1/apps/{appId}/subscriptions/test',                    'B',   [200, 404, 404, 404, 200, 404], { body: () => ({ eventType: 'order.created', payload: {} }) }),

  row('POST /api/v1/apps/{appId}/messages',                              'A',   [202, 202, 403, 403, 404, 202], { body: message }),
  row('POST /api/v1/apps/{appId}/messages',                              'B',   [202, 404, 404, 404, 202, 404], { body: message }),
  row('POST /api/v1/apps/{appId}/messages/batch',                        'A',   [202, 202, 403, 403, 404, 202], { body: () => ({ messages: [message()] }) }),
  row('POST /api/v1/apps/{appId}/messages/batch',                        'B',   [202, 404, 404, 404, 202, 404], { body: () => ({ messages: [message()] }) }),
  row('GET /api/v1/apps/{appId}/messages',                               'A',   [200, 200, 200, 403, 404, 403]),
  row('GET /api/v1/apps/{appId}/messages',                               'B',   [200, 404, 404, 404, 200, 404]),
  row('GET /api/v1/apps/{appId}/messages/{messageId}',                   'A',   [200, 200, 200, 403, 404, 403]),
  row('GET /api/v1/apps/{appId}/messages/{messageId}',                   'B',   [200, 404, 404, 404, 200, 404]),
  row('GET /api/v1/apps/{appId}/messages/{messageId}',                   'A×B', [404, 404, 404, 403, 404, 403]),

  row('GET /api/v1/apps/{appId}/messages/{messageId}/deliveries',        'A',   [200, 200, 200, 200, 404, 403]),
  row('GET /api/v1/apps/{appId}/messages/{messageId}/deliveries',        'B',   [200, 404, 404, 404, 200, 404]),
  row('GET /api/v1/apps/{appId}/messages/{messageId}/deliveries',        'A×B', [404, 404, 404, 404, 404, 403]),
  row('GET /api/v1/apps/{appId}/messages/{messageId}/attempts',          'A',   [200, 200, 200, 200, 404, 403]),
  row('GET /api/v1/apps/{appId}/messages/{messageId}/attempts',          'B',   [200, 404, 404, 404, 200, 404]),
  row('GET /api/v1/apps/{appId}/messages/{messageId}/attempts',          'A×B', [404, 404, 404, 404, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/attempts',        'A',   [200, 200, 200, 200, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/attempts',        'A2',  [200, 200, 200, 404, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/attempts',        'B',   [200, 404, 404, 404, 200, 404]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/attempts',        'A×B', [404, 404, 404, 404, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/stats',           'A',   [200, 200, 200, 200, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/stats',           'A2',  [200, 200, 200, 404, 404, 403]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/stats',           'B',   [200, 404, 404, 404, 200, 404]),
  row('GET /api/v1/apps/{appId}/endpoints/{endpointId}/stats',           'A×B', [404, 404, 404, 404, 404, 403]),
  row('POST /api/v1/apps/{appId}/deliveries/{deliveryId}/retry',         'A',   [202, 202, 403, 202, 404, 403], { before: settled }),
  row('POST /api/v1/apps/{appId}/deliveries/{deliveryId}/retry',         'A2',  [202, 202, 403, 404, 404, 403], { before: settled }),
  row('POST /api/v1/apps/{appId}/deliveries/{deliveryId}/retry',         'B',   [202, 404, 404, 404, 202, 404], { before: settled }),
  row('POST /api/v1/apps/{appId}/deliveries/{deliveryId}/retry',         'A×B', [404, 404, 403, 404, 404, 403]),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/recover',        'A',   [202, 202, 403, 202, 404, 403], { body: since }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/recover',        'A2',  [202, 202, 403, 404, 404, 403], { body: since }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/recover',        'B',   [202, 404, 404, 404, 202, 404], { body: since }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/recover',        'A×B', [404, 404, 403, 404, 404, 403], { body: since }),

  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/test',           'A',   [200, 200, 403, 200, 404, 403], { body: testEvent }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/test',           'A2',  [200, 200, 403, 404, 404, 403], { body: testEvent }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/test',           'B',   [200, 404, 404, 404, 200, 404], { body: testEvent }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/test',           'A×B', [404, 404, 403, 404, 404, 403], { body: testEvent }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/replay',         'A',   [200, 200, 403, 200, 404, 403], { body: since }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/replay',         'A2',  [200, 200, 403, 404, 404, 403], { body: since }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/replay',         'B',   [200, 404, 404, 404, 200, 404], { body: since }),
  row('POST /api/v1/apps/{appId}/endpoints/{endpointId}/replay',         'A×B', [404, 404, 403, 404, 404, 403], { body: since }),

  row('POST /api/v1/apps/{appId}/portal-sessions',                       'A',   [201, 403, 403, 403, 404, 403], { body: () => ({}) }),
  row('POST /api/v1/apps/{appId}/portal-sessions',                       'B',   [201, 404, 404, 404, 403, 404], { body: () => ({}) }),
  row('DELETE /api/v1/apps/{appId}/portal-sessions/{sessionId}',         'A',   [204, 403, 403, 403, 404, 403], { fresh: freshSession }),
  row('DELETE /api/v1/apps/{appId}/portal-sessions/{sessionId}',         'B',   [204, 404, 404, 404, 403, 404], { fresh: freshSession }),
  row('DELETE /api/v1/apps/{appId}/portal-sessions/{sessionId}',         'A×B', [404, 403, 403, 403, 404, 403]),
  row('POST /api/v1/apps/{appId}/api-keys',                              'A',   [201, 403, 403, 403, 404, 403], { body: () => ({ name: 'k', capabilities: ['messages:write'] }) }),
  row('POST /api/v1/apps/{appId}/api-keys',                              'B',   [201, 404, 404, 404, 403, 404], { body: () => ({ name: 'k', capabilities: ['messages:write'] }) }),
  row('GET /api/v1/apps/{appId}/api-keys',                               'A',   [200, 403, 403, 403, 404, 403]),
  row('GET /api/v1/apps/{appId}/api-keys',                               'B',   [200, 404, 404, 404, 403, 404]),
  row('DELETE /api/v1/apps/{appId}/api-keys/{keyId}',                    'A',   [204, 403, 403, 403, 404, 403], { fresh: freshKey }),
  row('DELETE /api/v1/apps/{appId}/api-keys/{keyId}',                    'B',   [204, 404, 404, 404, 403, 404], { fresh: freshKey }),
  row('DELETE /api/v1/apps/{appId}/api-keys/{keyId}',                    'A×B', [404, 403, 403, 403, 404, 403]),
  row('GET /api/v1/portal/session',                                      '-',   [403, 200, 200, 200, 200, 403]),

  row('GET /api/v1/overview',                                            '-',   [200, 403, 403, 403, 403, 403]),
  row('GET /api/v1/overview/troubled-endpoints',                         '-',   [200, 403, 403, 403, 403, 403]),

  everyone('GET /api/v1/outbound-ips', 200),
  everyone('GET /health/live', 200),
  everyone('GET /health/ready', 200),
  { ...everyone('GET /metrics', 401), statuses: { ...everyone('GET /metrics', 401).statuses, admin: 200 } },
];

const isDocumentRoute = (route: RouteKey): boolean => / \/docs([/-]|$)/.test(route);

describe('Authorisation, route by route and credential by credential', () => {
  let w: AuthWorld & { close(): Promise<void> };

  beforeAll(async () => {
    w = await startAuthWorld();
  }, 180_000);
  afterAll(async () => {
    await w?.close();
  });

  describe('the table covers the API', () => {
    it('has rows for every route the running app serves (a new route must be added)', () => {
      const tabled = new Set(TABLE.map((r) => r.route));

      const missing = [...w.routes].filter((r) => !isDocumentRoute(r) && !tabled.has(r));

      expect(missing).toEqual([]);
    });

    it('lists no route the app does not serve', () => {
      expect(TABLE.map((r) => r.route).filter((r) => !w.routes.has(r))).toEqual([]);
    });

    it("tries every app route on app A's and app B's resources", () => {
      const appRoutes = [...new Set(TABLE.map((r) => r.route))].filter((r) =>
        r.includes('{appId}'),
      );
      const targets = (route: RouteKey) =>
        TABLE.filter((r) => r.route === route).map((r) => r.target);

      expect(
        appRoutes.filter((r) => !targets(r).includes('A') || !targets(r).includes('B')),
      ).toEqual([]);
    });

    it("tries every route with a nested id with app B's ids under app A", () => {
      const nested = [...new Set(TABLE.map((r) => r.route))].filter((r) =>
        /\{appId\}.*\{(?!appId)\w+\}/.test(r),
      );

      expect(
        nested.filter((route) => !TABLE.some((r) => r.route === route && r.target === 'A×B')),
      ).toEqual([]);
    });
  });

  it('answers every cell with its expected status', async () => {
    const wrong: string[] = [];
    for (const r of TABLE) {
      for (const cred of CREDENTIALS) {
        const expected = r.statuses[cred];
        let params = paramsFor(w, r.target);
        let token = w.tokens[cred];
        if (r.fresh !== undefined && expected >= 200 && expected < 300) {
          const fresh = await r.fresh(w, params, cred);
          params = { ...params, ...fresh.params };
          token = fresh.token ?? token;
        }
        if (r.before !== undefined) await r.before(w, params);
        const [method, template] = r.route.split(' ') as [
          'GET' | 'POST' | 'PATCH' | 'DELETE',
          string,
        ];
        const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
          if (params[name] === undefined) throw new Error(`no ${name} for ${r.route}`);
          return encodeURIComponent(params[name]);
        });
        const res = await w.as(token).send(method, path, r.body?.());
        if (res.status !== expected)
          wrong.push(
            `${r.route} [${r.target}] as ${cred}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body)}`,
          );
      }
    }

    expect(wrong).toEqual([]);
  }, 300_000);
});
