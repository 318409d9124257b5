import { SignJWT } from 'jose';
import { PORTAL_DEFAULT_CAPABILITIES } from '../src/common/auth/capabilities';
import { portalSigningKey } from '../src/auth/credentials/portal-signing-key';
import { PortalSessionPurge } from '../src/auth/portal-sessions/portal-session-purge';
import { AuthWorld, startAuthWorld } from './support/auth-world';
import { startTestAppWithDatabase } from './support/test-app';
import { TEST_ENCRYPTION_KEY } from './support/test-app';

type Page<T> = { data: T[]; nextCursor: string | null };
type ErrorBody = { code: string; message: string; details?: Array<{ field: string }> };

describe('Portal sessions and app API keys', () => {
  let w: AuthWorld & { close(): Promise<void> };

  beforeAll(async () => {
    w = await startAuthWorld();
  }, 180_000);
  afterAll(async () => {
    await w?.close();
  });

  describe('minting a portal session', () => {
    it('answers the token, a portal URL on PUBLIC_URL with the token in the fragment, and an expiry 1 hour away by default', async () => {
      const now = w.clock.now().getTime();

      const res = await w.admin.post<{ id: string; token: string; url: string; expiresAt: string }>(
        `/api/v1/apps/${w.a.appId}/portal-sessions`,
        {},
      );

      expect({
        id: res.body.id.startsWith('ps_'),
        url: res.body.url,
        lifetime: Date.parse(res.body.expiresAt) - Math.floor(now / 1000) * 1000,
      }).toEqual({
        id: true,
        url: `https://hooks.example.test/portal#token=${res.body.token}`,
        lifetime: 3_600_000,
      });
    });

    it.each([
      ['a lifetime over 24 hours', { ttlSeconds: 86_401 }, 'ttlSeconds'],
      ['an unknown capability', { capabilities: ['apps:write'] }, 'capabilities'],
      ['an endpoint of another app', 'other-app-endpoint', 'endpointIds'],
    ])('refuses %s with 422 naming the field', async (_case, body, field) => {
      const payload = body === 'other-app-endpoint' ? { endpointIds: [w.b.endpointId] } : body;

      const res = await w.admin.post<ErrorBody>(
        `/api/v1/apps/${w.a.appId}/portal-sessions`,
        payload,
      );

      expect({ status: res.status, fields: res.body.details?.map((d) => d.field) }).toEqual({
        status: 422,
        fields: [field],
      });
    });

    it('gives a session without capabilities the documented defaults', async () => {
      const token = await w.mintSession(w.a.appId, {});

      const res = await w.as(token).get<{ capabilities: string[] }>('/api/v1/portal/session');

      expect(res.body.capabilities).toEqual([...PORTAL_DEFAULT_CAPABILITIES]);
    });
  });

  describe('the session route', () => {
    it("shows the app's theming, the capabilities and the endpoints of the session", async () => {
      await w.admin.patch(`/api/v1/apps/${w.a.appId}`, {
        portal: {
          displayName: 'Acme',
          primaryColor: '#3355ff',
          logoUrl: 'https://acme.example/logo.svg',
        },
      });

      const res = await w.as(w.tokens.oneEndpointA).get('/api/v1/portal/session');

      expect(res.body).toMatchObject({
        app: {
          id: w.a.appId,
          name: 'Acme',
          primaryColor: '#3355ff',
          logoUrl: 'https://acme.example/logo.svg',
        },
        endpointIds: [w.a.endpointId],
      });
    });
  });

  describe('portal theming on apps', () => {
    it.each([
      ['a colour that is not #rrggbb', { primaryColor: 'blue' }, 'portal.primaryColor'],
      ['a logo over http', { logoUrl: 'http://acme.example/logo.svg' }, 'portal.logoUrl'],
    ])('refuses %s with 422 naming the field', async (_case, portal, field) => {
      const res = await w.admin.patch<ErrorBody>(`/api/v1/apps/${w.a.appId}`, { portal });

      expect({ status: res.status, fields: res.body.details?.map((d) => d.field) }).toEqual({
        status: 422,
        fields: [field],
      });
    });

    it('merges a change and clears a field set to null', async () => {
      const app = await w.admin.post<{ id: string }>('/api/v1/apps', {
        name: 'themed',
        portal: { primaryColor: '#000000', logoUrl: 'https://x.example/l.png' },
      });

      const res = await w.admin.patch(`/api/v1/apps/${app.body.id}`, {
        portal: { primaryColor: '#ffffff', logoUrl: null },
      });

      expect(res.body.portal).toEqual({ primaryColor: '#ffffff' });
    });
  });

  describe('an endpoint-limited session', () => {
    it('lists only its endpoints', async () => {
      const res = await w
        .as(w.tokens.oneEndpointA)
        .get<Page<{ id: string }>>(`/api/v1/apps/${w.a.appId}/endpoints`);

      expect(res.body.data.map((e) => e.id)).toEqual([w.a.endpointId]);
    });

    it("lists only its endpoints' deliveries and attempts of a message", async () => {
      const as = w.as(w.tokens.oneEndpointA);
      const base = `/api/v1/apps/${w.a.appId}/messages/${w.a.messageId}`;

      const deliveries = await as.get<Page<{ endpointId: string }>>(`${base}/deliveries`);
      const attempts = await as.get<Page<{ endpointId: string }>>(`${base}/attempts`);

      expect({
        deliveries: [...new Set(deliveries.body.data.map((d) => d.endpointId))],
        attempts: [...new Set(attempts.body.data.map((a) => a.endpointId))],
      }).toEqual({ deliveries: [w.a.endpointId], attempts: [w.a.endpointId] });
    });
  });

  describe('hidden resources', () => {
    const unknownApp = 'app_01JD7X5K0Q3R6W8Y9Z0A1B2C3D';
    const unknownEndpoint = 'ep_01JD7X5K0Q3R6W8Y9Z0A1B2C3D';

    it("answers another app's route exactly as an app that does not exist", async () => {
      const hidden = await w.as(w.tokens.fullA).get(`/api/v1/apps/${w.b.appId}/endpoints`);
      const missing = await w.admin.get(`/api/v1/apps/${unknownApp}/endpoints`);

      expect({
        status: hidden.status,
        body: JSON.stringify(hidden.body).replace(w.b.appId, '…'),
      }).toEqual({
        status: missing.status,
        body: JSON.stringify(missing.body).replace(unknownApp, '…'),
      });
    });

    it('answers an endpoint outside the session exactly as an endpoint that does not exist', async () => {
      const base = `/api/v1/apps/${w.a.appId}/endpoints`;
      const hidden = await w.as(w.tokens.oneEndpointA).get(`${base}/${w.a.otherEndpointId}`);
      const missing = await w.admin.get(`${base}/${unknownEndpoint}`);

      expect({
        status: hidden.status,
        body: JSON.stringify(hidden.body).replace(w.a.otherEndpointId, '…'),
      }).toEqual({
        status: missing.status,
        body: JSON.stringify(missing.body).replace(unknownEndpoint, '…'),
      });
    });
  });

  describe('tokens that must not work', () => {
    it('answers 401 for a token signed with the right key that names another app than its session', async () => {
      const key = portalSigningKey({
        adminApiKeys: [],
        encryptionKey: Buffer.from(TEST_ENCRYPTION_KEY, 'base64'),
      });
      const now = Math.floor(w.clock.now().getTime() / 1000);
      const forged = await new SignJWT({ app: w.b.appId })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('hookrelay')
        .setAudience('hookrelay-portal')
        .setSubject(w.a.sessionId)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(key);

      const res = await w.as(forged).get(`/api/v1/apps/${w.b.appId}/endpoints`);

      expect(res.status).toBe(401);
    });

    it('answers 401 once the clock passes the end of the session', async () => {
      const token = await w.mintSession(w.a.appId, { ttlSeconds: 120 });
      const before = (await w.as(token).get('/api/v1/portal/session')).status;

      w.clock.advance(121_000);
      const after = await w.as(token).get<ErrorBody>('/api/v1/portal/session');

      expect({ before, after: after.status, message: after.body.message }).toEqual({
        before: 200,
        after: 401,
        message: 'the portal session has expired',
      });
    });

    it('answers 401 for a session of a deleted app', async () => {
      const app = await w.admin.post<{ id: string }>('/api/v1/apps', { name: 'short-lived' });
      const token = await w.mintSession(app.body.id, {});
      await w.admin.delete(`/api/v1/apps/${app.body.id}`);

      expect((await w.as(token).get('/api/v1/portal/session')).status).toBe(401);
    });
  });

  describe('app API keys', () => {
    it('shows the key once, lists it without the key, stores only a hash', async () => {
      const created = await w.admin.post<{ id: string; key: string }>(
        `/api/v1/apps/${w.a.appId}/api-keys`,
        { name: 'billing', capabilities: ['messages:write'] },
      );
      const listed = await w.admin.get<Page<Record<string, unknown>>>(
        `/api/v1/apps/${w.a.appId}/api-keys`,
      );
      const { rows } = await w.db.query<{ secret_hash: Buffer }>(
        'SELECT secret_hash FROM api_key WHERE id = $1',
        [created.body.id],
      );

      const shown = listed.body.data.find((k) => k.id === created.body.id);
      expect({
        keyFormat: /^hk_key_\w{26}\.[\w-]{43}$/.test(created.body.key),
        listedFields: Object.keys(shown ?? {}).sort(),
        storedIsHash: rows[0].secret_hash.length === 32,
        storedHasKey: rows[0].secret_hash.toString('utf8').includes(created.body.key),
      }).toEqual({
        keyFormat: true,
        listedFields: ['capabilities', 'createdAt', 'id', 'name', 'revokedAt'],
        storedIsHash: true,
        storedHasKey: false,
      });
    });

    it('lets a producer key send messages, and refuses it once revoked', async () => {
      const created = await w.admin.post<{ id: string; key: string }>(
        `/api/v1/apps/${w.a.appId}/api-keys`,
        { name: 'producer', capabilities: ['messages:write'] },
      );
      const send = () =>
        w
          .as(created.body.key)
          .post(`/api/v1/apps/${w.a.appId}/messages`, { eventType: w.eventType, payload: {} });
      const before = (await send()).status;

      await w.admin.delete(`/api/v1/apps/${w.a.appId}/api-keys/${created.body.id}`);

      expect({ before, after: (await send()).status }).toEqual({ before: 202, after: 401 });
    });

    it('answers 401 for a key whose secret part was changed', async () => {
      const created = await w.admin.post<{ key: string }>(`/api/v1/apps/${w.a.appId}/api-keys`, {
        name: 'x',
        capabilities: ['messages:write'],
      });
      const last = created.body.key.slice(-1);
      const wrong = created.body.key.slice(0, -1) + (last === 'A' ? 'B' : 'A');

      const res = await w.as(wrong).get('/api/v1/event-types');

      expect(res.status).toBe(401);
    });
  });

  // Last: it moves the clock two days on, past every session of this world.
  describe('purging ended sessions', () => {
    it('deletes sessions a day after they expired or were revoked, and keeps the others', async () => {
      const endedRecently = await w.admin.post<{ id: string }>(
        `/api/v1/apps/${w.a.appId}/portal-sessions`,
        {
          ttlSeconds: 86_400,
        },
      );
      const ended = await w.admin.post<{ id: string }>(
        `/api/v1/apps/${w.a.appId}/portal-sessions`,
        {
          ttlSeconds: 60,
        },
      );
      w.clock.advance(86_400_000 + 120_000);
      const fresh = await w.admin.post<{ id: string }>(
        `/api/v1/apps/${w.a.appId}/portal-sessions`,
        {},
      );

      await w.app.get(PortalSessionPurge).runOnce();

      const { rows } = await w.db.query<{ id: string }>(
        'SELECT id FROM portal_session WHERE id = ANY($1)',
        [[endedRecently.body.id, ended.body.id, fresh.body.id]],
      );
      expect(rows.map((r) => r.id).sort()).toEqual([endedRecently.body.id, fresh.body.id].sort());
    });
  });
});

describe('The OpenAPI document', () => {
  type Operation = { security?: Array<Record<string, string[]>>; 'x-required-capability'?: string };
  type Doc = {
    components: { securitySchemes: Record<string, unknown> };
    paths: Record<string, Record<string, Operation>>;
  };
  let doc: Doc;

  beforeAll(async () => {
    const sut = await startTestAppWithDatabase();
    try {
      doc = (await sut.api.withKey(null).get<Doc>('/docs-json')).body;
    } finally {
      await sut.close();
    }
  });

  it('declares the three security schemes', () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'adminKey',
      'appApiKey',
      'portalToken',
    ]);
  });

  it('names the capability of a scoped route and accepts the three credentials there', () => {
    const operation = doc.paths['/api/v1/apps/{appId}/endpoints'].get;

    expect({
      capability: operation['x-required-capability'],
      schemes: (operation.security ?? []).flatMap((s) => Object.keys(s)).sort(),
    }).toEqual({ capability: 'endpoints:read', schemes: ['adminKey', 'appApiKey', 'portalToken'] });
  });

  it('accepts only the admin key on an admin-only route', () => {
    const operation = doc.paths['/api/v1/apps'].post;

    expect((operation.security ?? []).flatMap((s) => Object.keys(s))).toEqual(['adminKey']);
  });
});

/** The frame-ancestors directive of a CSP header (the portal's CSP has others too). */
const frameAncestors = (csp: unknown): string | undefined =>
  String(csp)
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('frame-ancestors'));

describe('Portal framing', () => {
  it.each([
    [{}, "frame-ancestors 'self'"],
    [
      { PORTAL_FRAME_ANCESTORS: "'self' https://app.example.com" },
      "frame-ancestors 'self' https://app.example.com",
    ],
  ])('sends the CSP of PORTAL_FRAME_ANCESTORS on /portal (%j)', async (env, expected) => {
    const sut = await startTestAppWithDatabase({ env });
    try {
      const portal = await sut.api.withKey(null).get('/portal/');
      const api = await sut.api.withKey(null).get('/api/v1/outbound-ips');

      expect({
        portal: frameAncestors(portal.headers['content-security-policy']),
        referrer: portal.headers['referrer-policy'],
        api: api.headers['content-security-policy'],
      }).toEqual({ portal: expected, referrer: 'no-referrer', api: undefined });
    } finally {
      await sut.close();
    }
  });
});
