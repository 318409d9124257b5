import { eventually } from './delivery.fixtures';
import { createApp, createEndpoint, type EndpointView } from './support/builders';
import { startTestAppWithReceiver, type TestAppWithReceiver } from './support/test-app';

type Problem = { code: string; details: Array<{ field: string; message: string }> };
type SchemeView = EndpointView & { authTokenScheme: string };

/** authTokenScheme: "bearer" (default) or "raw" (the token is the whole Authorization value). */
describe('Endpoint authTokenScheme', () => {
  let sut: TestAppWithReceiver;
  let appId: string;

  beforeAll(async () => {
    sut = await startTestAppWithReceiver({ env: { WORKER_SWEEP_INTERVAL_MS: '200' } });
    appId = (await createApp(sut.api)).id;
  });
  afterAll(() => sut.close());

  const path = (endpointId = '') =>
    `/api/v1/apps/${appId}/endpoints${endpointId ? `/${endpointId}` : ''}`;
  const stored = async (id: string) =>
    (
      await sut.db.query<{ auth_token_scheme: string; auth_token_enc: Buffer | null }>(
        'SELECT auth_token_scheme, auth_token_enc FROM endpoint WHERE id = $1',
        [id],
      )
    ).rows[0];
  const authorizationOf = async (eventType: string, urlPath: string): Promise<unknown> => {
    const res = await sut.api.post(`/api/v1/apps/${appId}/messages`, {
      eventType,
      payload: { n: 1 },
    });
    expect(res.status).toBe(202);
    const messageId = (res.body as { id: string }).id;
    return eventually(
      async () =>
        sut.receiver.requests.find(
          (r) => r.path === urlPath && r.headers['webhook-id'] === messageId,
        )?.headers.authorization ?? undefined,
      20_000,
      `a delivery of ${messageId} to ${urlPath}`,
    );
  };

  describe('create', () => {
    it('defaults to bearer and shows it', async () => {
      const endpoint = (await createEndpoint(sut.api, appId, { authToken: 'tok_x' })) as SchemeView;

      expect(endpoint.authTokenScheme).toBe('bearer');
      expect((await stored(endpoint.id)).auth_token_scheme).toBe('bearer');
    });

    it('accepts raw with a token holding inner spaces, keeps it encrypted and never returns it', async () => {
      const token = 'Basic YWRhcHR5OnBhNTU=';
      const res = await sut.api.post<SchemeView>(path(), {
        url: 'https://example.com/adapty',
        authToken: token,
        authTokenScheme: 'raw',
      });

      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ authTokenScheme: 'raw', hasAuthToken: true });
      expect(JSON.stringify(res.body)).not.toContain('YWRhcHR5');
      const row = await stored(res.body.id);
      expect(row.auth_token_scheme).toBe('raw');
      expect(row.auth_token_enc?.toString('latin1')).not.toContain('YWRhcHR5');
    });

    it.each([
      ['an unknown scheme', { authToken: 'tok', authTokenScheme: 'basic' }, 'authTokenScheme'],
      ['a null scheme', { authToken: 'tok', authTokenScheme: null }, 'authTokenScheme'],
      ['raw without an authToken', { authTokenScheme: 'raw' }, 'authTokenScheme'],
      ['raw with a null authToken', { authTokenScheme: 'raw', authToken: null }, 'authTokenScheme'],
      ['a bearer token with a space', { authToken: 'Basic abc' }, 'authToken'],
      ['a raw token with CR/LF', { authTokenScheme: 'raw', authToken: 'a\r\nx-b: c' }, 'authToken'],
      [
        'a raw token with a leading space',
        { authTokenScheme: 'raw', authToken: ' abc' },
        'authToken',
      ],
      [
        'a raw token with a non-ASCII character',
        { authTokenScheme: 'raw', authToken: 'café' },
        'authToken',
      ],
    ])('answers 422 naming the field for %s, and creates nothing', async (_case, body, field) => {
      const before = await sut.db.query('SELECT count(*)::int AS n FROM endpoint');
      const res = await sut.api.post<Problem>(path(), { url: 'https://example.com/x', ...body });

      expect(res.status).toBe(422);
      expect(res.body.details.map((d) => d.field)).toContain(field);
      const after = await sut.db.query('SELECT count(*)::int AS n FROM endpoint');
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });
  });

  describe('PATCH', () => {
    it.each([
      ['a null scheme', { authToken: 'tok' }, { authTokenScheme: null }, 'authTokenScheme'],
      ['an unknown scheme', { authToken: 'tok' }, { authTokenScheme: 'Bearer' }, 'authTokenScheme'],
      ['raw on an endpoint without a token', {}, { authTokenScheme: 'raw' }, 'authTokenScheme'],
      [
        'removing the token of a raw endpoint',
        { authToken: 'tok', authTokenScheme: 'raw' },
        { authToken: null },
        'authToken',
      ],
      [
        'bearer while the stored raw token holds a space',
        { authToken: 'Basic abc', authTokenScheme: 'raw' },
        { authTokenScheme: 'bearer' },
        'authTokenScheme',
      ],
      [
        'a token with a space on a bearer endpoint',
        { authToken: 'tok' },
        { authToken: 'Basic abc' },
        'authToken',
      ],
    ])(
      'answers 422 naming the field for %s and changes nothing',
      async (_case, create, patch, field) => {
        const endpoint = await createEndpoint(sut.api, appId, create);
        const before = await stored(endpoint.id);
        const res = await sut.api.patch<Problem>(path(endpoint.id), patch);

        expect(res.status).toBe(422);
        expect(res.body.details.map((d) => d.field)).toContain(field);
        expect(await stored(endpoint.id)).toEqual(before);
      },
    );

    it('switches raw → bearer → raw, and each delivery carries the header of the moment', async () => {
      const urlPath = '/switch';
      const endpoint = await createEndpoint(sut.api, appId, {
        url: `${new URL(sut.receiver.url).origin}${urlPath}`,
        eventTypes: ['switch.*'],
        authToken: 'adapty-secret-123',
        authTokenScheme: 'raw',
      });
      expect(await authorizationOf('switch.one', urlPath)).toBe('adapty-secret-123');

      const toBearer = await sut.api.patch<SchemeView>(path(endpoint.id), {
        authTokenScheme: 'bearer',
      });
      expect(toBearer.status).toBe(200);
      expect(toBearer.body.authTokenScheme).toBe('bearer');
      expect(await authorizationOf('switch.two', urlPath)).toBe('Bearer adapty-secret-123');

      const toRaw = await sut.api.patch<SchemeView>(path(endpoint.id), {
        authTokenScheme: 'raw',
        authToken: 'Basic YWRhcHR5OnBhNTU=',
      });
      expect(toRaw.status).toBe(200);
      expect(toRaw.body.authTokenScheme).toBe('raw');
      expect(await authorizationOf('switch.three', urlPath)).toBe('Basic YWRhcHR5OnBhNTU=');
    });

    it('leaves the scheme alone when a PATCH does not name it', async () => {
      const endpoint = await createEndpoint(sut.api, appId, {
        authToken: 'tok',
        authTokenScheme: 'raw',
      });
      const res = await sut.api.patch<SchemeView>(path(endpoint.id), { authToken: 'other' });

      expect(res.status).toBe(200);
      expect(res.body.authTokenScheme).toBe('raw');
    });
  });

  it('is documented in OpenAPI on create, update and the response', async () => {
    type Schema = { properties: Record<string, { enum?: string[]; default?: string }> };
    const doc = await sut.api
      .withKey(null)
      .get<{ components: { schemas: Record<string, Schema> } }>('/docs-json');
    const schemas = doc.body.components.schemas;
    for (const name of ['CreateEndpointDto', 'UpdateEndpointDto', 'EndpointResponseDto'])
      expect(schemas[name].properties.authTokenScheme).toMatchObject({
        enum: ['bearer', 'raw'],
        default: 'bearer',
      });
  });
});
