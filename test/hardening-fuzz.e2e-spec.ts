import fc from 'fast-check';
import { request } from 'undici';
import { createApp, createEndpoint, createSubscription } from './support/builders';
import { startTestAppWithDatabase, TEST_ADMIN_KEY } from './support/test-app';

/**
 * Issue 17's fuzz test: generated bodies (JSON of any depth, strings with NUL and lone
 * surrogates, numbers out of range, bytes that are not UTF-8, objects with the real field
 * names and random values) and random path/query values thrown at every write and list route.
 * Whatever the input: never a 500, and a refused request (4xx) writes nothing.
 */

/** Every table a request could write to. */
const TABLES = ['app', 'event_type', 'endpoint', 'subscription', 'message', 'delivery', 'attempt'];
const RUNS_PER_ROUTE = 40;
const FUZZ_TIMEOUT_MS = 300_000;

/** Any UTF-16 code unit, NUL and lone surrogates included. */
const anyChar = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const hostileString = fc.oneof(
  fc.string({ unit: anyChar, maxLength: 20 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfff',
    '😀',
    '',
    ' ',
    'https://example.com/h',
  ),
  fc.string({ maxLength: 20 }),
);
const FIELD_NAMES = [
  'name',
  'uid',
  'metadata',
  'description',
  'url',
  'eventTypes',
  'filter',
  'payload',
  'eventType',
  'eventId',
  'messages',
  'schema',
  'key',
  'since',
  'disabled',
  'disabledReason',
  'headers',
  'rateLimit',
  'retrySchedule',
  'authToken',
  'secret',
  'archived',
];

const leaf = fc.oneof(hostileString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('json'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom(...FIELD_NAMES)), tie('json'), {
      maxKeys: 4,
    }),
  ),
}));

/** `depth` levels of arrays or objects around a value: depths far past any limit. */
const deepJson = fc
  .tuple(fc.integer({ min: 1, max: 3_000 }), fc.boolean(), leaf)
  .map(([depth, arrays, inner]) =>
    arrays
      ? '['.repeat(depth) + JSON.stringify(inner) + ']'.repeat(depth)
      : '{"payload":'.repeat(depth) + JSON.stringify(inner) + '}'.repeat(depth),
  );

/** Objects shaped like the API's bodies: real field names, hostile values. */
const fieldShaped = fc.dictionary(fc.constantFrom(...FIELD_NAMES), json, { maxKeys: 5 });

const body: fc.Arbitrary<string | Buffer> = fc.oneof(
  fieldShaped.map((o) => JSON.stringify(o)),
  json.map((v) => JSON.stringify(v) ?? 'null'),
  deepJson,
  fc.constantFrom(
    'null',
    '{"name":"n","metadata":{"n":1e400}}',
    '{"name":"\\u0000"}',
    '{"eventType":"a.b","payload":{"a":"\\ud800"}}',
    '{"url":"https://example.com:0/"}',
  ),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  fc
    .tuple(fieldShaped, fc.uint8Array({ minLength: 1, maxLength: 4 }))
    .map(([o, bytes]) =>
      Buffer.concat([
        Buffer.from(JSON.stringify(o).slice(0, -1) + ',"x":"'),
        Buffer.from(bytes),
        Buffer.from('"}'),
      ]),
    ),
);

/**
 * A path or query value: random bytes, percent-encoded (so NUL and broken UTF-8 get through),
 * or one of the values known to have broken something (NUL, a lone surrogate's bytes, a
 * cursor decoding to garbage or to SQL).
 */
const rawValue = fc.oneof(
  fc
    .uint8Array({ minLength: 1, maxLength: 12 })
    .map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  fc.constantFrom(
    '%00',
    'a%00b',
    'AA',
    'JyBPUiAxPTEgLS0',
    '%ED%A0%80',
    '%C3%28',
    '%FF',
    '-1',
    '1e400',
  ),
);

describe('Hardening: fuzzing every write and list route', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let ids: { app: string; endpoint: string; subscription: string; message: string };

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ env: { ROLE: 'api' } });
    const app = (await createApp(sut.api)).id;
    const endpoint = (await createEndpoint(sut.api, app)).id;
    const subscription = (await createSubscription(sut.api, app, endpoint)).id;
    await sut.api.post('/api/v1/event-types', { name: 'fuzz.typed', schema: { type: 'object' } });
    const message = (
      await sut.api.post<{ id: string }>(`/api/v1/apps/${app}/messages`, {
        eventType: 'fuzz.typed',
        payload: {},
      })
    ).body.id;
    ids = { app, endpoint, subscription, message };
  }, 60_000);
  afterAll(() => sut.close());

  async function rowCounts(): Promise<Record<string, number>> {
    const sql = `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`;
    return (await sut.db.query<Record<string, number>>(sql)).rows[0];
  }

  async function send(method: string, path: string, payload?: string | Buffer) {
    const res = await request(`${sut.baseUrl}${path}`, {
      method: method as 'GET',
      headers: {
        authorization: `Bearer ${TEST_ADMIN_KEY}`,
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: payload,
    });
    return { status: res.statusCode, text: await res.body.text() };
  }

  type Route = [string, 'POST' | 'PATCH', (v: string) => string];
  const writeRoutes: Route[] = [
    ['POST apps', 'POST', () => '/api/v1/apps'],
    ['PATCH app', 'PATCH', (v) => `/api/v1/apps/${v}`],
    ['POST event-types', 'POST', () => '/api/v1/event-types'],
    ['PATCH event-type', 'PATCH', (v) => `/api/v1/event-types/${v}`],
    ['POST endpoints', 'POST', (v) => `/api/v1/apps/${v}/endpoints`],
    ['PATCH endpoint', 'PATCH', (v) => `/api/v1/apps/${ids.app}/endpoints/${v}`],
    ['POST rotate', 'POST', (v) => `/api/v1/apps/${ids.app}/endpoints/${v}/secret/rotate`],
    ['POST subscriptions', 'POST', (v) => `/api/v1/apps/${ids.app}/endpoints/${v}/subscriptions`],
    [
      'PATCH subscription',
      'PATCH',
      (v) => `/api/v1/apps/${ids.app}/endpoints/${ids.endpoint}/subscriptions/${v}`,
    ],
    ['POST routing test', 'POST', (v) => `/api/v1/apps/${v}/subscriptions/test`],
    ['POST messages', 'POST', (v) => `/api/v1/apps/${v}/messages`],
    ['POST messages batch', 'POST', (v) => `/api/v1/apps/${v}/messages/batch`],
    ['POST retry', 'POST', (v) => `/api/v1/apps/${ids.app}/deliveries/${v}/retry`],
    ['POST recover', 'POST', (v) => `/api/v1/apps/${ids.app}/endpoints/${v}/recover`],
  ];
  /** The route's real id (most runs) or a hostile one. */
  const realIdFor = (name: string): string =>
    name.includes('event-type')
      ? 'fuzz.typed'
      : name.includes('subscription ') || name === 'PATCH subscription'
        ? ids.subscription
        : /endpoint|rotate|subscriptions|recover/.test(name)
          ? ids.endpoint
          : name.includes('retry')
            ? 'dlv_01JD7X5K0Q3R6W8Y9Z0A1B2C3D'
            : ids.app;

  it.each(writeRoutes)(
    '%s: never a 500, and a refused request writes nothing',
    async (name, method, path) => {
      await fc.assert(
        fc.asyncProperty(body, fc.option(rawValue, { freq: 4 }), async (payload, hostileId) => {
          const before = await rowCounts();
          const res = await send(method, path(hostileId ?? realIdFor(name)), payload);
          const after = await rowCounts();

          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(after).toEqual(before);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  const listRoutes: Array<[string, (v: string) => string]> = [
    ['GET apps', () => '/api/v1/apps'],
    ['GET event-types', () => '/api/v1/event-types'],
    ['GET endpoints', (v) => `/api/v1/apps/${v}/endpoints`],
    ['GET subscriptions', (v) => `/api/v1/apps/${ids.app}/endpoints/${v}/subscriptions`],
    ['GET messages', (v) => `/api/v1/apps/${v}/messages`],
    ['GET message deliveries', (v) => `/api/v1/apps/${ids.app}/messages/${v}/deliveries`],
    ['GET message attempts', (v) => `/api/v1/apps/${ids.app}/messages/${v}/attempts`],
    ['GET endpoint attempts', (v) => `/api/v1/apps/${ids.app}/endpoints/${v}/attempts`],
  ];
  const QUERY_NAMES = [
    'limit',
    'cursor',
    'eventType',
    'eventId',
    'after',
    'before',
    'status',
    'disabled',
    'archived',
    'x',
  ];

  it.each(listRoutes)(
    '%s: never a 500 for any path or query value',
    async (name, path) => {
      const realId = /subscriptions|endpoint attempts/.test(name)
        ? ids.endpoint
        : /message /.test(name)
          ? ids.message
          : ids.app;
      await fc.assert(
        fc.asyncProperty(
          fc.option(rawValue, { freq: 3 }),
          fc.array(
            fc.tuple(
              fc.constantFrom(...QUERY_NAMES),
              fc.oneof(rawValue, fc.string({ maxLength: 8 }).map(encodeURIComponent)),
            ),
            { maxLength: 3 },
          ),
          async (hostileId, query) => {
            const search = query.map(([k, v]) => `${k}=${v}`).join('&');
            const res = await send(
              'GET',
              `${path(hostileId ?? realId)}${search ? `?${search}` : ''}`,
            );

            expect(res.status).toBeLessThan(500);
          },
        ),
        { numRuns: RUNS_PER_ROUTE },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
