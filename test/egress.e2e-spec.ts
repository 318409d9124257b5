import { Test, type TestingModule } from '@nestjs/testing';
import { request } from 'undici';
import { FakeClock } from '../src/common/clock';
import { loadConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { classifyDeliveryError } from '../src/delivery/sending/delivery-error';
import { EgressModule } from '../src/egress/egress.module';
import { OutboundDispatchers } from '../src/egress/outbound-dispatchers';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const OUTBOUND_IPS = '203.0.113.10,198.51.100.0/28';
const PUBLISHED = ['203.0.113.10', '198.51.100.0/28'];

/** EgressModule exactly as the worker imports it, with only the config around it. */
async function compileEgress(env: Record<string, string>): Promise<TestingModule> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  return Test.createTestingModule({ imports: [ConfigModule.forRoot(config), EgressModule] })
    .compile()
    .then((module) => module.init());
}

async function post(dispatchers: OutboundDispatchers, url: string): Promise<number> {
  dispatchers.assertAllowed(new URL(url));
  const res = await request(url, { method: 'POST', body: '{}', dispatcher: dispatchers.next() });
  await res.body.dump();
  return res.statusCode;
}

describe('Egress', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  describe('GET /api/v1/outbound-ips', () => {
    let sut: TestApp;

    beforeAll(async () => {
      sut = await startTestApp({ database, env: { OUTBOUND_IPS } });
    });
    afterAll(async () => {
      await sut.close();
    });

    const anonymous = () => sut.api.withKey(null);

    it('publishes OUTBOUND_IPS without an API key', async () => {
      const res = await anonymous().get('/api/v1/outbound-ips');

      expect([res.status, res.body]).toEqual([
        200,
        { webhook_outbound_ips: PUBLISHED, updatedAt: expect.any(String) },
      ]);
    });

    it('dates the list with an ISO timestamp', async () => {
      const res = await anonymous().get<{ updatedAt: string }>('/api/v1/outbound-ips');

      expect(new Date(res.body.updatedAt).toISOString()).toBe(res.body.updatedAt);
    });

    it('is cacheable for an hour', async () => {
      const res = await anonymous().get('/api/v1/outbound-ips');

      expect(res.headers['cache-control']).toBe('public, max-age=3600');
    });

    it('answers 304 to If-None-Match with its ETag', async () => {
      const first = await anonymous().get('/api/v1/outbound-ips');

      const again = await anonymous().get('/api/v1/outbound-ips', {
        'if-none-match': String(first.headers.etag),
      });

      expect([again.status, again.body, again.headers.etag]).toEqual([
        304,
        undefined,
        first.headers.etag,
      ]);
    });

    it('answers 200 to an If-None-Match with another ETag', async () => {
      const res = await anonymous().get('/api/v1/outbound-ips', { 'if-none-match': '"stale"' });

      expect(res.status).toBe(200);
    });

    it('is documented in OpenAPI under Egress without bearer auth', async () => {
      const doc = await anonymous().get<{
        paths: Record<string, { get: { tags: string[]; security?: unknown } }>;
      }>('/docs-json');

      const operation = doc.body.paths['/api/v1/outbound-ips']?.get;
      expect([operation?.tags, operation?.security]).toEqual([['Egress'], undefined]);
    });
  });

  describe('the ETag', () => {
    it('depends only on the list, not on when the process started', async () => {
      const early = await startTestApp({
        database,
        env: { OUTBOUND_IPS },
        clock: new FakeClock(0),
      });
      const late = await startTestApp({
        database,
        env: { OUTBOUND_IPS },
        clock: new FakeClock(9e9),
      });
      try {
        const [a, b] = await Promise.all(
          [early, late].map((app) => app.api.withKey(null).get('/api/v1/outbound-ips')),
        );

        expect([a.headers.etag, b.headers.etag]).toEqual([
          expect.stringMatching(/^W\/".+"$/),
          a.headers.etag,
        ]);
      } finally {
        await Promise.all([early.close(), late.close()]);
      }
    });

    it('dates the list by when it was first published: the same on every process and restart, later once it changes', async () => {
      const get = async (app: TestApp): Promise<string> =>
        (await app.api.withKey(null).get<{ updatedAt: string }>('/api/v1/outbound-ips')).body
          .updatedAt;
      const own = await createTestDatabase();
      const start = (list: string, at: number): Promise<TestApp> =>
        startTestApp({ database: own, env: { OUTBOUND_IPS: list }, clock: new FakeClock(at) });
      const apps: TestApp[] = [];
      try {
        apps.push(await start(OUTBOUND_IPS, 1_000));
        apps.push(await start(OUTBOUND_IPS, 9_000));
        apps.push(await start('203.0.113.11', 20_000));
        apps.push(await start('203.0.113.11', 30_000));

        expect(await Promise.all(apps.map(get))).toEqual([
          new Date(1_000).toISOString(),
          new Date(1_000).toISOString(),
          new Date(20_000).toISOString(),
          new Date(20_000).toISOString(),
        ]);
      } finally {
        await Promise.all(apps.map((app) => app.close()));
        await own.drop();
      }
    });

    it('changes with the list', async () => {
      const one = await startTestApp({ database, env: { OUTBOUND_IPS } });
      const other = await startTestApp({ database, env: { OUTBOUND_IPS: '203.0.113.11' } });
      try {
        const [a, b] = await Promise.all(
          [one, other].map((app) => app.api.withKey(null).get('/api/v1/outbound-ips')),
        );

        expect(a.headers.etag).not.toBe(b.headers.etag);
      } finally {
        await Promise.all([one.close(), other.close()]);
      }
    });
  });

  describe('rate limit per client IP', () => {
    let sut: TestApp;

    beforeAll(async () => {
      // A clock that stands still: no token comes back during the test.
      sut = await startTestApp({ database, env: { OUTBOUND_IPS }, clock: new FakeClock() });
    });
    afterAll(async () => {
      await sut.close();
    });

    it('answers 429 with Retry-After after 60 requests', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) {
        statuses.push((await sut.api.withKey(null).get('/api/v1/outbound-ips')).status);
      }

      const refused = await sut.api.withKey(null).get('/api/v1/outbound-ips');

      expect([
        statuses.every((s) => s === 200),
        refused.status,
        refused.headers['retry-after'],
      ]).toEqual([true, 429, '1']);
      expect(refused.body).toMatchObject({ code: 'rate_limited' });
    });

    it('ignores X-Forwarded-For unless the peer is a trusted proxy', async () => {
      const spoofing = await startTestApp({
        database,
        env: { OUTBOUND_IPS },
        clock: new FakeClock(),
      });
      const behindProxy = await startTestApp({
        database,
        env: { OUTBOUND_IPS, TRUST_PROXY: '127.0.0.1' },
        clock: new FakeClock(),
      });
      const poll = (app: TestApp, client: string): Promise<number> =>
        app.api
          .withKey(null)
          .get('/api/v1/outbound-ips', { 'x-forwarded-for': client })
          .then((r) => r.status);
      try {
        const spoofed: number[] = [];
        const proxied: number[] = [];
        for (let i = 0; i < 61; i++) {
          spoofed.push(await poll(spoofing, `198.51.100.${i}`));
          proxied.push(await poll(behindProxy, '198.51.100.7'));
        }
        const otherClient = await poll(behindProxy, '198.51.100.8');

        // A client cannot dodge its limit by naming another address...
        expect(spoofed.at(-1)).toBe(429);
        // ...but behind a trusted proxy each client has its own.
        expect([proxied.slice(0, 60).every((s) => s === 200), proxied[60]]).toEqual([true, 429]);
        expect(otherClient).toBe(200);
      } finally {
        await Promise.all([spoofing.close(), behindProxy.close()]);
      }
    });
  });

  describe('start-up', () => {
    it('fails when a bind address is not within OUTBOUND_IPS, naming the variable', async () => {
      const starting = startTestApp({
        database,
        env: { OUTBOUND_IPS: '127.0.0.2', OUTBOUND_BIND_ADDRESSES: '127.0.0.2,127.0.0.3' },
      });

      await expect(starting).rejects.toThrow(
        'OUTBOUND_BIND_ADDRESSES: 127.0.0.3 is not within OUTBOUND_IPS',
      );
    });

    it('fails in the worker when a bind address is not assigned to this machine', async () => {
      const compiling = compileEgress({
        OUTBOUND_IPS: '192.0.2.0/24',
        OUTBOUND_BIND_ADDRESSES: '192.0.2.1',
      });

      await expect(compiling).rejects.toThrow(
        /OUTBOUND_BIND_ADDRESSES: 192\.0\.2\.1 cannot be bound on this machine \(EADDRNOTAVAIL\)/,
      );
    });
  });

  describe('outbound dispatchers from EgressModule', () => {
    let receiver: TestReceiver;
    let module: TestingModule | undefined;

    beforeEach(async () => {
      receiver = await startReceiver();
    });
    afterEach(async () => {
      await module?.close();
      module = undefined;
      await receiver.close();
    });

    it('send from the bind addresses in turn', async () => {
      module = await compileEgress({
        DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
        OUTBOUND_IPS: '127.0.0.2,127.0.0.3',
        OUTBOUND_BIND_ADDRESSES: '127.0.0.2,127.0.0.3',
      });
      const sut = module.get(OutboundDispatchers);

      for (let i = 0; i < 4; i++) await post(sut, receiver.url);

      expect(receiver.requests.map((r) => r.remoteAddress)).toEqual([
        '127.0.0.2',
        '127.0.0.3',
        '127.0.0.2',
        '127.0.0.3',
      ]);
    });

    it('refuse a host name resolving to 127.0.0.1 as blocked, sending nothing', async () => {
      module = await compileEgress({ DELIVERY_ALLOW_PRIVATE_NETWORKS: 'false' });
      const sut = module.get(OutboundDispatchers);

      const error = await post(sut, `http://localhost:${receiver.port}/`).catch((e: unknown) => e);

      expect([classifyDeliveryError(error).errorClass, receiver.requests.length]).toEqual([
        'blocked',
        0,
      ]);
    });

    it('deliver to that host name when private networks are allowed', async () => {
      module = await compileEgress({ DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true' });
      const sut = module.get(OutboundDispatchers);

      const status = await post(sut, `http://localhost:${receiver.port}/`);

      expect([status, receiver.requests.length]).toEqual([200, 1]);
    });
  });
});
