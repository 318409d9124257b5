import { FakeClock } from '../src/common/clock';
import { SecretBox } from '../src/common/crypto/secret-box';
import { isValidSigningSecret } from '../src/common/signing-secret';
import {
  createApp,
  createEndpoint,
  EndpointView,
  listSubscriptions,
  PageView,
} from './support/builders';
import { startReceiver } from './support/receiver';
import { startTestAppWithDatabase, TEST_ENCRYPTION_KEY } from './support/test-app';
import { deliveriesOf, placeDelivery } from './support/queue-probe';

type Problem = { code: string; details: Array<{ field: string; message: string }> };
const HOUR = 3_600_000;

describe('Endpoints API', () => {
  const clock = new FakeClock();
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let appId: string;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ clock });
    appId = (await createApp(sut.api)).id;
  });
  afterAll(() => sut.close());

  const path = (endpointId = '') =>
    `/api/v1/apps/${appId}/endpoints${endpointId ? `/${endpointId}` : ''}`;
  const count = async (table: string) =>
    Number((await sut.db.query(`SELECT count(*) FROM ${table}`)).rows[0].count);
  const row = async (id: string) =>
    (
      await sut.db.query<{
        secret_enc: Buffer;
        previous_secret_enc: Buffer | null;
        previous_secret_expires_at: Date | null;
        auth_token_enc: Buffer | null;
        headers: unknown;
        retry_schedule: number[] | null;
      }>('SELECT * FROM endpoint WHERE id = $1', [id])
    ).rows[0];

  describe('create', () => {
    it('answers 201 with the endpoint, without secret or token', async () => {
      const res = await sut.api.post<EndpointView & Record<string, unknown>>(path(), {
        url: 'https://example.com/hook',
        description: 'orders',
        headers: { 'x-tenant': 'acme' },
        authToken: 'tok_0123456789abcdef',
        rateLimit: 50,
        retrySchedule: ['5m', '15m', '1h'],
        signatureHeader: 'nami-signature',
        metadata: { team: 'ops' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        appId,
        url: 'https://example.com/hook',
        description: 'orders',
        disabled: false,
        disabledReason: null,
        headers: { 'x-tenant': 'acme' },
        hasAuthToken: true,
        authTokenHint: '…cdef',
        rateLimit: 50,
        retrySchedule: ['5m', '15m', '1h'],
        signatureHeader: 'nami-signature',
        metadata: { team: 'ops' },
      });
      expect(res.body.id).toMatch(/^ep_[0-9A-Z]{26}$/);
      expect(JSON.stringify(res.body)).not.toContain('tok_0123456789abcdef');
      expect(JSON.stringify(res.body)).not.toContain('whsec_');
      expect((await row(res.body.id)).retry_schedule).toEqual([300, 900, 3600]);
    });

    it('gives the endpoint a catch-all first subscription by default', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      expect(
        (await listSubscriptions(sut.api, appId, endpoint.id)).map((s) => s.eventTypes),
      ).toEqual([['*']]);
    });

    it('makes eventTypes and filter the first subscription', async () => {
      const endpoint = await createEndpoint(sut.api, appId, {
        eventTypes: ['invoice.*'],
        filter: { amount: { $gte: 100 } },
      });
      expect(await listSubscriptions(sut.api, appId, endpoint.id)).toMatchObject([
        { eventTypes: ['invoice.*'], filter: { amount: { $gte: 100 } } },
      ]);
    });

    it('answers 404 for an unknown app', async () => {
      expect(
        (
          await sut.api.post('/api/v1/apps/app_01ARZ3NDEKTSV4RRFFQ69G5FAV/endpoints', {
            url: 'https://example.com/',
          })
        ).status,
      ).toBe(404);
    });

    it.each([
      ['a missing url', {}, 'url'],
      ['a non-http url', { url: 'ftp://example.com/' }, 'url'],
      ['a url with credentials', { url: 'https://user:pw@example.com/' }, 'url'],
      ['a too long url', { url: `https://example.com/${'a'.repeat(2040)}` }, 'url'],
      ['an unknown field', { url: 'https://example.com/', colour: 'red' }, 'colour'],
      [
        'a hop-by-hop header',
        { url: 'https://example.com/', headers: { Connection: 'close' } },
        'headers',
      ],
      [
        'an authorization header',
        { url: 'https://example.com/', headers: { authorization: 'Bearer x' } },
        'headers',
      ],
      [
        'a signature header',
        { url: 'https://example.com/', headers: { 'Webhook-Signature': 'x' } },
        'headers',
      ],
      [
        "the endpoint's own signature header",
        { url: 'https://example.com/', signatureHeader: 'nami-sig', headers: { 'NAMI-SIG': 'x' } },
        'headers',
      ],
      [
        'a header value with CRLF',
        { url: 'https://example.com/', headers: { 'x-a': 'a\r\nb' } },
        'headers',
      ],
      [
        'a header value with a control character',
        { url: 'https://example.com/', headers: { 'x-a': 'a\u0001b' } },
        'headers',
      ],
      [
        'a header value with a character undici cannot send',
        { url: 'https://example.com/', headers: { 'x-price': '5 €' } },
        'headers',
      ],
      [
        'a non-string header value',
        { url: 'https://example.com/', headers: { 'x-a': 1 } },
        'headers',
      ],
      [
        '21 headers',
        {
          url: 'https://example.com/',
          headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-${i}`, 'v'])),
        },
        'headers',
      ],
      [
        'an auth token with a space',
        { url: 'https://example.com/', authToken: 'a b' },
        'authToken',
      ],
      ['an empty auth token', { url: 'https://example.com/', authToken: '' }, 'authToken'],
      ['a rate limit of 0', { url: 'https://example.com/', rateLimit: 0 }, 'rateLimit'],
      ['a fractional rate limit', { url: 'https://example.com/', rateLimit: 1.5 }, 'rateLimit'],
      [
        'a rate limit over 100000',
        { url: 'https://example.com/', rateLimit: 100_001 },
        'rateLimit',
      ],
      [
        'a malformed retry schedule',
        { url: 'https://example.com/', retrySchedule: ['5 minutes'] },
        'retrySchedule',
      ],
      [
        'a retry delay over 24h',
        { url: 'https://example.com/', retrySchedule: ['2d'] },
        'retrySchedule',
      ],
      [
        'a signature header that is not a token',
        { url: 'https://example.com/', signatureHeader: 'my sig' },
        'signatureHeader',
      ],
      [
        'a reserved signature header',
        { url: 'https://example.com/', signatureHeader: 'content-type' },
        'signatureHeader',
      ],
      ['a malformed secret', { url: 'https://example.com/', secret: 'whsec_short' }, 'secret'],
      ['empty eventTypes', { url: 'https://example.com/', eventTypes: [] }, 'eventTypes'],
      [
        'a bad event type pattern',
        { url: 'https://example.com/', eventTypes: ['a.*.b'] },
        'eventTypes',
      ],
      [
        'a bad filter',
        { url: 'https://example.com/', eventTypes: ['*'], filter: { amount: { $bogus: 1 } } },
        'filter.amount.$bogus',
      ],
      [
        'disabledReason without disabled',
        { url: 'https://example.com/', disabledReason: 'x' },
        'disabledReason',
      ],
      ['metadata that is an array', { url: 'https://example.com/', metadata: [1] }, 'metadata'],
    ])('rejects %s with 422 naming the field, writing nothing', async (_case, body, field) => {
      const before = [await count('endpoint'), await count('subscription')];
      const res = await sut.api.post<Problem>(path(), body);
      expect(res.status).toBe(422);
      expect(res.body.details.map((d) => d.field)).toContain(field);
      expect([await count('endpoint'), await count('subscription')]).toEqual(before);
    });
  });

  describe('read, list, update', () => {
    it('gets an endpoint by id and the app by uid', async () => {
      const app = await createApp(sut.api, { uid: 'by-uid' });
      const endpoint = await createEndpoint(sut.api, app.id);
      const res = await sut.api.get<EndpointView>(`/api/v1/apps/by-uid/endpoints/${endpoint.id}`);
      expect(res.body.id).toBe(endpoint.id);
    });

    it('answers 404 for an endpoint of another app', async () => {
      const other = await createApp(sut.api);
      const endpoint = await createEndpoint(sut.api, other.id);
      expect((await sut.api.get(path(endpoint.id))).status).toBe(404);
    });

    it('pages by id and filters on disabled', async () => {
      const app = await createApp(sut.api);
      const a = await createEndpoint(sut.api, app.id);
      const b = await createEndpoint(sut.api, app.id, { disabled: true });
      const c = await createEndpoint(sut.api, app.id);
      const first = await sut.api.get<PageView<EndpointView>>(
        `/api/v1/apps/${app.id}/endpoints?limit=2`,
      );
      const second = await sut.api.get<PageView<EndpointView>>(
        `/api/v1/apps/${app.id}/endpoints?limit=2&cursor=${first.body.nextCursor}`,
      );
      expect([...first.body.data, ...second.body.data].map((e) => e.id)).toEqual([
        a.id,
        b.id,
        c.id,
      ]);
      expect(second.body.nextCursor).toBeNull();
      const disabled = await sut.api.get<PageView<EndpointView>>(
        `/api/v1/apps/${app.id}/endpoints?disabled=true`,
      );
      expect(disabled.body.data.map((e) => e.id)).toEqual([b.id]);
      expect((await sut.api.get(`/api/v1/apps/${app.id}/endpoints?disabled=maybe`)).status).toBe(
        422,
      );
    });

    it('patches only the given fields', async () => {
      const endpoint = await createEndpoint(sut.api, appId, { description: 'keep', rateLimit: 5 });
      const res = await sut.api.patch<EndpointView>(path(endpoint.id), {
        url: 'https://example.org/new',
        rateLimit: null,
        retrySchedule: ['30s'],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        url: 'https://example.org/new',
        description: 'keep',
        rateLimit: null,
        retrySchedule: ['30s'],
      });
    });

    it('removes the auth token with null', async () => {
      const endpoint = await createEndpoint(sut.api, appId, { authToken: 'tok_abcdefghijkl' });
      const res = await sut.api.patch<EndpointView>(path(endpoint.id), { authToken: null });
      expect(res.body).toMatchObject({ hasAuthToken: false, authTokenHint: null });
      expect((await row(endpoint.id)).auth_token_enc).toBeNull();
    });

    it('disables with a default reason and re-enables with a clean failure state', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const disabled = await sut.api.patch<EndpointView>(path(endpoint.id), { disabled: true });
      expect(disabled.body).toMatchObject({ disabled: true, disabledReason: 'disabled by API' });
      await sut.db.query(
        `UPDATE endpoint SET consecutive_failures = 9, failing_since = $2, circuit_open_until = $2 WHERE id = $1`,
        [endpoint.id, clock.now()],
      );
      const enabled = await sut.api.patch<EndpointView>(path(endpoint.id), { disabled: false });
      expect(enabled.body).toMatchObject({ disabled: false, disabledReason: null });
      const health = (
        await sut.db.query(
          'SELECT consecutive_failures, failing_since, circuit_open_until FROM endpoint WHERE id = $1',
          [endpoint.id],
        )
      ).rows[0];
      expect(health).toEqual({
        consecutive_failures: 0,
        failing_since: null,
        circuit_open_until: null,
      });
    });

    it('keeps a given disabled reason', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const res = await sut.api.patch<EndpointView>(path(endpoint.id), {
        disabled: true,
        disabledReason: 'maintenance',
      });
      expect(res.body.disabledReason).toBe('maintenance');
    });

    it('refuses headers that clash with a new signatureHeader, changing nothing', async () => {
      const endpoint = await createEndpoint(sut.api, appId, { headers: { 'x-sig': 'v' } });
      const res = await sut.api.patch<Problem>(path(endpoint.id), { signatureHeader: 'X-Sig' });
      expect(res.status).toBe(422);
      expect(res.body.details[0].field).toBe('headers');
      expect((await sut.api.get<EndpointView>(path(endpoint.id))).body.signatureHeader).toBeNull();
    });

    it.each(['description', 'headers', 'metadata', 'url', 'disabled'])(
      'refuses %s: null on PATCH with 422 naming the field, changing nothing',
      async (field) => {
        const endpoint = await createEndpoint(sut.api, appId, {
          description: 'kept',
          headers: { 'x-kept': 'yes' },
          metadata: { kept: true },
        });
        const res = await sut.api.patch<Problem>(path(endpoint.id), { [field]: null });
        expect(res.status).toBe(422);
        expect(res.body.details).toEqual([
          { field, message: `${field} must not be null; leave it out instead` },
        ]);
        expect((await sut.api.get<EndpointView>(path(endpoint.id))).body).toEqual(endpoint);
      },
    );

    it('names the header whose value undici would refuse, on PATCH too, changing nothing', async () => {
      const endpoint = await createEndpoint(sut.api, appId, { headers: { 'x-kept': 'yes' } });
      const res = await sut.api.patch<Problem>(path(endpoint.id), {
        headers: { 'x-ok': 'fine', 'x-emoji': 'ok 😀' },
      });
      expect(res.status).toBe(422);
      expect(res.body.details).toEqual([
        {
          field: 'headers',
          message: expect.stringContaining('header "x-emoji" value may only hold'),
        },
      ]);
      expect((await sut.api.get<EndpointView>(path(endpoint.id))).body.headers).toEqual({
        'x-kept': 'yes',
      });
    });

    it.each([
      ['an unknown field', { secret: 'whsec_x' }, 'secret'],
      ['a bad url', { url: 'nope' }, 'url'],
      ['a wrong type', { disabled: 'yes' }, 'disabled'],
    ])('rejects %s on PATCH with 422', async (_case, body, field) => {
      const endpoint = await createEndpoint(sut.api, appId);
      const res = await sut.api.patch<Problem>(path(endpoint.id), body);
      expect(res.status).toBe(422);
      expect(res.body.details.map((d) => d.field)).toContain(field);
    });
  });

  describe('header values at the edge of what undici sends', () => {
    it('delivers a value with a tab and U+0080-U+00FF characters (sent as latin-1 bytes)', async () => {
      const receiver = await startReceiver(() => ({ status: 204 }));
      try {
        const app = await createApp(sut.api);
        await createEndpoint(sut.api, app.id, {
          url: receiver.url,
          headers: { 'x-note': 'café\tcrème ÿ' },
        });
        const sent = await sut.api.post(`/api/v1/apps/${app.id}/messages`, {
          eventType: 'header.check',
          payload: {},
        });
        expect(sent.status).toBe(202);
        const [request] = await receiver.waitFor(1);
        expect(request.headers['x-note']).toBe('café\tcrème ÿ');
      } finally {
        await receiver.close();
      }
    });
  });

  describe('secrets', () => {
    const box = new SecretBox(Buffer.from(TEST_ENCRYPTION_KEY, 'base64'));

    it('generates a whsec_ secret and returns it only from /secret', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const res = await sut.api.get<{ key: string }>(`${path(endpoint.id)}/secret`);
      expect(res.status).toBe(200);
      expect(isValidSigningSecret(res.body.key)).toBe(true);
    });

    it('keeps a caller-supplied secret', async () => {
      const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
      const endpoint = await createEndpoint(sut.api, appId, { secret });
      expect((await sut.api.get<{ key: string }>(`${path(endpoint.id)}/secret`)).body.key).toBe(
        secret,
      );
    });

    it('stores secret and token encrypted: their bytes never appear in the row', async () => {
      const secret = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
      const token = 'tok_plaintext_marker_123';
      const endpoint = await createEndpoint(sut.api, appId, { secret, authToken: token });
      const raw = await sut.db.query<{ text: string }>(
        'SELECT row_to_json(e)::text AS text FROM endpoint e WHERE id = $1',
        [endpoint.id],
      );
      const stored = await row(endpoint.id);
      const bytes = Buffer.concat([stored.secret_enc, stored.auth_token_enc ?? Buffer.alloc(0)]);
      for (const plain of [secret, secret.slice(6), token]) {
        expect(raw.rows[0].text).not.toContain(plain);
        expect(bytes.includes(Buffer.from(plain))).toBe(false);
      }
      expect(Buffer.alloc(32, 5).length > 0 && bytes.includes(Buffer.alloc(32, 5))).toBe(false);
      expect(box.open(stored.auth_token_enc as Buffer, `${endpoint.id}/auth-token`)).toBe(token);
    });

    it('rotates: the new key is current, the old one signs for 24 hours and not after', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const old = (await sut.api.get<{ key: string }>(`${path(endpoint.id)}/secret`)).body.key;
      const newKey = `whsec_${Buffer.alloc(48, 1).toString('base64')}`;
      const rotatedAt = clock.now();
      const res = await sut.api.post<{ key: string }>(`${path(endpoint.id)}/secret/rotate`, {
        key: newKey,
      });
      expect(res.status).toBe(200);
      expect(res.body.key).toBe(newKey);
      expect((await sut.api.get<{ key: string }>(`${path(endpoint.id)}/secret`)).body.key).toBe(
        newKey,
      );
      // Stored sealed, the old key kept for 24 hours (deliveries signed with both meanwhile:
      // test/delivery-signing.e2e-spec.ts).
      const stored = await row(endpoint.id);
      expect(stored.previous_secret_expires_at?.getTime()).toBe(rotatedAt.getTime() + 24 * HOUR);
      expect(box.open(stored.secret_enc, `${endpoint.id}/secret`)).toBe(newKey);
      expect(box.open(stored.previous_secret_enc as Buffer, `${endpoint.id}/secret`)).toBe(old);
    });

    it('generates the new key when none is given', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const old = (await sut.api.get<{ key: string }>(`${path(endpoint.id)}/secret`)).body.key;
      const res = await sut.api.post<{ key: string }>(`${path(endpoint.id)}/secret/rotate`, {});
      expect(isValidSigningSecret(res.body.key)).toBe(true);
      expect(res.body.key).not.toBe(old);
    });

    it('rejects a malformed key on rotation, keeping the secret', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const old = (await sut.api.get<{ key: string }>(`${path(endpoint.id)}/secret`)).body.key;
      const res = await sut.api.post<Problem>(`${path(endpoint.id)}/secret/rotate`, {
        key: 'whsec_!!',
      });
      expect(res.status).toBe(422);
      expect(res.body.details[0].field).toBe('key');
      expect((await sut.api.get<{ key: string }>(`${path(endpoint.id)}/secret`)).body.key).toBe(
        old,
      );
    });
  });

  describe('delete', () => {
    it('soft-deletes, removes subscriptions and cancels queued deliveries in one go', async () => {
      const endpoint = await createEndpoint(sut.api, appId);
      const now = clock.now();
      await sut.db.query(
        `INSERT INTO message (id, app_id, event_type, payload, created_at) VALUES ('msg_del', $1, 'a.b', '{}', $2)`,
        [appId, now],
      );
      for (const [id, status] of [
        ['dlv_p', 'pending'],
        ['dlv_d', 'delivering'],
        ['dlv_s', 'succeeded'],
      ]) {
        await placeDelivery(sut.db, {
          id,
          appId,
          messageId: 'msg_del',
          endpointId: endpoint.id,
          status,
          leaseUntil: now,
          at: now,
        });
      }
      expect((await sut.api.delete(path(endpoint.id))).status).toBe(204);
      expect((await sut.api.get(path(endpoint.id))).status).toBe(404);
      expect(
        (await sut.api.get<PageView<EndpointView>>(path())).body.data.map((e) => e.id),
      ).not.toContain(endpoint.id);
      expect(
        (await sut.db.query('SELECT deleted_at FROM endpoint WHERE id = $1', [endpoint.id])).rows[0]
          .deleted_at,
      ).not.toBeNull();
      expect(
        Number(
          (
            await sut.db.query('SELECT count(*) FROM subscription WHERE endpoint_id = $1', [
              endpoint.id,
            ])
          ).rows[0].count,
        ),
      ).toBe(0);
      const deliveries = (await deliveriesOf(sut.db, { endpointId: endpoint.id })).map(
        ({ id, status, last_error, lease_until, next_attempt_at }) => ({
          id,
          status,
          last_error,
          lease_until,
          next_attempt_at,
        }),
      );
      expect(deliveries).toEqual([
        {
          id: 'dlv_d',
          status: 'cancelled',
          last_error: 'endpoint deleted',
          lease_until: null,
          next_attempt_at: null,
        },
        {
          id: 'dlv_p',
          status: 'cancelled',
          last_error: 'endpoint deleted',
          lease_until: null,
          next_attempt_at: null,
        },
        {
          id: 'dlv_s',
          status: 'succeeded',
          last_error: null,
          lease_until: now,
          next_attempt_at: now,
        },
      ]);
      expect((await sut.api.delete(path(endpoint.id))).status).toBe(404);
    });
  });
});

describe('Endpoints API without private networks', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  let appId: string;

  beforeAll(async () => {
    sut = await startTestAppWithDatabase({ env: { DELIVERY_ALLOW_PRIVATE_NETWORKS: 'false' } });
    appId = (await createApp(sut.api)).id;
  });
  afterAll(() => sut.close());

  it.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://[::ffff:127.0.0.1]/',
    'http://10.0.0.8/x',
    'http://169.254.169.254/latest',
    'http://[::1]:8080/',
  ])('refuses %s with 422 forbidden_address', async (url) => {
    const res = await sut.api.post<Problem>(`/api/v1/apps/${appId}/endpoints`, { url });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('forbidden_address');
    expect(res.body.details[0].field).toBe('url');
  });

  it('refuses a forbidden address on PATCH too', async () => {
    const endpoint = await createEndpoint(sut.api, appId);
    const res = await sut.api.patch<Problem>(`/api/v1/apps/${appId}/endpoints/${endpoint.id}`, {
      url: 'http://192.168.1.1/',
    });
    expect(res.body.code).toBe('forbidden_address');
  });

  it('accepts public addresses and hostnames (resolved at connect time)', async () => {
    for (const url of ['https://93.184.215.14/hook', 'https://localhost.example.com/hook']) {
      expect((await sut.api.post(`/api/v1/apps/${appId}/endpoints`, { url })).status).toBe(201);
    }
  });
});

describe('App retrySchedule (used by endpoints without their own)', () => {
  let sut: Awaited<ReturnType<typeof startTestAppWithDatabase>>;
  beforeAll(async () => {
    sut = await startTestAppWithDatabase();
  });
  afterAll(() => sut.close());

  it('stores seconds, answers durations, and clears with null', async () => {
    const app = await createApp(sut.api, { retrySchedule: ['90s', '5m', '1h'] });
    expect(app.retrySchedule).toEqual(['90s', '5m', '1h']);
    expect(
      (await sut.db.query('SELECT retry_schedule FROM app WHERE id = $1', [app.id])).rows[0]
        .retry_schedule,
    ).toEqual([90, 300, 3600]);
    const cleared = await sut.api.patch<{ retrySchedule: string[] | null }>(
      `/api/v1/apps/${app.id}`,
      { retrySchedule: null },
    );
    expect(cleared.body.retrySchedule).toBeNull();
  });

  it('rejects a malformed schedule with 422 naming the field', async () => {
    const res = await sut.api.post<Problem>('/api/v1/apps', {
      name: 'x',
      retrySchedule: ['5m', 'soon'],
    });
    expect(res.status).toBe(422);
    expect(res.body.details[0]).toMatchObject({ field: 'retrySchedule' });
    expect(res.body.details[0].message).toContain('[1]');
  });
});
