import { request } from 'undici';
import { MAX_JSON_DEPTH } from '../src/common/validation/json-input-rules';
import { createApp, createEndpoint } from './support/builders';
import { startTestAppWithDatabase, TEST_ADMIN_KEY } from './support/test-app';

type ErrorBody = {
  code: string;
  message: string;
  details?: Array<{ field: string; message: string }>;
};

/** `{"a":{"a":…1…}}`: `depth` levels of objects. */
function nestedObject(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/**
 * Issue 17: inputs that froze the service or answered 500, and lenient inputs that were
 * accepted but should not be. Each case failed before the hardening.
 */
describe('Hardening: hostile and malformed input', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let appId: string;
  let endpointId: string;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ env: { ROLE: 'api' } });
    appId = (await createApp(sut.api)).id;
    endpointId = (await createEndpoint(sut.api, appId)).id;
  });
  afterAll(() => sut.close());

  const count = async (table: string): Promise<number> =>
    Number((await sut.db.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

  /** Sends raw bytes (invalid UTF-8 cannot travel through a JS string). */
  async function sendRaw(method: 'POST' | 'PATCH', path: string, body: Buffer | string) {
    const res = await request(`${sut.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
      body,
    });
    return { status: res.statusCode, body: (await res.body.json()) as ErrorBody };
  }

  describe('1. a JSON Schema pattern cannot freeze the process', () => {
    it('validates a catastrophic pattern against a long input at once (linear-time engine)', async () => {
      const created = await sut.api.post('/api/v1/event-types', {
        name: 'redos.check',
        schema: { properties: { s: { type: 'string', pattern: '^(a+)+$' } } },
      });
      const started = Date.now();

      const res = await sut.api.post<ErrorBody>(`/api/v1/apps/${appId}/messages`, {
        eventType: 'redos.check',
        payload: { s: 'a'.repeat(2_000) + '!' },
      });

      expect({
        created: created.status,
        status: res.status,
        field: res.body.details?.[0]?.field,
        fast: Date.now() - started < 5_000,
      }).toEqual({ created: 201, status: 422, field: 'payload.s', fast: true });
    });

    it('refuses a schema whose pattern the linear-time engine cannot run', async () => {
      const res = await sut.api.post<ErrorBody>('/api/v1/event-types', {
        name: 'redos.backreference',
        schema: { properties: { s: { type: 'string', pattern: '^(a)\\1$' } } },
      });

      expect({
        status: res.status,
        code: res.body.code,
        field: res.body.details?.[0]?.field,
      }).toEqual({
        status: 422,
        code: 'invalid_schema',
        field: 'schema',
      });
    });
  });

  describe(`2. nesting deeper than ${MAX_JSON_DEPTH} levels is refused at the body parser`, () => {
    it.each([
      ['apps', () => '/api/v1/apps'],
      ['event types', () => '/api/v1/event-types'],
      ['endpoints', () => `/api/v1/apps/${appId}/endpoints`],
      ['subscriptions', () => `/api/v1/apps/${appId}/endpoints/${endpointId}/subscriptions`],
      ['the routing test', () => `/api/v1/apps/${appId}/subscriptions/test`],
      ['recover', () => `/api/v1/apps/${appId}/endpoints/${endpointId}/recover`],
      ['rotate', () => `/api/v1/apps/${appId}/endpoints/${endpointId}/secret/rotate`],
      ['messages', () => `/api/v1/apps/${appId}/messages`],
      ['message batches', () => `/api/v1/apps/${appId}/messages/batch`],
    ])('%s: 10,000 levels answer 422 naming the limit', async (_route, path) => {
      const before = await count('message');

      const res = await sendRaw('POST', path(), `{"payload":${nestedObject(10_000)}}`);

      expect({
        status: res.status,
        code: res.body.code,
        details: res.body.details,
        written: (await count('message')) - before,
      }).toEqual({
        status: 422,
        code: 'too_deep',
        details: [{ field: 'body', message: expect.stringContaining(String(MAX_JSON_DEPTH)) }],
        written: 0,
      });
    });

    it('accepts a payload nested as deep as the limit allows and serves it back', async () => {
      const payload = nestedObject(MAX_JSON_DEPTH - 1); // the body's own object is one level
      const accepted = await sendRaw(
        'POST',
        `/api/v1/apps/${appId}/messages`,
        `{"eventType":"deep.ok","payload":${payload}}`,
      );
      const id = (accepted.body as unknown as { id: string }).id;

      const read = await sut.api.get(`/api/v1/apps/${appId}/messages/${id}`);

      expect({ accepted: accepted.status, read: read.status }).toEqual({
        accepted: 202,
        read: 200,
      });
    });
  });

  describe('5. NUL, lone surrogates and garbage cursors answer 4xx naming the field', () => {
    it.each([
      ['an app name with NUL', () => `/api/v1/apps`, { name: 'a\u0000b' }, 'name'],
      ['an app name with a lone surrogate', () => `/api/v1/apps`, { name: 'a\ud800' }, 'name'],
      [
        'app metadata with NUL',
        () => `/api/v1/apps`,
        { name: 'x', metadata: { k: '\u0000' } },
        'metadata.k',
      ],
      [
        'an event type description with NUL',
        () => '/api/v1/event-types',
        { name: 'nul.desc', description: '\u0000' },
        'description',
      ],
      [
        'an endpoint URL with NUL',
        () => `/api/v1/apps/${appId}/endpoints`,
        { url: 'https://example.com/\u0000' },
        'url',
      ],
      [
        'an endpoint description with a surrogate',
        () => `/api/v1/apps/${appId}/endpoints`,
        { url: 'https://example.com/', description: '\udfff' },
        'description',
      ],
      [
        'a filter value with NUL',
        () => `/api/v1/apps/${appId}/endpoints/${endpointId}/subscriptions`,
        { eventTypes: ['*'], filter: { a: '\u0000' } },
        'filter.a',
      ],
      [
        'a disabledReason with NUL',
        () => `/api/v1/apps/${appId}/endpoints`,
        { url: 'https://example.com/', disabled: true, disabledReason: 'x\u0000' },
        'disabledReason',
      ],
      [
        'an event type with NUL',
        () => `/api/v1/apps/${appId}/messages`,
        { eventType: 'a\u0000', payload: {} },
        'eventType',
      ],
    ])('%s', async (_case, path, body, field) => {
      const [apps, endpoints, types] = [
        await count('app'),
        await count('endpoint'),
        await count('event_type'),
      ];

      const res = await sut.api.post<ErrorBody>(path(), body);

      expect({
        status: res.status,
        field: res.body.details?.[0]?.field,
        written:
          (await count('app')) -
          apps +
          (await count('endpoint')) -
          endpoints +
          (await count('event_type')) -
          types,
      }).toEqual({ status: 422, field, written: 0 });
    });

    it.each([
      ['a query value', () => `/api/v1/apps/${appId}/messages?eventId=%00`, 'eventId'],
      ['a path parameter', () => `/api/v1/apps/%00/endpoints`, 'appId'],
    ])('%%00 in %s', async (_case, path, field) => {
      const res = await sut.api.get<ErrorBody>(path());

      expect({ status: res.status, field: res.body.details?.[0]?.field }).toEqual({
        status: 422,
        field,
      });
    });

    it.each([
      ['apps', () => '/api/v1/apps'],
      ['event types', () => '/api/v1/event-types'],
      ['endpoints', () => `/api/v1/apps/${appId}/endpoints`],
      ['subscriptions', () => `/api/v1/apps/${appId}/endpoints/${endpointId}/subscriptions`],
      ['messages', () => `/api/v1/apps/${appId}/messages`],
    ])('%s: a cursor that is not ours answers 400 invalid_cursor', async (_list, path) => {
      for (const cursor of ['AA', 'JyBPUiAxPTEgLS0']) {
        const res = await sut.api.get<ErrorBody>(`${path()}?cursor=${cursor}`);

        expect({ cursor, status: res.status, code: res.body.code }).toEqual({
          cursor,
          status: 400,
          code: 'invalid_cursor',
        });
      }
    });
  });

  describe('6. lenient input is refused', () => {
    it('refuses a payload that is not valid UTF-8 (the bytes signed must be the bytes received)', async () => {
      const before = await count('message');
      const body = Buffer.concat([
        Buffer.from('{"eventType":"utf8.bad","payload":{"s":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}}'),
      ]);

      const res = await sendRaw('POST', `/api/v1/apps/${appId}/messages`, body);

      expect({
        status: res.status,
        code: res.body.code,
        written: (await count('message')) - before,
      }).toEqual({
        status: 400,
        code: 'malformed_json',
        written: 0,
      });
    });

    it('refuses 1e400 in metadata instead of storing null', async () => {
      const res = await sendRaw('POST', '/api/v1/apps', '{"name":"big","metadata":{"n":1e400}}');

      expect({ status: res.status, field: res.body.details?.[0]?.field }).toEqual({
        status: 422,
        field: 'metadata.n',
      });
    });

    it.each([
      ['CR/LF', 'https://example.com/a\r\nb'],
      ['port 0', 'https://example.com:0/hook'],
    ])('refuses an endpoint URL with %s', async (_case, url) => {
      const res = await sut.api.post<ErrorBody>(`/api/v1/apps/${appId}/endpoints`, { url });

      expect({ status: res.status, field: res.body.details?.[0]?.field }).toEqual({
        status: 422,
        field: 'url',
      });
    });

    it.each([
      ['PATCH an app', 'PATCH' as const, () => `/api/v1/apps/${appId}`],
      [
        'rotate a secret',
        'POST' as const,
        () => `/api/v1/apps/${appId}/endpoints/${endpointId}/secret/rotate`,
      ],
    ])('%s with a null body answers 422', async (_case, method, path) => {
      const res = await sendRaw(method, path(), 'null');

      expect({ status: res.status, field: res.body.details?.[0]?.field }).toEqual({
        status: 422,
        field: 'body',
      });
    });

    it('refuses to rotate to {"key": null}, and keeps the secret', async () => {
      const path = `/api/v1/apps/${appId}/endpoints/${endpointId}/secret`;
      const before = (await sut.api.get<{ key: string }>(path)).body.key;

      const res = await sut.api.post<ErrorBody>(`${path}/rotate`, { key: null });

      expect({
        status: res.status,
        field: res.body.details?.[0]?.field,
        kept: (await sut.api.get<{ key: string }>(path)).body.key === before,
      }).toEqual({ status: 422, field: 'key', kept: true });
    });

    it('refuses a body on retry, which takes none', async () => {
      const res = await sut.api.post<ErrorBody>(
        `/api/v1/apps/${appId}/deliveries/dlv_01JD7X5K0Q3R6W8Y9Z0A1B2C3D/retry`,
        { force: true },
      );

      expect({ status: res.status, field: res.body.details?.[0]?.field }).toEqual({
        status: 422,
        field: 'force',
      });
    });

    it('names a missing app name as missing', async () => {
      const res = await sut.api.post<ErrorBody>('/api/v1/apps', {});

      expect(res.body.details).toEqual([{ field: 'name', message: 'name is required' }]);
    });

    it('names schema problems with `field`, as the README promises', async () => {
      const res = await sut.api.post<ErrorBody>('/api/v1/event-types', {
        name: 'schema.bad',
        schema: { type: 'no-such-type' },
      });

      expect({ status: res.status, fields: res.body.details?.map((d) => typeof d.field) }).toEqual({
        status: 422,
        fields: expect.arrayContaining(['string']),
      });
    });

    it('refuses an endpoint filter without eventTypes (it used to apply to "*")', async () => {
      const before = await count('endpoint');

      const res = await sut.api.post<ErrorBody>(`/api/v1/apps/${appId}/endpoints`, {
        url: 'https://example.com/filtered',
        filter: { plan: 'pro' },
      });

      expect({
        status: res.status,
        field: res.body.details?.[0]?.field,
        written: (await count('endpoint')) - before,
      }).toEqual({ status: 422, field: 'eventTypes', written: 0 });
    });
  });
});
